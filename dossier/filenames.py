"""Safe names for uploaded files: shown to users, used in downloads, never as a path."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 180
MAX_BYTES = 255  # UTF-8 bytes, the usual file-system limit for one name
MAX_EXTENSION = 16

# Bidi embeddings/overrides/isolates, the invisible direction marks, and the BOM.
_INVISIBLE = frozenset(
    [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    + ["\u200e", "\u200f", "\u061c", "\ufeff"]
)
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"]
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')


def sanitize_filename(name: str | None, *, default: str = "document") -> str:
    """Base name only, NFC, no control/bidi characters, Windows-safe, at most 180 chars."""
    text = unicodedata.normalize("NFC", name or "")
    text = " ".join(re.split(r"[/\\]", text)[-1].split())  # tabs and newlines become spaces
    text = "".join(c for c in text if c not in _INVISIBLE
                   and unicodedata.category(c) not in ("Cc", "Cs"))
    text = _WINDOWS_FORBIDDEN.sub("_", unicodedata.normalize("NFC", text))
    text = " ".join(text.split()).lstrip(". ").rstrip(". ")
    if text.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        text = "_" + text
    text = _cap(text)
    return text if text not in ("", ".", "..") else default


def _fits(text: str) -> bool:
    """Within the character and byte limits."""
    return len(text) <= MAX_LENGTH and len(text.encode("utf-8")) <= MAX_BYTES


def _cap(text: str) -> str:
    """Shorten the stem so that the whole name fits, keeping a plausible extension."""
    if _fits(text):
        return text
    stem, dot, ext = text.rpartition(".")
    if not (dot and stem and 0 < len(ext) <= MAX_EXTENSION and " " not in ext):
        stem, ext = text, ""
    suffix = "." + ext if ext else ""
    stem = stem[: MAX_LENGTH - len(suffix)]
    while stem and not _fits(stem + suffix):
        stem = stem[:-1]
    return stem.rstrip(". ") + suffix
