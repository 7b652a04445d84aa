"""Whether a dossier meets a partner's eligibility rules, and what it still lacks, explained."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, computed_field

from banks.catalogue import PartnerSpec
from banks.rules import Subject, run_rules
from banks.rules.messages import render
from dossier.i18n import DEFAULT_LANG
from dossier.schema import DossierV1
from dossier.validity import Document, expired, months_of, valid_kinds


class Reason(BaseModel):
    """One rule's verdict, with its sentence in the requested language."""

    rule: str
    ok: bool
    code: str
    ctx: dict[str, Any]
    message: str


class Eligibility(BaseModel):
    """A partner's verdict on a dossier: eligible, why, and which attachments are missing."""

    partner: str
    eligible: bool
    requested: bool
    reasons: list[Reason]
    missing: list[str]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ready(self) -> bool:
        """Eligible and nothing missing: the dossier can be submitted to this partner."""
        return self.eligible and not self.missing


def _documents(attachment_kinds: Iterable[str | Document]) -> list[Document]:
    return [d if isinstance(d, Document) else Document(d) for d in attachment_kinds]


def _expired_reasons(partner: PartnerSpec, docs: list[Document], today: date,
                     lang: str) -> list[Reason]:
    overrides = {str(k): v for k, v in partner.document_validity_months.items()}
    required = set(partner.required_attachments)
    reasons = []
    for doc, ended in expired(docs, today, overrides):
        if doc.kind not in required:
            continue
        ctx = {"kind": doc.kind, "expired_on": ended.isoformat(),
               "months": months_of(doc.kind, overrides), "name": doc.name}
        reasons.append(Reason(rule="documents", ok=False, code="document_expired", ctx=ctx,
                              message=render("documents", "document_expired", ctx, lang)))
    return reasons


def evaluate(partner: PartnerSpec, dossier: DossierV1, *,
             attachment_kinds: Iterable[str | Document], today: date,
             lang: str = DEFAULT_LANG) -> Eligibility:
    """Run the partner's rules on the dossier; a rule whose input is not filled fails. An
    attachment past its validity (the partner's, or the default) counts as missing, with
    its reason."""
    subject = Subject(partner=partner, dossier=dossier, today=today)
    docs = _documents(attachment_kinds)
    reasons = [Reason(rule=c.rule, ok=c.ok, code=c.code, ctx=c.ctx,
                      message=render(c.rule, c.code, c.ctx, lang))
               for c in run_rules(subject)]
    eligible = all(r.ok for r in reasons)  # an expired file is missing, not a failed rule
    reasons += _expired_reasons(partner, docs, today, lang)
    have = valid_kinds(docs, today, {str(k): v for k, v in
                                     partner.document_validity_months.items()})
    return Eligibility(
        partner=partner.code,
        eligible=eligible,
        requested=subject.request is not None,
        reasons=reasons,
        missing=[k for k in dict.fromkeys(partner.required_attachments) if k not in have],
    )


def evaluate_all(partners: Iterable[PartnerSpec], dossier: DossierV1, *,
                 attachment_kinds: Iterable[str | Document], today: date,
                 lang: str = DEFAULT_LANG) -> list[Eligibility]:
    """Evaluate the dossier for each partner, in the order given."""
    kinds = tuple(attachment_kinds)
    return [evaluate(p, dossier, attachment_kinds=kinds, today=today, lang=lang)
            for p in partners]
