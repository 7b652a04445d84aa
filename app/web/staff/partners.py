"""The partner catalogue for staff: each partner in words, and a form to edit its terms
(one field per criterion: app/web/staff/criteria.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse

from app.deps import SessionDep
from app.web.common.deps import Csrf
from app.web.common.templating import page_lang, render
from app.web.staff import criteria
from app.web.staff.common import CHANNELS, KINDS, CatalogueUser
from banks.rules.messages import value_label
from dossier.catalogue import N_, _, ngettext
from dossier.errors import NotFound
from dossier.models import Partner
from dossier.services import partners as catalogue
from forms.formatting import format_money

router = APIRouter(include_in_schema=False)


def load_partner(db: SessionDep, code: Annotated[str, Path(max_length=40)]) -> Partner:
    """The partner of the URL, or a 404 page."""
    partner = db.get(Partner, code)
    if partner is None:
        raise NotFound()
    return partner


PartnerDep = Annotated[Partner, Depends(load_partner)]


def _territory(territory: Any, lang: str) -> str | None:
    if territory == "metropole_amp":
        return _("Head office within the Aix-Marseille-Provence metropolis.", lang)
    if territory == "france":
        return _("Head office in France.", lang)
    if territory:
        return _("Head office in one of these departments: ", lang) + ", ".join(territory) + "."
    return None


def _age(low: Any, high: Any, lang: str) -> str | None:
    if low is not None and high is not None:
        return _("Company aged {low} to {high} years.", lang).format(low=low, high=high)
    if low is not None:
        return ngettext("Company at least {low} year old.",
                        "Company at least {low} years old.", low, lang).format(low=low)
    if high is not None:
        return ngettext("Company at most {high} year old.",
                        "Company at most {high} years old.", high, lang).format(high=high)
    return None


def _amount(low: Any, high: Any, lang: str) -> str | None:
    money = {k: format_money(Decimal(str(v)), lang) for k, v in
             (("min", low), ("max", high)) if v is not None}
    if len(money) == 2:
        return _("Amount requested from {min} to {max}.", lang).format(min=money['min'],
                                                                       max=money['max'])
    if "min" in money:
        return _("Amount requested of at least {min}.", lang).format(min=money['min'])
    if "max" in money:
        return _("Amount requested up to {max}.", lang).format(max=money['max'])
    return None


def rules_in_words(rules: dict[str, Any], lang: str) -> list[str]:
    """A partner's eligibility rules as sentences people read."""

    def listed(lead: str, kind: str, codes: list[str] | None) -> str | None:
        if not codes:
            return None
        return _(lead, lang) + ", ".join(value_label(kind, c, lang) for c in codes) + "."

    count = rules.get("min_founders_full_time")
    words = [
        _territory(rules.get("territory"), lang),
        _age(rules.get("min_company_age_years"), rules.get("max_company_age_years"), lang),
        listed(N_("Stages funded: "), "stage", rules.get("stages")),
        listed(N_("Sectors funded: "), "sector", rules.get("sectors")),
        _amount(rules.get("amount_min_eur"), rules.get("amount_max_eur"), lang),
        ngettext("At least {count} founder working full time.",
                 "At least {count} founders working full time.",
                 count, lang).format(count=count) if count else None,
        listed(N_("At least one of these labels: "), "label",
               rules.get("labels_any")),
    ]
    return [w for w in words if w]


def _view(partner: Partner, lang: str) -> dict[str, Any]:
    spec = partner.config or {}
    channel = (spec.get("delivery") or {}).get("channel", "portal")
    kind = KINDS.get(partner.kind)
    words = CHANNELS.get(channel)
    return {**catalogue.partner_view(partner), "active": partner.active,
            "kind_label": kind.get(lang) if kind else partner.kind,
            "rules": rules_in_words(spec.get("eligibility") or {}, lang),
            "channel": channel, "channel_label": words.get(lang) if words else channel}


@router.get("/staff/partners")
def partners_page(request: Request, user: CatalogueUser, db: SessionDep,
                  saved: Annotated[str | None, Query(max_length=40)] = None):
    """Every partner of the catalogue, in words."""
    lang = page_lang(request)
    views = [_view(p, lang) for p in catalogue.list_partners(db=db, active_only=False)]
    saved_name = next((v["name"] for v in views if v["code"] == saved), None)
    return render(request, "staff/partners.html", section="partners", partners=views,
                  saved=saved_name)


def _edit_page(request: Request, partner: Partner, values: dict[str, Any],
               errors: dict[str, list[str]], status_code: int = 200):
    lang = page_lang(request)
    preview = rules_in_words(criteria.preview_rules(values, errors), lang)
    return render(request, "staff/partner_edit.html", status_code=status_code,
                  section="partners", partner=_view(partner, lang), values=values,
                  errors=errors, instruments=criteria.INSTRUMENTS,
                  attachments=criteria.ATTACHMENTS, criteria=criteria.CRITERIA,
                  fields=criteria.FIELDS, anchors=criteria.ANCHORS, preview=preview)


@router.get("/staff/partners/{code}")
def partner_form(request: Request, user: CatalogueUser, partner: PartnerDep):
    """The edit form of one partner."""
    return _edit_page(request, partner,
                      criteria.stored_values(partner.config or {}, page_lang(request)), {})


@router.post("/staff/partners/{code}", dependencies=[Csrf])
async def partner_save(request: Request, user: CatalogueUser, db: SessionDep, partner: PartnerDep):
    """Check the new terms with the catalogue's own model; save only when all is right.

    `_action=preview` checks and shows the criteria as founders will read them, and saves
    nothing (the page's script asks it as the staff member types)."""
    lang = page_lang(request)
    form = await request.form()
    values = criteria.posted_values(form)
    entry, errors = criteria.check(partner, values, lang)
    if errors or form.get("_action") == "preview":
        return _edit_page(request, partner, values, errors, status_code=422 if errors else 200)
    catalogue.update_partner(db=db, code=partner.code, entry=entry)
    return RedirectResponse(f"/staff/partners?saved={partner.code}#partner-{partner.code}",
                            status_code=303)
