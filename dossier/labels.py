"""The one lookup of the words for a route state or event, an instrument, a decline reason, a
request kind or an expert opinion's status (each declared beside its enum)."""

from __future__ import annotations

from dossier.decisions import CONDITION_LABELS
from dossier.opinions import OPINION_STATUS_LABELS
from dossier.routing.machine import EVENT_LABELS, ROUTE_KIND_LABELS, STATE_LABELS
from dossier.routing.payloads import (
    DECLINE_REASON_LABELS,
    RECOMMENDATION_LABELS,
    REQUEST_KIND_LABELS,
)
from dossier.schema.enums import (
    ATTACHMENT_KIND_LABELS,
    COMPANY_LABEL_LABELS,
    INSTRUMENT_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
)
from dossier.words import AUDIENCES, Words

__all__ = ["AUDIENCES", "LABELS", "in_sentence", "label"]

LABELS: dict[str, dict[str, Words]] = {
    "state": STATE_LABELS,
    "event": EVENT_LABELS,
    "route_kind": ROUTE_KIND_LABELS,
    "instrument": INSTRUMENT_LABELS,
    "decline_reason": DECLINE_REASON_LABELS,
    "request_kind": REQUEST_KIND_LABELS,
    "recommendation": RECOMMENDATION_LABELS,
    "sector": SECTOR_LABELS,
    "stage": STAGE_LABELS,
    "label": COMPANY_LABEL_LABELS,
    "attachment_kind": ATTACHMENT_KIND_LABELS,
    "condition": CONDITION_LABELS,
    "opinion_status": OPINION_STATUS_LABELS,
}
# Lists of proper names: their words keep their capitals inside a sentence.
PROPER_NAMES = {"label"}


def label(name: str, code: str, lang: str = "fr", audience: str | None = None) -> str:
    """The words for `code` of the enum `name` in `lang`, as `audience` (founder, reviewer,
    staff) reads them; the code itself when it has none (never fails)."""
    found = LABELS.get(name, {}).get(str(code))
    if found is None:
        return str(code)
    return found.said_to(audience).get(lang)


def in_sentence(name: str, code: str, lang: str = "fr", audience: str | None = None) -> str:
    """The words for `code` as they read inside a sentence: "prêt bancaire", but "JEI",
    "French Tech 120" (acronyms and proper names keep their capitals)."""
    words = label(name, code, lang, audience)
    first = words.split(" ", 1)[0]
    if name in PROPER_NAMES or first.isupper() or not words[:1].isupper():
        return words
    return words[0].lower() + words[1:]
