"""A piece of text in French and English, French first."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("fr", "en")


@dataclass(frozen=True)
class Text:
    """The same words in French and English."""

    fr: str
    en: str

    def get(self, lang: str = "fr") -> str:
        """The text in `lang`; French for any language we do not have."""
        return self.en if lang == "en" else self.fr


def babel_locale(lang: str) -> str:
    """The Babel locale used to display numbers and dates in `lang`."""
    return "en_GB" if lang == "en" else "fr_FR"
