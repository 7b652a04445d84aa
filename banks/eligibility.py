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


def evaluate(partner: PartnerSpec, dossier: DossierV1, *, attachment_kinds: Iterable[str],
             today: date, lang: str = DEFAULT_LANG) -> Eligibility:
    """Run the partner's rules on the dossier; a rule whose input is not filled fails."""
    subject = Subject(partner=partner, dossier=dossier, today=today)
    reasons = [Reason(rule=c.rule, ok=c.ok, code=c.code, ctx=c.ctx,
                      message=render(c.rule, c.code, c.ctx, lang))
               for c in run_rules(subject)]
    have = set(attachment_kinds)
    return Eligibility(
        partner=partner.code,
        eligible=all(r.ok for r in reasons),
        requested=subject.request is not None,
        reasons=reasons,
        missing=[k for k in dict.fromkeys(partner.required_attachments) if k not in have],
    )


def evaluate_all(partners: Iterable[PartnerSpec], dossier: DossierV1, *,
                 attachment_kinds: Iterable[str], today: date,
                 lang: str = DEFAULT_LANG) -> list[Eligibility]:
    """Evaluate the dossier for each partner, in the order given."""
    kinds = frozenset(attachment_kinds)
    return [evaluate(p, dossier, attachment_kinds=kinds, today=today, lang=lang)
            for p in partners]
