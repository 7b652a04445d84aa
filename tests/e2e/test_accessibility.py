"""axe-core on every page of every audience, on a desktop and on a phone (RGAA, issue 14).

The pages visited are checked against the app's own router: a GET page route that is neither
visited here nor set aside below (with the reason) fails the test, so that a new page cannot be
forgotten. Each page must have zero critical or serious violation.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.routing import iter_route_contexts
from playwright.sync_api import expect
from sqlalchemy import create_engine

from app.main import create_app
from app.settings import AppSettings
from dossier.models import Opinion
from dossier.opinions import today
from dossier.services import opinions
from forms.definition import SECTIONS
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import login, shot
from tests.helpers import full_dossier, ready_dossier
from tests.routing.conftest import submit_delivered

# The impacts that fail the test; A11Y_IMPACTS=critical,serious,moderate,minor shows them all.
SITE = "Dossier unique de financement"
SERIOUS = set(os.environ.get("A11Y_IMPACTS", "critical,serious").split(","))

# GET routes that answer something other than an HTML page, and why they are not audited.
NOT_PAGES = {
    "/openapi.json": "the API's description, for integrators",
    "/docs": "FastAPI's Swagger UI of the API, for integrators (not a page of the product)",
    "/docs/oauth2-redirect": "part of the Swagger UI",
    "/redoc": "FastAPI's ReDoc of the API, for integrators (not a page of the product)",
    "/lang/{code}": "a redirect that switches the language",
    "/founder/dossiers/{dossier_id}/attachments/{attachment_id}": "a document's bytes",
    "/founder/dossiers/{dossier_id}/pdf": "a PDF",
    "/founder/dossiers/{dossier_id}/receipt.pdf": "a PDF",
    "/founder/assets/{name}": "the stylesheet and mark of the dossier view",
    "/founder/data/export.zip": "a ZIP archive",
    "/reviewer/routes/{rid}/attachments/{aid}": "a document's bytes",
    "/reviewer/routes/{rid}/attachments.zip": "a ZIP archive",
    "/reviewer/routes/{rid}/pdf": "a PDF",
    "/expert/routes/{rid}/attachments/{aid}": "a document's bytes",
    "/expert/routes/{rid}/pdf": "a PDF",
    "/staff/exports/{job_id}/status": "JSON polled by the export page",
    "/staff/exports/{job_id}/download": "a CSV or XLSX file",
    "/staff/charts/funnel.svg": "an SVG image (its text is in the dashboard's table)",
    "/staff/charts/amounts.svg": "an SVG image (its text is in the dashboard's table)",
    "/staff/export.csv": "a CSV file",
    "/staff/export.xlsx": "an XLSX file",
}


@dataclass(frozen=True)
class Visit:
    """A page to audit: who looks at it, its route template and how to fill the template."""

    who: str | None
    route: str
    url: Callable[[dict[str, str]], str]
    name: str
    status: int = 200  # a link page with a bad token answers 400, and must read well too


def _visits() -> list[Visit]:
    wizard = [Visit("founder", "/founder/dossiers/{dossier_id}/edit/{section_key}",
                    lambda w, k=s.key: f"/founder/dossiers/{w['draft']}/edit/{k}",
                    f"wizard-{s.key}") for s in SECTIONS if not s.uploaded]
    return [
        Visit(None, "/", lambda w: "/", "home"),
        Visit(None, "/login", lambda w: "/login", "login"),
        Visit(None, "/signup", lambda w: "/signup", "signup"),
        Visit(None, "/signup/confirm", lambda w: "/signup/confirm?token=abc", "signup-confirm"),
        Visit("founder", "/founder", lambda w: "/founder", "founder-dashboard"),
        *wizard,
        Visit("founder", "/founder/dossiers/{dossier_id}/attachments",
              lambda w: f"/founder/dossiers/{w['draft']}/attachments", "attachments"),
        Visit("founder", "/founder/dossiers/{dossier_id}/attachments",
              lambda w: f"/founder/dossiers/{w['sent']}/attachments", "attachments-submitted"),
        Visit("founder", "/founder/dossiers/{dossier_id}/partners",
              lambda w: f"/founder/dossiers/{w['draft']}/partners", "partners-draft"),
        Visit("founder", "/founder/dossiers/{dossier_id}/partners",
              lambda w: f"/founder/dossiers/{w['sent']}/partners", "partners-submitted"),
        Visit("founder", "/founder/dossiers/{dossier_id}",
              lambda w: f"/founder/dossiers/{w['draft']}", "status-draft"),
        Visit("founder", "/founder/dossiers/{dossier_id}",
              lambda w: f"/founder/dossiers/{w['sent']}", "status-submitted"),
        Visit("founder", "/founder/dossiers/{dossier_id}/preview",
              lambda w: f"/founder/dossiers/{w['sent']}/preview", "preview"),
        Visit("founder", "/founder/data", lambda w: "/founder/data", "privacy"),
        Visit("founder", "/founder/dossiers/{dossier_id}/team",
              lambda w: f"/founder/dossiers/{w['draft']}/team", "team"),
        Visit("founder", "/account", lambda w: "/account", "account"),
        Visit("founder", "/account/notifications", lambda w: "/account/notifications",
              "account-notifications"),
        Visit("founder", "/notifications", lambda w: "/notifications", "notifications"),
        Visit(None, "/password/forgot", lambda w: "/password/forgot", "password-forgot"),
        Visit(None, "/password/reset", lambda w: "/password/reset?token=abc",
              "password-reset-bad-link", 400),
        Visit(None, "/invitation", lambda w: "/invitation?token=abc", "invitation-bad-link", 400),
        Visit(None, "/expert", lambda w: "/expert?token=abc", "expert-bad-link", 400),
        # the expert's e-mailed link: kept in the browser, it leads to the dossier's page
        Visit(None, "/expert", lambda w: w["expert_link"], "expert-link"),
        Visit(None, "/expert/routes/{rid}", lambda w: f"/expert/routes/{w['route']}", "expert"),
        Visit("founder", "", lambda w: "/founder/dossiers/nowhere", "error-404"),
        Visit("reviewer", "/reviewer", lambda w: "/reviewer", "reviewer-inbox"),
        Visit("reviewer", "/reviewer/routes/{rid}", lambda w: f"/reviewer/routes/{w['route']}",
              "reviewer-route"),
        # the decision forms open on the same page (with their fields, help and errors)
        Visit("reviewer", "/reviewer/routes/{rid}",
              lambda w: f"/reviewer/routes/{w['route']}?decision=approve", "reviewer-approve"),
        Visit("reviewer", "/reviewer/routes/{rid}",
              lambda w: f"/reviewer/routes/{w['route']}?decision=decline", "reviewer-decline"),
        Visit("reviewer", "/committees/{code}", lambda w: "/committees/cepac",
              "reviewer-committee"),
        Visit("staff", "/staff", lambda w: "/staff", "staff-dashboard"),
        Visit("staff", "/staff/exports", lambda w: "/staff/exports", "staff-exports"),
        Visit("staff", "/staff/exports/{job_id}", lambda w: w["job"], "staff-export-job"),
        Visit("staff", "/staff/partners", lambda w: "/staff/partners", "staff-partners"),
        Visit("staff", "/staff/reviewers", lambda w: "/staff/reviewers", "staff-reviewers"),
        Visit("staff", "/staff/partners/{code}", lambda w: "/staff/partners/cepac",
              "staff-partner-edit"),
        Visit("staff", "/committees/{code}", lambda w: "/committees/cepac", "staff-committee"),
    ]


VISITS = _visits()
ACCOUNTS = {"founder": "founder@demo.example", "reviewer": "cepac@demo.example",
            "staff": "staff@demo.example"}


def page_routes() -> set[str]:
    """Every GET path template the app answers outside its JSON API."""
    app = create_app(AppSettings(secret_key="a11y", routing_in_background=False),
                     engine=create_engine("sqlite://"))
    return {c.path for c in iter_route_contexts(app.routes)
            if "GET" in set(c.methods or ()) and not c.path.startswith("/api/")}


def test_every_page_route_is_audited():
    routes = page_routes()
    covered = {v.route for v in VISITS} | set(NOT_PAGES)
    assert routes - covered == set(), "GET pages no accessibility check visits (add a Visit)"
    assert {v.route for v in VISITS if v.route} | set(NOT_PAGES) <= routes, "stale entries"


def api_login(client: httpx.Client, email: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def world(live_server, browser, sessions):
    """A draft and a submitted dossier of the demo founder; a route of CEPAC; an export job
    (made for each test: `sessions` removes every row a test wrote)."""
    with httpx.Client(base_url=live_server, timeout=60) as client:
        founder = api_login(client, ACCOUNTS["founder"])
        draft = ready_dossier(client, founder, full_dossier(name="Brouillon Accessible"),
                              kinds=("kbis",))
        sent, routes = submit_delivered(client, founder,
                                        full_dossier(name="Lumière Accessible",
                                                     partners=["cepac", "bpmed"]))
        opinion = client.post(f"/api/v1/routes/{routes['cepac']}/opinions",
                              headers=api_login(client, ACCOUNTS["reviewer"]),
                              json={"email": "expert@cabinet.example",
                                    "question": "La trésorerie tient-elle un an ?",
                                    "expires_on": (today() + timedelta(days=14)).isoformat()})
        assert opinion.status_code == 201, opinion.text
    with sessions() as db:
        row = db.get(Opinion, uuid.UUID(opinion.json()["id"]))
        expert_link = f"/expert?token={opinions.link_token(b'e2e-secret', row)}"
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    login(page, live_server, ACCOUNTS["staff"])
    page.goto(live_server + "/staff/exports")
    page.get_by_role("button", name="Lancer l'export").click()
    expect(page).to_have_url(re.compile(r"/staff/exports/[^/]+$"))
    job = page.url.removeprefix(live_server)
    context.close()
    return {"draft": draft, "sent": sent, "route": routes["cepac"], "job": job,
            "expert_link": expert_link}


def serious(results) -> list[str]:
    """The critical and serious violations, one line per rule with where it is."""
    lines = []
    for v in results.response["violations"]:
        if v["impact"] in SERIOUS:
            where = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list)
                              else str(n["target"]) for n in v["nodes"][:4])
            lines.append(f"{v['impact']} {v['id']} ×{len(v['nodes'])}: {v['help']} [{where}]")
    return lines


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
          && !e.closest('thead, .visually-hidden, .sr-only'))
  .slice(-4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def sideways(page) -> list[str]:
    """On a phone nothing may make the page scroll sideways (RGAA 10.11, reflow)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide <= page.viewport_size["width"]:
        return []
    return [f"the page is {wide} px wide and scrolls sideways: {', '.join(page.evaluate(WIDEST))}"]


