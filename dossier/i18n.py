"""Error messages by code: each code's English msgid, translated through the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dossier.catalogue import DEFAULT_LANG, LANGS, gettext, ngettext

# code -> English msgid, or (singular, plural, count key) from N_plural; str.format with the ctx.
MESSAGES: dict[str, str | tuple[str, str, str]] = {}


def register(messages: Mapping[str, str | tuple[str, str, str]]) -> None:
    """Add the msgids of error codes (code -> msgid) to the catalogue."""
    MESSAGES.update(messages)


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
    msgid = MESSAGES.get(code)
    if msgid is None:
        return fallback or code
    if isinstance(msgid, tuple):
        singular, plural, count = msgid
        template = ngettext(singular, plural, _number((ctx or {}).get(count)), lang)
    else:
        template = gettext(msgid, lang)
    try:
        return template.format(**_in_lang(ctx or {}, lang))
    except (KeyError, IndexError, ValueError):
        return template


def _in_lang(ctx: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The context, where a value written per language (`name_fr`, `name_en`) is also `name`."""
    suffix = f"_{lang}"
    return {**ctx, **{k.removesuffix(suffix): v for k, v in ctx.items() if k.endswith(suffix)}}


def _number(value: Any) -> int:
    """The count that picks a plural form (the plural when there is none)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2
