"""Words for the values of an enum, declared beside the enum, one catalogue entry per audience.

Where the founder, a partner's reviewer or French Tech staff say it differently, the value
carries that audience's own entry too (its msgctxt names the enum and the audience).
dossier.labels looks them up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dossier.catalogue import LazyText

AUDIENCES = ("founder", "reviewer", "staff")


@dataclass(frozen=True)
class Words:
    """The words of one value: `words` for everyone, unless an audience has its own."""

    words: LazyText
    founder: LazyText | None = None
    reviewer: LazyText | None = None
    staff: LazyText | None = None

    def said_to(self, audience: str | None = None) -> LazyText:
        """The words an audience reads."""
        own = getattr(self, audience) if audience in AUDIENCES else None
        return own or self.words


def declare(enum: type[StrEnum], words: Mapping[StrEnum, Words]) -> dict[str, Words]:
    """Code -> words for every value of `enum`; a value left without words fails at import."""
    missing = set(enum) - set(words)
    if missing:
        raise ValueError(f"{enum.__name__}: no words for {sorted(missing)}")
    return {member.value: words[member] for member in enum}
