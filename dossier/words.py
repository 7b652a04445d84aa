"""Words for the values of an enum, declared beside the enum: (French, English) per audience.

Where the founder, a partner's reviewer or French Tech staff say it differently, the value
carries that audience's pair too. dossier.labels looks them up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

Pair = tuple[str, str]
AUDIENCES = ("founder", "reviewer", "staff")


@dataclass(frozen=True)
class Words:
    """The words of one value: `words` for everyone, unless an audience has its own."""

    words: Pair
    founder: Pair | None = None
    reviewer: Pair | None = None
    staff: Pair | None = None

    def pair(self, audience: str | None = None) -> Pair:
        """The (fr, en) pair an audience reads."""
        own = getattr(self, audience) if audience in AUDIENCES else None
        return own or self.words


def declare(enum: type[StrEnum], words: Mapping[StrEnum, Words]) -> dict[str, Words]:
    """Code -> words for every value of `enum`; a value left without words fails at import."""
    missing = set(enum) - set(words)
    if missing:
        raise ValueError(f"{enum.__name__}: no words for {sorted(missing)}")
    return {member.value: words[member] for member in enum}
