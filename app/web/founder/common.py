"""What every founder page shares: the wizard's steps, progress, and each partner's meter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.web.common.templating import env
from dossier import content_cache
from dossier.catalogue import _, _l, ngettext
from dossier.db import DbSession
from dossier.errors import NotFound
from dossier.formatting import PARIS
from dossier.models import Dossier
from dossier.services import readiness
from dossier.services.partners import list_partners
from dossier.services.submission import eligibility, is_submitted
from forms.definition import SECTIONS, Section, enum_label

PARTNERS_STEP = _l("Partners and submission")


def paris(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as the founder's clock shows it (Europe/Paris)."""
    return moment.astimezone(PARIS) if moment is not None else None


env.filters["paris"] = paris


def section_of(key: str) -> Section:
    """The form definition's section named `key`; NotFound (404 page) otherwise."""
    for s in SECTIONS:
        if s.key == key:
            return s
    raise NotFound("not_found")


def dossier_url(dossier: Dossier, tail: str = "") -> str:
    """A founder page of this dossier."""
    return f"/founder/dossiers/{dossier.id}{tail}"


def edit_url(dossier: Dossier, key: str) -> str:
    """The wizard step of a section (the attachments step is the attachments page)."""
    s = section_of(key)
    return dossier_url(dossier, "/attachments" if s.uploaded else f"/edit/{key}")


@dataclass(frozen=True)
class Step:
    """One step of the wizard, with its progress."""

    key: str
    title: str
    href: str
    filled: int
    required: int
    current: bool

    @property
    def percent(self) -> int:
        """Share of the step's required places filled."""
        return 100 if not self.required else 100 * self.filled // self.required

    text: str = ""  # "3 champs remplis sur 14", in words

    @property
    def done(self) -> bool:
        """Everything required in the step is there."""
        return self.filled >= self.required


def count_text(filled: int, required: int, lang: str, *, documents: bool = False) -> str:
    """How much of a step is done, in words: "Complet", "3 champs remplis sur 14",
    "14 champs obligatoires à remplir" (never "0 sur 1 renseignés")."""
    if filled >= required:
        return _("Complete", lang)
    if documents and not filled:
        return ngettext("{required} document to provide", "{required} documents to provide",
                        required, lang).format(required=required)
    if documents:
        return ngettext("{filled} document provided out of {required}",
                        "{filled} documents provided out of {required}",
                        filled, lang).format(filled=filled, required=required)
    if not filled:
        return ngettext("{required} required field to fill", "{required} required fields to fill",
                        required, lang).format(required=required)
    return ngettext("{filled} field filled out of {required}",
                    "{filled} fields filled out of {required}",
                    filled, lang).format(filled=filled, required=required)


def progress(db: DbSession, dossier: Dossier, lang: str = "fr") -> dict[str, Any]:
    """The dossier's one meter (dossier.services.readiness): 100 % only when submittable."""
    return readiness.progress(db=db, dossier=dossier, lang=lang)


def steps(dossier: Dossier, current: str, lang: str, *,
          meters: list[PartnerMeter] | None = None) -> list[Step]:
    """The wizard's steps from the form definition, in order, then the partners step.

    The attachments step counts the kinds the chosen partners require and hold as given (an
    expired document is missing, as the partners' meters say).
    """
    done = content_cache.validated(dossier.content)[1]["sections"]
    needed = needed_kinds(meters or [])
    missing = {k for m in meters or [] if m.requested for k in m.missing_kinds}
    out = []
    for s in SECTIONS:
        if s.uploaded:
            filled, required = len(set(needed) - missing), len(needed)
        else:
            counts = done.get(s.key, {"filled": 0, "required": 0})
            filled, required = counts["filled"], counts["required"]
        out.append(Step(s.key, s.title.get(lang), edit_url(dossier, s.key), filled, required,
                        s.key == current, count_text(filled, required, lang,
                                                     documents=s.uploaded)))
    out.append(Step("partners", PARTNERS_STEP.get(lang), dossier_url(dossier, "/partners"),
                    0, 0, current == "partners"))
    return out


@dataclass
class PartnerMeter:
    """What one partner thinks of the dossier, and what it still needs, in words."""

    code: str
    name: str
    kind: str
    description: str
    instruments: list[str]
    requested: bool
    eligible: bool
    ready: bool
    met: int
    total: int
    reasons_ok: list[str] = field(default_factory=list)
    reasons_not_ok: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # attachment kind labels
    missing_kinds: list[str] = field(default_factory=list)
    required_kinds: list[str] = field(default_factory=list)
    sla_days: int | None = None

    @property
    def percent(self) -> int:
        """Share of the partner's criteria and documents already met."""
        return 100 if not self.total else 100 * self.met // self.total


def partner_meters(db: DbSession, dossier: Dossier, lang: str) -> list[PartnerMeter]:
    """Every active partner's verdict (submission.eligibility), catalogue order."""
    catalogue = {p.code: p for p in list_partners(db=db)}
    meters = []
    for verdict in eligibility(db=db, dossier=dossier, lang=lang):
        partner = catalogue.get(verdict.partner)
        if partner is None:
            continue
        required = list(dict.fromkeys(partner.config.get("required_attachments", [])))
        ok = [r.message for r in verdict.reasons if r.ok]
        not_ok = [r.message for r in verdict.reasons if not r.ok]
        meters.append(PartnerMeter(
            code=partner.code, name=partner.name, kind=partner.kind,
            description=partner.config.get("description", ""),
            instruments=list(partner.config.get("instruments", [])),
            requested=verdict.requested, eligible=verdict.eligible, ready=verdict.ready,
            met=len(ok) + len(required) - len(verdict.missing),
            total=len(verdict.reasons) + len(required), reasons_ok=ok, reasons_not_ok=not_ok,
            missing=[enum_label("attachment_kind", k, lang) for k in verdict.missing],
            missing_kinds=list(verdict.missing), required_kinds=required,
            sla_days=partner.config.get("sla_days")))
    return sorted(meters, key=lambda m: m.code)


def needed_kinds(meters: list[PartnerMeter]) -> list[str]:
    """Attachment kinds the chosen partners require, in a stable order."""
    kinds: dict[str, None] = {}
    for m in meters:
        if m.requested:
            kinds.update(dict.fromkeys(m.required_kinds))
    return list(kinds)


def submitted(dossier: Dossier) -> bool:
    """True once a version has been submitted (edits are amendments)."""
    return is_submitted(dossier)
