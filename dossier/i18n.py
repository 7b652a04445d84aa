"""Error and label messages in French and English, chosen from Accept-Language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

# code -> {"fr": template, "en": template}; templates use str.format with the error's ctx.
MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add message templates (code -> {"fr", "en"}) to the catalogue."""
    for code, texts in messages.items():
        MESSAGES[code] = dict(texts)


def pick_lang(accept_language: str | None) -> str:
    """Return "fr" or "en" from an Accept-Language header (French when unsure)."""
    if not accept_language:
        return DEFAULT_LANG
    best, best_q = DEFAULT_LANG, -1.0
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGS and q > best_q:
            best, best_q = lang, q
    return best


def translate(code: str, ctx: Mapping[str, Any] | None = None, lang: str = DEFAULT_LANG,
              fallback: str | None = None) -> str:
    """Render the message for an error code in the given language."""
    texts = MESSAGES.get(code)
    if texts is None:
        return fallback or code
    template = texts.get(lang) or texts[DEFAULT_LANG]
    try:
        return template.format(**(ctx or {}))
    except (KeyError, IndexError, ValueError):
        return template
