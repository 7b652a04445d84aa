"""Pages of the staff area: the pipeline dashboard, its charts and its exports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel.numbers import format_compact_currency
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import charts
from app.deps import SessionDep, StateDep
from app.state import AppState
from app.web.common.labels import pick
from app.web.common.templating import page_lang, render
from app.web.staff import exports as staff_exports
from app.web.staff import partners as staff_partners
from app.web.staff.common import StaffUser, days, number, ratio
from dossier.catalogue import _, ngettext, pgettext
from dossier.db import DbSession
from dossier.formatting import PARIS
from dossier.routing.machine import VISIBLE_TO_PARTNER
from dossier.services import partners as catalogue
from dossier.sla import sla_by_partner
from forms.formatting import format_money
from forms.text import babel_locale

router = APIRouter(include_in_schema=False)
router.include_router(staff_exports.router)
router.include_router(staff_partners.router)

# An SVG shown as an image runs no script; its own inline styles are all it needs.
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
               "Cache-Control": "private, no-store"}
# A narrow drawing for phones, so that its words stay readable once scaled down.
WIDTHS = {"wide": 7.2, "narrow": 3.4}
Size = Annotated[Literal["wide", "narrow"], Query()]
FUNNEL = ("drafts", "submitted", "delivered", "in_review", "decided")


def funnel_counts(data: dict[str, Any]) -> list[tuple[str, int, str]]:
    """The funnel's steps: (key, count, unit); drafts and submitted count dossiers."""
    totals, dossiers = data["totals"], data.get("dossiers", {})
    count = {
        "drafts": dossiers.get("draft", 0),
        "submitted": dossiers.get("submitted", 0),
        "delivered": sum(totals.get(s, 0) for s in VISIBLE_TO_PARTNER),
        "in_review": sum(totals.get(s, 0) for s in ("opened", "in_review", "info_requested")),
        "decided": sum(totals.get(s, 0) for s in ("approved", "declined")),
    }
    return [(key, count[key], "dossiers" if key in ("drafts", "submitted") else "routes")
            for key in FUNNEL]


def _coverage(requested: str, approved: str) -> Decimal | None:
    asked = Decimal(requested)
    return (Decimal(approved) * 100 / asked) if asked else None


def _partner_lines(data: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{**line, "name": names.get(line["code"], line["code"]),
             "coverage": _coverage(line["requested_eur"], line["approved_eur"])}
            for line in data["partners"]]


def _dashboard(state: AppState, db: DbSession, lang: str) -> dict[str, Any]:
    data = state.pipeline.get(db)
    names = catalogue.partner_names(db=db)
    sla = sla_by_partner(catalogue.list_partners(db=db, active_only=False))
    lines = _partner_lines(data, names)
    counted = ("routed", "opened", "in_review", "info_requested", "approved", "declined",
               "sla_breaches")
    totals = {k: sum(line[k] for line in lines) for k in counted}
    for key in ("requested_eur", "approved_eur", "accepted_eur", "disbursed_eur"):
        totals[key] = str(sum((Decimal(line[key]) for line in lines), Decimal("0.00")))
    totals["coverage"] = _coverage(totals["requested_eur"], totals["approved_eur"])
    totals["leverage"] = None  # a ratio per partner: summing them means nothing
    stuck = [{**row, "name": names.get(row["partner"], row["partner"]),
              "sla_days": sla.get(row["partner"])} for row in data["stuck"]]
    funnel = funnel_counts(data)
    generated = datetime.fromisoformat(data["generated_at"]).astimezone(PARIS)
    return {"data": data, "generated": generated, "lines": lines, "totals": totals,
            "stuck": stuck, "stuck_total": data["stuck_total"], "funnel": funnel,
            "funnel_alt": _funnel_sentence(funnel, lang),
            "amounts_alt": _amounts_sentence(lines, lang)}


# "1 dossier", "5 dossiers": each funnel unit counted with its plural
COUNTED = {
    "dossiers": lambda n, lang: ngettext("{count} dossier", "{count} dossiers", n, lang),
    "routes": lambda n, lang: ngettext("{count} request", "{count} requests", n, lang),
}


def _funnel_sentence(funnel: list[tuple[str, int, str]], lang: str) -> str:
    colon = _(": ", lang)
    parts = [f"{pick('staff_f_', key, lang)}{colon}"
             + COUNTED[unit](value, lang).format(count=number(value, lang))
             for key, value, unit in funnel]
    return f"{_('From draft to decision', lang)}. " + _join(parts, lang)


def _amounts_sentence(lines: list[dict[str, Any]], lang: str) -> str:
    colon = _(": ", lang)
    parts = [f"{line['name']}{colon}{pgettext('staff_requested_eur', 'Requested', lang).lower()} "
             f"{format_money(line['requested_eur'], lang)}, "
             f"{pgettext('staff_approved_eur', 'Approved', lang).lower()} "
             f"{format_money(line['approved_eur'], lang)}" for line in lines if line["routed"]]
    return f"{_('Amounts requested and approved, by partner', lang)}. " + _join(parts, lang)


def _join(parts: list[str], lang: str) -> str:
    return _("; ", lang).join(parts) + "."


@router.get("/staff")
def dashboard(request: Request, user: StaffUser, db: SessionDep, state: StateDep):
    """Funnel, per-partner table, amounts and stuck routes."""
    lang = page_lang(request)
    return render(request, "staff/dashboard.html", section="dashboard",
                  number=lambda v: number(v, lang), days=lambda v: days(v, lang),
                  ratio=lambda v: ratio(v, lang), **_dashboard(state, db, lang))


@router.get("/staff/charts/funnel.svg")
def funnel_chart(request: Request, user: StaffUser, db: SessionDep, state: StateDep,
                 size: Size = "wide") -> Response:
    """The funnel as an SVG image (its numbers are also in a table on the dashboard)."""
    lang = page_lang(request)
    funnel = funnel_counts(state.pipeline.get(db))
    svg = charts.funnel_svg(
        [charts.Bar(pick("staff_f_", key, lang), value, unit) for key, value, unit in funnel],
        title=_("From draft to decision", lang), description=_funnel_sentence(funnel, lang),
        legend={"dossiers": _("Dossiers", lang),
                "routes": _("Requests to partners", lang)},
        number=lambda v: number(v, lang), width=WIDTHS[size])
    return Response(svg, media_type="image/svg+xml", headers=SVG_HEADERS)


@router.get("/staff/charts/amounts.svg")
def amounts_chart(request: Request, user: StaffUser, db: SessionDep, state: StateDep,
                  size: Size = "wide") -> Response:
    """Amounts requested and approved per partner, as an SVG image."""
    lang = page_lang(request)
    lines = _partner_lines(state.pipeline.get(db), catalogue.partner_names(db=db))
    locale = babel_locale(lang)
    svg = charts.amounts_svg(
        [(line["name"], Decimal(line["requested_eur"]), Decimal(line["approved_eur"]))
         for line in lines if line["routed"]],
        title=_("Amounts requested and approved, by partner", lang),
        description=_amounts_sentence(lines, lang),
        labels=(pgettext("staff_requested_eur", "Requested", lang), pgettext("staff_approved_eur",
                                                                             "Approved", lang)),
        money=lambda v: format_compact_currency(v, "EUR", locale=locale, fraction_digits=1),
        width=WIDTHS[size])
    return Response(svg, media_type="image/svg+xml", headers=SVG_HEADERS)
