"""The only way WeasyPrint may read a resource: files under `forms/assets/`, nothing else."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
ASSETS_URL = ASSETS_DIR.as_uri() + "/"  # base URL: relative references land in assets


class ForbiddenURL(ValueError):
    """The document asked for a resource outside the package's assets."""


def asset_path(url: str) -> Path:
    """The asset file a `file:` URL names, after resolving `..` and links; else ForbiddenURL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ForbiddenURL(f"only package assets may be fetched, not {url[:80]!r}")
    try:
        path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise ForbiddenURL(f"no such asset: {url[:80]!r}") from None
    if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
        raise ForbiddenURL(f"outside the package assets: {url[:80]!r}")
    return path


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves package assets and refuses every other URL."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        """Return the asset at `url`; raise ForbiddenURL for anything else."""
        path = asset_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": content_type})


safe_url_fetcher = SafeURLFetcher()
