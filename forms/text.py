"""The languages of the documents and the Babel locale of each (dossier/formatting.py)."""

from __future__ import annotations

from dossier.formatting import babel_locale

LANGS = ("fr", "en")

__all__ = ["LANGS", "babel_locale"]
