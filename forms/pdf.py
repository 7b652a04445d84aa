"""The dossier as an HTML document and as an A4 PDF (Jinja2 + WeasyPrint)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML

from dossier.catalogue import template_functions
from forms import fetcher
from forms.fetcher import ASSETS_DIR, ASSETS_URL, ForbiddenURL, SafeURLFetcher, safe_url_fetcher
from forms.text import LANGS
from forms.view import cover_view, sections_view, ui_words

__all__ = [
    "ForbiddenURL",
    "SafeURLFetcher",
    "render_dossier_html",
    "render_dossier_pdf",
    "safe_url_fetcher",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"  # the app loads them too, as "forms/..."
STYLESHEET = ASSETS_DIR / "dossier.css"


@cache
def environment() -> Environment:
    """The documents' Jinja2 environment (forms/templates): strict, autoescaped."""
    # Autoescape everywhere: founders' text is shown as text, never parsed as markup.
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       extensions=["jinja2.ext.i18n"])


@cache
def stylesheet() -> CSS:
    """The print stylesheet, parsed once and reused by every render."""
    return CSS(url=STYLESHEET.as_uri(), url_fetcher=fetcher.safe_url_fetcher)


def render_dossier_html(content: Mapping[str, Any], *, attachments: Sequence[Mapping[str, Any]],
                        partners: Mapping[str, str] | None = None, version: int | None = None,
                        content_hash: str | None = None, generated_at: datetime | None = None,
                        lang: str = "fr", assets_url: str = "",
                        stylesheet_href: str | None = None,
                        registry: Mapping[str, Any] | None = None) -> str:
    """The dossier as one HTML page; `assets_url` prefixes asset links (web pages);
    `registry`, the company's registry record, is shown in the company chapter."""
    lang = lang if lang in LANGS else "fr"
    content = content if isinstance(content, Mapping) else {}
    cover = cover_view(content, lang=lang, partners=partners, version=version,
                       content_hash=content_hash, generated_at=generated_at)
    return environment().get_template("dossier.html.j2").render(
        lang=lang, **template_functions(lang),
        ui=ui_words(lang),
        cover=cover,
        sections=sections_view(content, attachments, lang, partners, registry),
        assets_url=assets_url,
        stylesheet_href=stylesheet_href,
    )


def render_dossier_pdf(content: Mapping[str, Any], *, attachments: Sequence[Mapping[str, Any]],
                       partners: Mapping[str, str] | None = None, version: int | None = None,
                       content_hash: str | None = None, generated_at: datetime | None = None,
                       lang: str = "fr", registry: Mapping[str, Any] | None = None) -> bytes:
    """The dossier as an A4 PDF; only the package's own assets can be read while rendering."""
    html = render_dossier_html(content, attachments=attachments, partners=partners,
                               version=version, content_hash=content_hash,
                               generated_at=generated_at, lang=lang, registry=registry)
    document = HTML(string=html, base_url=ASSETS_URL, url_fetcher=fetcher.safe_url_fetcher)
    return document.write_pdf(stylesheets=[stylesheet()])
