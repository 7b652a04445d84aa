"""The deposit receipt (accusé de dépôt) as an A4 PDF: when, which version, which content.

Like the dossier PDF (forms/pdf.py), it is rendered by WeasyPrint with the URL fetcher that
reads nothing but the package's own assets; its stylesheet sits in the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from weasyprint import HTML

from dossier.catalogue import _l, template_functions
from forms import fetcher
from forms.definition import enum_label
from forms.fetcher import ASSETS_URL
from forms.formatting import format_datetime, format_money, format_size
from forms.pdf import environment
from forms.text import LANGS

UI = {
    "title": _l("Deposit receipt"),
    "product": _l("Single funding dossier"),
    "intro": _l("This document certifies the deposit of the funding dossier described below "
                "and its transmission, with the company's consent, to the partners listed."),
    "company": _l("Company"),
    "siren": _l("SIREN"),
    "dossier": _l("Dossier reference"),
    "version": _l("Version deposited"),
    "submitted_at": _l("Date this version was deposited"),
    "first_at": _l("First deposit"),
    "hash": _l("Content digest (SHA-256)"),
    "hash_note": _l("The digest identifies exactly the content deposited: the slightest "
                    "change to the dossier would give a different digest."),
    "partners": _l("Receiving partners"),
    "partner": _l("Partner"),
    "instrument": _l("Request"),
    "amount": _l("Amount"),
    "consent": _l("Consent to send"),
    "consent_version": _l("version {n}"),
    "attachments": _l("Supporting documents attached"),
    "kind": _l("Type"),
    "file": _l("File"),
    "size": _l("Size"),
    "digest": _l("SHA-256"),
    "none": _l("None."),
    "generated": _l("Document generated on"),
    "unnamed": _l("Company not provided"),
}


def _moment(value: Any, lang: str) -> str:
    """A stored moment (or its ISO text) on the Paris clock; "" when there is none."""
    return format_datetime(value, lang) if isinstance(value, datetime | str) and value else ""


def receipt_view(receipt: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The receipt's facts worded for people (dates in Paris time, French money)."""
    partners = [{
        "name": p.get("name") or "",
        "instrument": enum_label("instrument", p["instrument"], lang) if p.get("instrument")
        else "",
        "amount": format_money(p["amount_eur"], lang) if p.get("amount_eur") else "—",
        "consent_at": _moment(p.get("consent_at"), lang),
        "consent_version": UI["consent_version"].get(lang).format(n=p.get("consent_version")),
    } for p in receipt.get("partners") or []]
    attachments = [{
        "kind": enum_label("attachment_kind", str(a.get("kind")), lang),
        "filename": a.get("filename") or "",
        "size": format_size(a["size"], lang) if a.get("size") is not None else "",
        "sha256": a.get("sha256") or "",
    } for a in receipt.get("attachments") or []]
    return {
        "company": receipt.get("company") or UI["unnamed"].get(lang),
        "siren": receipt.get("siren") or "—",
        "dossier_id": receipt.get("dossier_id") or "",
        "version": receipt.get("version"),
        "submitted_at": _moment(receipt.get("submitted_at"), lang),
        "first_at": _moment(receipt.get("first_version_at"), lang),
        "content_hash": receipt.get("content_hash") or "",
        "partners": partners,
        "attachments": attachments,
        "generated_at": _moment(receipt.get("generated_at"), lang),
    }


def render_receipt_html(receipt: Mapping[str, Any], *, lang: str = "fr") -> str:
    """The receipt as one HTML page (autoescaped: names are shown as text)."""
    lang = lang if lang in LANGS else "fr"
    return environment().get_template("receipt.html").render(
        lang=lang, ui={k: v.get(lang) for k, v in UI.items()}, r=receipt_view(receipt, lang),
        **template_functions(lang))


def render_receipt_pdf(receipt: Mapping[str, Any], *, lang: str = "fr") -> bytes:
    """The receipt as an A4 PDF; only the package's own assets can be read."""
    html = render_receipt_html(receipt, lang=lang)
    document = HTML(string=html, base_url=ASSETS_URL, url_fetcher=fetcher.safe_url_fetcher)
    return document.write_pdf()
