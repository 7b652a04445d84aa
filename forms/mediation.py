"""The referral to the Médiation du crédit (saisine) as an A4 PDF, pre-filled from the dossier
and the bank's refusal; rendered like the receipt (forms/receipt.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from weasyprint import HTML

from dossier.catalogue import _l, template_functions
from dossier.labels import label
from dossier.money import from_cents
from forms import fetcher
from forms.definition import enum_label
from forms.fetcher import ASSETS_URL
from forms.formatting import format_date, format_datetime, format_money
from forms.pdf import environment, render_dossier_html, stylesheet
from forms.text import LANGS

UI = {
    "title": _l("Referral to the credit mediation"),
    "product": _l("Single funding dossier"),
    "intro": _l("The company below asks the Médiation du crédit aux entreprises (Banque de "
                "France) to examine a bank's refusal of credit. This referral was pre-filled "
                "from its funding dossier and the refusal it received; the dossier itself "
                "follows it."),
    "company_h": _l("The company"),
    "company": _l("Company"),
    "siren": _l("SIREN"),
    "legal_form": _l("Legal form"),
    "address": _l("Head office"),
    "created": _l("Created on"),
    "headcount": _l("Headcount"),
    "sector": _l("Sector"),
    "contact_h": _l("Contact"),
    "contact": _l("Manager"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "refusal_h": _l("The refusal"),
    "bank": _l("Bank"),
    "request": _l("Request"),
    "amount": _l("Amount requested"),
    "refused_on": _l("Refused on"),
    "reason": _l("Reason given"),
    "comment": _l("The bank's comment"),
    "need_h": _l("The funding need"),
    "need": _l("Total need"),
    "obtained": _l("Already obtained"),
    "history_h": _l("Last accounts"),
    "year": _l("Year"),
    "revenue": _l("Revenue"),
    "net_income": _l("Net income"),
    "equity": _l("Equity"),
    "referred_on": _l("Referral sent on"),
    "none": _l("None."),
    "unnamed": _l("Company not provided"),
}


def _money(value: Any, lang: str) -> str:
    return format_money(value, lang) if value not in (None, "") else "—"


def _address(company: Mapping[str, Any]) -> str:
    place = company.get("address") or {}
    street = ", ".join(p for p in (place.get("line1"), place.get("line2")) if p)
    return " ".join(p for p in (street + ",", place.get("postal_code"), place.get("city"))
                    if p and p != ",").strip(", ")


def _contact(content: Mapping[str, Any]) -> dict[str, str]:
    first = next(iter(content.get("founders") or []), {}) or {}
    name = " ".join(p for p in (first.get("first_name"), first.get("last_name")) if p)
    return {"name": f"{name} ({first['role']})" if name and first.get("role") else name,
            "email": first.get("email") or "—", "phone": first.get("phone") or "—"}


def _or_dash(value: Any, word: Any = str) -> str:
    """The value worded, or a dash when there is none."""
    return word(value) if value not in (None, "") else "—"


def _company(company: Mapping[str, Any], lang: str) -> dict[str, str]:
    return {
        "company": company.get("legal_name") or UI["unnamed"].get(lang),
        "siren": _or_dash(company.get("siren")),
        "legal_form": _or_dash(company.get("legal_form"),
                               lambda v: enum_label("legal_form", v, lang)),
        "address": _address(company) or "—",
        "created": _or_dash(company.get("creation_date"), lambda v: format_date(v, lang)),
        "headcount": _or_dash(company.get("headcount")),
        "sector": _or_dash(company.get("sector"), lambda v: enum_label("sector", v, lang)),
    }


def _refusal(refusal: Mapping[str, Any], bank: str, lang: str) -> dict[str, str]:
    return {
        "bank": bank,
        "request": _or_dash(refusal.get("instrument"),
                            lambda v: label("instrument", v, lang, "founder")),
        "amount": _money(from_cents(refusal.get("amount_cents")), lang),
        "refused_on": _or_dash(refusal.get("declined_at"), lambda v: format_date(v, lang)),
        "reason": _or_dash(refusal.get("reason"),
                           lambda v: label("decline_reason", v, lang, "founder")),
        "comment": refusal.get("comment") or "",
    }


def _need(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    funding = content.get("funding") or {}
    history = sorted(((content.get("financials") or {}).get("history") or []),
                     key=lambda y: y.get("year") or 0)[-3:]
    return {
        "need": _money(funding.get("total_need_eur"), lang),
        "sources": [{"label": s.get("label") or enum_label("source_type", s.get("type"), lang),
                     "amount": _money(s.get("amount_eur"), lang),
                     "status": _or_dash(s.get("status"),
                                        lambda v: enum_label("source_status", v, lang))}
                    for s in funding.get("sources") or []],
        "history": [{"year": y.get("year"), "revenue": _money(y.get("revenue_eur"), lang),
                     "net_income": _money(y.get("net_income_eur"), lang),
                     "equity": _money(y.get("equity_eur"), lang)} for y in history],
    }


def referral_view(content: Mapping[str, Any], refusal: Mapping[str, Any], *, bank: str,
                  referred_at: Any, lang: str) -> dict[str, Any]:
    """The referral's facts worded for people (French money and dates)."""
    return {**_company(content.get("company") or {}, lang), "contact": _contact(content),
            **_refusal(refusal, bank, lang), **_need(content, lang),
            "referred_at": format_datetime(referred_at, lang) if referred_at else ""}


def render_referral_html(content: Mapping[str, Any], refusal: Mapping[str, Any], *, bank: str,
                         referred_at: Any, lang: str = "fr") -> str:
    """The referral as one HTML page (autoescaped: names are shown as text)."""
    lang = lang if lang in LANGS else "fr"
    return environment().get_template("mediation.html").render(
        lang=lang, ui={k: v.get(lang) for k, v in UI.items()},
        r=referral_view(content, refusal, bank=bank, referred_at=referred_at, lang=lang),
        **template_functions(lang))


def render_referral_pdf(content: Mapping[str, Any], refusal: Mapping[str, Any], *, bank: str,
                        referred_at: Any, attachments: Sequence[Mapping[str, Any]] = (),
                        partners: Mapping[str, str] | None = None, version: int | None = None,
                        lang: str = "fr") -> bytes:
    """The referral, then the dossier it refers, as one A4 PDF; only the package's own
    assets can be read."""
    html = render_referral_html(content, refusal, bank=bank, referred_at=referred_at, lang=lang)
    referral = HTML(string=html, base_url=ASSETS_URL,
                    url_fetcher=fetcher.safe_url_fetcher).render()
    dossier = HTML(string=render_dossier_html(content, attachments=attachments,
                                              partners=partners, version=version, lang=lang),
                   base_url=ASSETS_URL, url_fetcher=fetcher.safe_url_fetcher
                   ).render(stylesheets=[stylesheet()])
    return referral.copy([*referral.pages, *dossier.pages]).write_pdf()
