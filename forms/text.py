"""The languages of the documents and the Babel locale of each."""

from __future__ import annotations

LANGS = ("fr", "en")



def babel_locale(lang: str) -> str:
    """The Babel locale used to display numbers and dates in `lang`."""
    return "en_GB" if lang == "en" else "fr_FR"