SKIP = """() => { const a = document.querySelector('a.skip');
  const target = a && document.querySelector(a.getAttribute('href'));
  return target ? {form: !!target.querySelector('form'),
                   steps: !!target.querySelector('#steps-title')} : null; }"""


def skip_link(page, visit: Visit) -> list[str]:
    """The skip link leads to the page's content; in the wizard, to the step's form, past the
    list of steps."""
    target = page.evaluate(SKIP)
    if target is None:
        return ["the skip link leads nowhere"]
    if visit.name.startswith("wizard-") and (target["steps"] or not target["form"]):
        return ["the wizard's skip link does not lead to the step's form"]
    return []


EMPTY_LABELS = """() => [...document.querySelectorAll('td[data-label]')]
  .filter(td => td.offsetParent !== null && getComputedStyle(td, '::before').content !== 'none'
          && !td.textContent.trim() && !td.querySelector('img, svg, input, button, a'))
  .map(td => td.dataset.label)"""


def empty_labels(page) -> list[str]:
    """On a phone a table row reads as label/value lines: no label may stand without a value."""
    labels = page.evaluate(EMPTY_LABELS)
    return [f"labels shown without a value: {', '.join(sorted(set(labels)))}"] if labels else []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_no_serious_accessibility_violation_on_any_page(live_server, new_page, world, phone):
    axe = Axe()
    found: dict[str, list[str]] = {}
    pages: dict[str | None, object] = {}
    width = "phone" if phone else "desktop"
    for visit in VISITS:
        page = pages.get(visit.who)
        if page is None:
            page = pages[visit.who] = new_page(phone=phone)
            if visit.who:
                login(page, live_server, ACCOUNTS[visit.who])
                expect(page).not_to_have_url(re.compile(r"/login"))
        response = page.goto(live_server + visit.url(world))
        page.wait_for_load_state("load")
        expected = 404 if visit.name == "error-404" else visit.status
        assert response is not None and response.status == expected, (visit.name, page.url)
        problems = serious(axe.run(page))
        problems += skip_link(page, visit)
        if page.title().count(SITE) != 1:
            problems.append(f"the title does not name the site once: {page.title()!r}")
        if phone:
            problems += sideways(page) + empty_labels(page)
        if problems:
            found[visit.name] = problems
        shot(page, f"a11y-{width}-{visit.name}")
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())
    assert not found, f"accessibility problems ({width}):\n{report}"
