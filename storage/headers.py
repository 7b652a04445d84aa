"""Safe response headers for served objects (used by signed links)."""

import re
import unicodedata
from urllib.parse import quote

_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[\w!#$&^.+-]+(; ?[\w.-]+=[\w.+-]+)*")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ ()-]+")


def check_content_type(content_type: str) -> str:
    """Return a media type that is safe to put in a header, or raise ValueError."""
    if not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"not a media type: {content_type!r}")
    return content_type


def clean_filename(filename: str) -> str:
    """Drop control characters and path separators from a download name."""
    cleaned = "".join(
        "_" if c in "/\\" or unicodedata.category(c)[0] == "C" else c for c in filename
    ).strip(" .")
    return cleaned[:200] or "download"


def content_disposition(filename: str) -> str:
    """An `attachment` disposition with an ASCII fallback and the RFC 6266 UTF-8 name."""
    name = clean_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE_ASCII.sub("_", ascii_name).strip(" .") or "download"
    if ascii_name == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
