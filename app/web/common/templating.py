"""Jinja2 templates of the pages, with the formatting helpers and the session's CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup

from app.web.common.labels import pick
from dossier.catalogue import template_functions
from dossier.formatting import format_appointment
from dossier.i18n import pick_lang
from dossier.labels import AUDIENCES, label
from forms import definition
from forms.formatting import (
    fill,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_pct,
    format_size,
)
from forms.pdf import TEMPLATES_DIR as FORMS_TEMPLATES
from forms.view import ui_words

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[2] / "templates"))
env = TEMPLATES.env
env.autoescape = True
env.auto_reload = False  # templates ship with the code: no stat() of each file per render
# The dossier's macros are shared with the PDF: forms/templates, loaded as "forms/<name>".
env.loader = ChoiceLoader([env.loader, PrefixLoader({"forms": FileSystemLoader(FORMS_TEMPLATES)})])
env.globals.update(definition=definition, dossier_ui=ui_words)
env.add_extension("jinja2.ext.i18n")
env.newstyle_gettext = True  # type: ignore[attr-defined]


def page_lang(request: Request) -> str:
    """The page language: the `lang` cookie, else Accept-Language (French when unsure)."""
    chosen = request.cookies.get("lang")
    if chosen in ("fr", "en"):
        return chosen
    return pick_lang(request.headers.get("accept-language"))


def render(request: Request, template: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """Render a page with the common context: language, user, CSRF token, helpers."""
    lang = page_lang(request)
    user = getattr(request.state, "user", None)
    area = template.split("/", 1)[0]
    audience = area if area in AUDIENCES else None

    base = {"request": request, "user": user, "csrf": getattr(request.state, "csrf", ""),
            **helpers(lang, audience)}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code, headers=headers)


def fragment(lang: str, template: str, **context: Any) -> Markup:
    """A part of a page rendered alone in `lang`, with no request: for a part kept between
    requests, which must not depend on who asks."""
    # Safe: the environment autoescapes, as for every page.
    return Markup(env.get_template(template).render(  # noqa: S704
        {**helpers(lang, None), **context}))


def helpers(lang: str, audience: str | None) -> dict[str, Any]:
    """The words and formats of a template rendered in `lang`, for this reader's `audience`."""

    def money(value: Any) -> str:
        return "" if value in (None, "") else format_money(value, lang)

    def pct(value: Any) -> str:
        return "" if value in (None, "") else format_pct(value, lang)

    return {
        "lang": lang,
        "pick": lambda prefix, code: pick(prefix, code, lang), "money": money, "pct": pct,
        "date": lambda v: format_date(v, lang) if v else "",
        "datetime": lambda v: format_datetime(v, lang) if v else "",
        # a meeting's day and time, as an invitation says it: `12 janvier 2027 à 14 h 30`
        "appointment": lambda v: format_appointment(v, lang) if v else "",
        "size": lambda v: format_size(v, lang) if v is not None else "",
        # a sentence with names put in, French elision done ("de {name}" → "d'Aix…")
        "fill": lambda template, **names: fill(template, lang, **names),
        # an amount written back into a form field: `300 000,00` (forms/numbers.py reads it)
        "typed": lambda v: format_number(v, lang) if v else "",
        "label": lambda path: definition.label(path, lang),
        "enum_label": lambda name, value: definition.enum_label(name, value, lang),
        # a state, instrument, decline reason or request kind, as this page's reader says it
        "word": lambda name, code: label(name, code, lang, audience),
        **template_functions(lang),
    }
