"""Who may call what: every API route and page of the app, for every kind of caller.

Rules the matrix holds the app to:
- anonymous: the API answers 401, a page redirects (303) to /login;
- a role that never uses an area (a reviewer on a founder's form, staff on a reviewer's
  action) gets 403, whatever ids it sends: the answer says nothing about them;
- the right role on someone else's object gets 404, exactly as for an id that does not exist;
- staff read everything and run the pipeline and exports, but never act as a founder
  (write, submit, withdraw) nor as a reviewer (events, messages, notes, decisions).
Allowed calls that change something are sent with input the service refuses (409, 422),
so the world stays as built, and the answer still proves the caller got past the checks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from app.main import create_app
from app.settings import AppSettings
from dossier import access
from dossier.access import Action, Rule
from dossier.models import Role
from dossier.routing.machine import State
from storage.filesystem import FilesystemStore
from tests.helpers import form_csrf
from tests.security.access_world import (
    ACTORS,
    LOGIN,
    ON_SQLITE,
    Actor,
    World,
    readable,
    status_of,
)


@dataclass(frozen=True)
class Row:
    """One (method, path) and the status each actor gets, in the order of ACTORS."""

    method: str
    path: str
    expect: tuple[Any, ...]
    send: dict[str, Any] = field(default_factory=dict)
    fresh: bool = False  # the call ends or opens a session: use a session of its own

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


D = "/api/v1/dossiers/{dossier_id}"
R = "/api/v1/routes/{route_id}"
FD = "/founder/dossiers/{dossier_id}"
RV = "/reviewer/routes/{rid}"
BAD_FILE = {"files": {"file": ("note.txt", b"just text", "text/plain")},
            "data": {"kind": "kbis"}}
# Login forms without a password: answered (422) without any credential, and without the
# Argon2 verification a real login costs; logging in is tested in tests/web and tests/api.
NO_PASSWORD_API = {"data": {"username": "founder@demo.example"}}
NO_PASSWORD_PAGE = {"data": {"email": "founder@demo.example"}}

# The expectations come from the policy table itself (dossier/access.py): each actor as the
# table sees it, aiming at A's cepac route (approved), or for the ampa reviewer at the route
# A withdrew from its partner.
OWNER_ID, MEMBER_ID = uuid.uuid4(), uuid.uuid4()
DOSSIER_A = SimpleNamespace(owner_id=OWNER_ID, members=[SimpleNamespace(user_id=MEMBER_ID)])
USERS = {"anonymous": None,
         "owner": SimpleNamespace(role=Role.founder, id=OWNER_ID, partner_code=None),
         "member": SimpleNamespace(role=Role.founder, id=MEMBER_ID, partner_code=None),
         "other_founder": SimpleNamespace(role=Role.founder, id=uuid.uuid4(), partner_code=None),
         "reviewer": SimpleNamespace(role=Role.reviewer, id=uuid.uuid4(), partner_code="cepac"),
         "other_reviewer": SimpleNamespace(role=Role.reviewer, id=uuid.uuid4(),
                                           partner_code="bpmed"),
         "withdrawn_reviewer": SimpleNamespace(role=Role.reviewer, id=uuid.uuid4(),
                                               partner_code="ampa"),
         "staff": SimpleNamespace(role=Role.staff, id=uuid.uuid4(), partner_code=None)}
TARGETS = {name: SimpleNamespace(partner_code="cepac", state=State.approved, dossier=DOSSIER_A)
           for name in ACTORS}
TARGETS["withdrawn_reviewer"] = SimpleNamespace(partner_code="ampa", state=State.withdrawn,
                                                dossier=DOSSIER_A)
API_REFUSAL = {Rule.login: 401, Rule.forbidden: 403, Rule.hidden: 404}
PAGE_REFUSAL = {**API_REFUSAL, Rule.login: LOGIN}


def answer(actor: str, action: Action) -> Rule:
    """The table's answer to this actor: its role's first, then on the object it aims at."""
    user = USERS[actor]
    first = access.decide(user, action)
    if first != Rule.allow:
        return first
    aimed = ({"route": TARGETS[actor]} if action in access.ROUTE_ACTIONS
             else {"partner": "cepac"} if action in access.PARTNER_ACTIONS
             else {"dossier": DOSSIER_A})
    return access.decide(user, action, **aimed)


def api(action: Action, allowed: int = 200) -> tuple[Any, ...]:
    """An API call gated by `action`: the table's refusals, else `allowed`."""
    return tuple(API_REFUSAL.get(answer(a, action), allowed) for a in ACTORS)


def page(area: Action, action: Action | None = None, allowed: Any = 200) -> tuple[Any, ...]:
    """A page of `area` (a role's part of the site) doing `action` to the actor's object."""
    out = []
    for a in ACTORS:
        rule = answer(a, area)
        if rule == Rule.allow and action is not None:
            rule = answer(a, action)
        out.append(PAGE_REFUSAL.get(rule, allowed))
    return tuple(out)


#  anonymous, owner, member, other_founder, reviewer, other_reviewer, withdrawn_reviewer, staff
EVERYONE = len(ACTORS)
PUBLIC = (200,) * EVERYONE
ANY_USER = (401,) + (200,) * (EVERYONE - 1)
DOSSIER_READ = api(Action.read_dossier)
ROUTE_READ = api(Action.read_route)
DOWNLOAD = api(Action.download)
FOUNDER_AREA = page(Action.founder_pages)
FOUNDER_PAGE = page(Action.founder_pages, Action.read_dossier)
REVIEWER_PAGE = page(Action.reviewer_pages, Action.open_route)
REVIEWER_FILES = page(Action.reviewer_pages, Action.download)
STAFF_PAGE = page(Action.staff_pages)
EXPORTS_PAGE = page(Action.exports)
CATALOGUE_PAGE = page(Action.partner_catalogue)


def founder_form(status: int, action: Action = Action.edit_dossier) -> tuple[Any, ...]:
    """A founder's form on the dossier: the owner (and, as the table says, the co-founder)
    gets `status`, other founders 404."""
    return page(Action.founder_pages, action, status)


def reviewer_form(status: int, action: Action) -> tuple[Any, ...]:
    """A reviewer's form on the route: its partner gets `status`, other partners 404."""
    return page(Action.reviewer_pages, action, status)


MATRIX: tuple[Row, ...] = (
    # --- API: identity, catalogue, schema -------------------------------------------------
    Row("POST", "/api/v1/auth/token", (422,) * EVERYONE, NO_PASSWORD_API),
    Row("POST", "/api/v1/auth/logout", (401,) + (204,) * (EVERYONE - 1), fresh=True),
    Row("GET", "/api/v1/me", ANY_USER),
    Row("GET", "/api/v1/health", PUBLIC),
    Row("GET", "/api/v1/schema/dossier", PUBLIC),  # the published contract, like /openapi.json
    Row("GET", "/api/v1/partners", ANY_USER),
    # --- API: the founder's dossier ---------------------------------------------------------
    Row("POST", "/api/v1/dossiers", api(Action.create_dossier, 422),
        {"json": {"company": {"siren": "12"}}}),
    Row("GET", "/api/v1/dossiers", ANY_USER),  # each sees their own (reviewers: none)
    Row("GET", D, DOSSIER_READ),
    Row("PUT", D, api(Action.edit_dossier, 422), {"json": {"company": {"siren": "12"}}}),
    Row("GET", D + "/pdf", DOSSIER_READ),
    Row("POST", D + "/attachments", api(Action.upload_attachment, 415), BAD_FILE),
    Row("GET", D + "/attachments", DOSSIER_READ),
    Row("POST", D + "/fec", api(Action.edit_dossier, 422), BAD_FILE),  # not a FEC
    Row("GET", "/api/v1/registry/companies/{siren_or_siret}",
        api(Action.registry_lookup, 422)),
    Row("GET", D + "/attachments/{attachment_id}/content", DOSSIER_READ),
    Row("GET", D + "/attachments/{attachment_id}/link", DOSSIER_READ),
    Row("DELETE", D + "/attachments/{attachment_id}", api(Action.delete_attachment, 409)),
    Row("GET", "/api/v1/blobs/{token}", PUBLIC),  # the signed link is the credential
    Row("GET", D + "/eligibility", DOSSIER_READ),
    Row("GET", D + "/access-log", DOSSIER_READ),
    Row("POST", D + "/submit", api(Action.submit_dossier, 422), {"json": {"consent": False}}),
    # --- API: routes ------------------------------------------------------------------------
    Row("POST", R + "/withdraw", api(Action.withdraw, 409)),  # the target route is decided
    Row("GET", "/api/v1/inbox", api(Action.inbox)),
    Row("GET", R, ROUTE_READ),
    Row("GET", R + "/events", ROUTE_READ),
    Row("POST", R + "/events", api(Action.review, 409),
        {"json": {"type": "in_review"}}),
    Row("GET", R + "/messages", ROUTE_READ),
    Row("POST", R + "/messages", api(Action.write_message, 422), {"json": {}}),
    Row("GET", R + "/pdf", DOWNLOAD),
    # --- API: after a decision (the owner's target route is approved: accepting it keeps
    # every other row's answer) ------------------------------------------------------------
    Row("POST", R + "/accept", api(Action.accept_offer, 200)),
    Row("GET", R + "/disbursements", ROUTE_READ),
    Row("POST", R + "/disbursements", api(Action.disburse, 422), {"json": {}}),
    Row("POST", R + "/mediation", api(Action.open_mediation, 422), {"json": {}}),  # no consent
    Row("GET", D + "/alternatives", DOSSIER_READ),
    Row("GET", R + "/attachments/{attachment_id}/content", DOWNLOAD),
    Row("POST", R + "/opinions", api(Action.ask_opinion, 422), {"json": {}}),
    Row("GET", R + "/opinions", api(Action.ask_opinion)),
    # the world's invitation to an expert is revoked already
    Row("POST", R + "/opinions/{opinion_id}/revoke", api(Action.ask_opinion, 409)),
    # --- API: a partner's committee (the world's partner: cepac) ------------------------------
    Row("GET", "/api/v1/partners/{code}/committees", api(Action.committees)),
    Row("POST", "/api/v1/partners/{code}/committees", api(Action.committees, 422),
        {"json": {}}),
    # --- API: staff, notifications ----------------------------------------------------------
    Row("GET", "/api/v1/pipeline", api(Action.pipeline)),
    Row("GET", "/api/v1/pipeline/export.csv", api(Action.exports)),
    Row("GET", "/api/v1/pipeline/export.xlsx", api(Action.exports)),
    Row("GET", "/api/v1/notifications", ANY_USER),  # each sees their own
    Row("GET", "/api/v1/me/export", ANY_USER),  # each gets their own data
    Row("POST", "/api/v1/me/erasure", api(Action.erase_account, 422),
        {"json": {"password": ""}}),
    Row("POST", "/api/v1/notifications/{notification_id}/read",
        (401, 200) + (404,) * (EVERYONE - 2)),
    Row("POST", "/api/v1/notifications/read-all", ANY_USER),  # each marks their own
    # --- the API's description --------------------------------------------------------------
    Row("GET", "/openapi.json", PUBLIC),
    Row("GET", "/docs", PUBLIC),
    Row("GET", "/docs/oauth2-redirect", PUBLIC),
    Row("GET", "/redoc", PUBLIC),
    # --- pages: home, login, sign-up, language ----------------------------------------------
    Row("GET", "/", PUBLIC),
    Row("GET", "/login", PUBLIC),
    Row("POST", "/login", (422,) * EVERYONE, NO_PASSWORD_PAGE, fresh=True),
    Row("POST", "/logout", (LOGIN,) + (303,) * (EVERYONE - 1), fresh=True),
    Row("GET", "/signup", PUBLIC),
    Row("POST", "/signup", (422,) * EVERYONE, {"data": {
        "email": "x@access.example", "password": "a" * 12, "password_again": "b" * 12}}),
    Row("GET", "/signup/confirm", PUBLIC, {"params": {"token": "not-a-token"}}),
    Row("POST", "/signup/confirm", (400,) * EVERYONE, {"data": {"token": "not-a-token"}},
        fresh=True),
    Row("GET", "/lang/{code}", (303,) * EVERYONE, fresh=True),
    # --- pages: a forgotten password, the account, invitations -------------------------------
    Row("GET", "/password/forgot", PUBLIC),
    Row("POST", "/password/forgot", (422,) * EVERYONE),  # no address: nothing sent
    Row("GET", "/password/reset", (400,) * EVERYONE, {"params": {"token": "not-a-token"}}),
    Row("POST", "/password/reset", (400,) * EVERYONE, {"data": {
        "token": "not-a-token", "password": "a" * 12, "password_again": "a" * 12}}),
    Row("GET", "/account", (LOGIN,) + (200,) * (EVERYONE - 1)),
    Row("POST", "/account/password", (LOGIN,) + (422,) * (EVERYONE - 1), {"data": {
        "current_password": "wrong", "new_password": "a" * 12,
        "new_password_again": "b" * 12}}),
    Row("GET", "/invitation", (400,) * EVERYONE, {"params": {"token": "not-a-token"}}),
    Row("POST", "/invitation", (400,) * EVERYONE, {"data": {"token": "not-a-token"}}),
    # --- pages: everyone's notifications and e-mail settings ----------------------------------
    Row("GET", "/notifications", (LOGIN,) + (200,) * (EVERYONE - 1)),
    Row("POST", "/notifications/read-all", (LOGIN,) + (303,) * (EVERYONE - 1)),
    Row("POST", "/notifications/{notification_id}/read", (LOGIN, 303) + (404,) * (EVERYONE - 2)),
    Row("GET", "/account/notifications", (LOGIN,) + (200,) * (EVERYONE - 1)),
    Row("POST", "/account/notifications", (LOGIN,) + (303,) * (EVERYONE - 1),
        {"data": {"email": "on"}}),  # as the demo accounts are: e-mails on, in French
    # --- pages: founder ---------------------------------------------------------------------
    Row("GET", "/founder", FOUNDER_AREA),
    Row("POST", "/founder/dossiers/new", page(Action.founder_pages, Action.create_dossier, 303)),
    Row("GET", FD + "/edit/{section_key}", founder_form(200)),
    Row("POST", FD + "/edit/{section_key}", founder_form(422)),
    Row("POST", FD + "/autosave/{section_key}", founder_form(422)),
    Row("POST", FD + "/registry", founder_form(422)),  # no number typed: the registry unasked
    Row("GET", FD + "/attachments", FOUNDER_PAGE),
    Row("POST", FD + "/attachments", founder_form(415, Action.upload_attachment), BAD_FILE),
    Row("POST", FD + "/attachments/{attachment_id}/delete",
        founder_form(409, Action.delete_attachment)),
    Row("GET", FD + "/attachments/{attachment_id}", FOUNDER_PAGE),
    Row("POST", FD + "/fec", founder_form(422), BAD_FILE),  # not a FEC
    Row("POST", FD + "/fec/apply", founder_form(422)),  # no year ticked
    Row("GET", FD + "/partners", FOUNDER_PAGE),
    Row("POST", FD + "/partners",  # submitted: back to the status page
        founder_form(303, Action.choose_partners)),
    Row("GET", FD, FOUNDER_PAGE),
    Row("POST", FD + "/routes/{route_id}/messages", founder_form(422, Action.write_message)),
    Row("POST", FD + "/routes/{route_id}/withdraw",  # not confirmed
        founder_form(422, Action.withdraw)),
    # after a decision: not confirmed, no consent, no partner ticked
    Row("POST", FD + "/routes/{route_id}/accept", founder_form(422, Action.accept_offer)),
    Row("POST", FD + "/routes/{route_id}/mediation", founder_form(422, Action.open_mediation)),
    Row("POST", FD + "/alternatives", founder_form(422, Action.choose_partners)),
    Row("GET", FD + "/pdf", FOUNDER_PAGE),
    Row("GET", FD + "/receipt.pdf", FOUNDER_PAGE),
    Row("GET", FD + "/preview", FOUNDER_PAGE),
    Row("GET", "/founder/assets/{name}", FOUNDER_AREA),
    Row("GET", FD + "/team", FOUNDER_PAGE),
    Row("POST", FD + "/team/invitations", founder_form(422, Action.manage_members),
        {"data": {"email": "not-an-address"}}),
    # the world's invitation is accepted already: nothing to send again nor cancel
    Row("POST", FD + "/team/invitations/{invitation_id}/resend",
        founder_form(404, Action.manage_members)),
    Row("POST", FD + "/team/invitations/{invitation_id}/revoke",
        founder_form(404, Action.manage_members)),
    Row("POST", FD + "/team/members/{member_id}/remove",  # the owner is not a co-founder
        founder_form(422, Action.manage_members)),
    Row("POST", FD + "/team/handover", founder_form(422, Action.manage_members),
        {"data": {"member": "", "confirm": "no"}}),
    Row("POST", FD + "/team/leave", founder_form(422, Action.leave_dossier),
        {"data": {"confirm": "no"}}),
    Row("GET", "/founder/data", FOUNDER_AREA),
    Row("GET", "/founder/data/export.zip", FOUNDER_AREA),
    Row("POST", "/founder/data/erase", page(Action.founder_pages, Action.erase_account, 422),
        {"data": {"password": "", "confirm": "no"}}),
    # --- pages: reviewer --------------------------------------------------------------------
    Row("GET", "/reviewer", page(Action.reviewer_pages, Action.inbox)),
    Row("GET", RV, REVIEWER_PAGE),
    Row("POST", RV + "/in-review",  # the target route is decided
        reviewer_form(409, Action.review)),
    Row("POST", RV + "/info-request", reviewer_form(422, Action.ask_info)),
    Row("POST", RV + "/decision", reviewer_form(422, Action.decide)),
    Row("POST", RV + "/revision", reviewer_form(422, Action.decide)),
    Row("POST", RV + "/disbursements", reviewer_form(422, Action.disburse)),
    Row("POST", RV + "/recommendation", reviewer_form(422, Action.decide)),
    # --- pages: a partner's committee, for its reviewers and staff ----------------------------
    Row("GET", "/committees/{code}", page(Action.committees)),
    Row("POST", "/committees/{code}", page(Action.committees, allowed=422)),
    Row("POST", RV + "/messages", reviewer_form(422, Action.write_message)),
    Row("POST", RV + "/notes", reviewer_form(422, Action.write_note)),
    Row("POST", RV + "/assign", reviewer_form(422, Action.write_note),
        {"data": {"assignee": "nobody"}}),
    Row("GET", RV + "/attachments/{aid}", REVIEWER_FILES),
    Row("GET", RV + "/attachments.zip", REVIEWER_FILES),
    Row("GET", RV + "/pdf", REVIEWER_FILES),
    Row("POST", RV + "/opinions", reviewer_form(422, Action.ask_opinion)),
    Row("POST", RV + "/opinions/{opinion_id}/revoke", reviewer_form(409, Action.ask_opinion)),
    # --- pages: an invited expert (no account: the e-mailed link, kept in a cookie) -----------
    Row("GET", "/expert", (400,) * EVERYONE, {"params": {"token": "not-a-token"}}),
    # nobody here holds an expert's link: 401 before any id is looked at
    Row("GET", "/expert/routes/{rid}", (401,) * EVERYONE),
    Row("GET", "/expert/routes/{rid}/pdf", (401,) * EVERYONE),
    Row("GET", "/expert/routes/{rid}/attachments/{aid}", (401,) * EVERYONE),
    Row("POST", "/expert/routes/{rid}/opinion", (401,) * EVERYONE, {"data": {"answer": "x"}}),
    # --- pages: staff -----------------------------------------------------------------------
    Row("GET", "/staff", STAFF_PAGE),
    Row("GET", "/staff/charts/funnel.svg", STAFF_PAGE),
    Row("GET", "/staff/charts/amounts.svg", STAFF_PAGE),
    Row("GET", "/staff/export.csv", EXPORTS_PAGE),
    Row("GET", "/staff/export.xlsx", EXPORTS_PAGE),
    Row("GET", "/staff/exports", EXPORTS_PAGE),
    Row("POST", "/staff/exports", page(Action.exports, allowed=303),
        {"data": {"format": "csv"}}),
    Row("GET", "/staff/exports/{job_id}", EXPORTS_PAGE),
    Row("GET", "/staff/exports/{job_id}/status", EXPORTS_PAGE),
    Row("GET", "/staff/exports/{job_id}/download", EXPORTS_PAGE),
    Row("GET", "/staff/partners", CATALOGUE_PAGE),
    Row("GET", "/staff/partners/{code}", CATALOGUE_PAGE),
    Row("POST", "/staff/partners/{code}", page(Action.partner_catalogue, allowed=422),
        {"data": {"sla_days": "soon"}}),
    Row("GET", "/staff/reviewers", STAFF_PAGE),
    Row("POST", "/staff/reviewers/invitations", page(Action.staff_pages, allowed=422),
        {"data": {"email": "not-an-address", "partner": "cepac"}}),
    # the world's invitation is a co-founder's: no reviewer invitation by that id
    Row("POST", "/staff/reviewers/invitations/{invitation_id}/resend",
        page(Action.staff_pages, allowed=404)),
    Row("POST", "/staff/reviewers/invitations/{invitation_id}/revoke",
        page(Action.staff_pages, allowed=404)),
    # the world's reviewer id is the owner's: a founder, no one to seat on a committee
    Row("POST", "/staff/reviewers/{reviewer_id}/committee",
        page(Action.staff_pages, allowed=404), {"data": {"committee": "on"}}),
)

# Served by the app but outside the matrix, and why.
EXEMPT = {
    ("MOUNT", "/static"): "public stylesheets, scripts and images; no data behind them",
}
# Path parameters that name an object someone owns (the others name public things).
ID_PARAMS = {"dossier_id", "route_id", "rid", "attachment_id", "aid", "notification_id",
             "job_id", "invitation_id", "member_id", "opinion_id", "reviewer_id"}


# --- enumeration --------------------------------------------------------------------------

def served(app) -> set[tuple[str, str]]:
    """Every (method, path template) the app answers, from its routes and its OpenAPI."""
    keys: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            keys.add(("MOUNT", context.path))
            continue
        methods = set(context.methods or ())
        if "GET" in methods:
            methods.discard("HEAD")  # answered as the GET is
        keys |= {(m, context.path) for m in methods}
    for path, operations in app.openapi().get("paths", {}).items():
        keys |= {(m.upper(), path) for m in operations if m != "parameters"}
    return keys


def unlisted(app) -> set[tuple[str, str]]:
    """What the app serves that neither the matrix nor the exemptions mention."""
    return served(app) - {row.key for row in MATRIX} - set(EXEMPT)


def a_bare_app(tmp_path) -> Any:
    """An app that is never run: enough to read its routes."""
    from sqlalchemy import create_engine

    return create_app(AppSettings(secret_key="doc", routing_in_background=False),
                      engine=create_engine("sqlite://"),
                      store=FilesystemStore(tmp_path, secret=b"doc"))


def test_every_route_is_in_the_matrix(tmp_path):
    app = a_bare_app(tmp_path)
    assert unlisted(app) == set(), "add these routes to MATRIX (or EXEMPT, with a reason)"
    keys = [row.key for row in MATRIX]
    assert len(keys) == len(set(keys)), "a route is listed twice"
    stale = set(keys) - served(app)
    assert stale == set(), "the matrix lists routes the app no longer serves"
    assert all(len(row.expect) == len(ACTORS) for row in MATRIX)


def test_a_new_route_without_an_entry_is_reported(tmp_path):
    app = a_bare_app(tmp_path)
    before = unlisted(app)
    extra = APIRouter()

    @extra.post("/api/v1/routes/{route_id}/escalate")
    def escalate(route_id: str) -> dict[str, str]:
        return {"route_id": route_id}

    @app.get("/staff/secret-report", include_in_schema=False)
    def secret_report() -> dict[str, str]:
        return {}

    app.include_router(extra)
    app.openapi_schema = None
    assert unlisted(app) - before == {("POST", "/api/v1/routes/{route_id}/escalate"),
                                      ("GET", "/staff/secret-report")}


# --- the matrix, cell by cell -------------------------------------------------------------

def call(world: World, row: Row, actor: Actor, params: dict[str, str] | None = None):
    """Send the row's request as this actor: a bearer token to the API, cookies to pages."""
    who = actor.fresh() if row.fresh else actor
    url = row.path.format(**(params or world.params(actor)))
    send = {k: (dict(v) if isinstance(v, dict) else v) for k, v in row.send.items()}
    page = not url.startswith("/api/")
    client = who.web if page else who.api
    if page and row.method != "GET":
        pre_session = url in ("/login", "/signup", "/signup/confirm", "/password/forgot",
                              "/password/reset", "/invitation")
        send.setdefault("data", {})["csrf"] = (form_csrf(client, "/login") if pre_session
                                               else who.csrf)
    return client.request(row.method, url, follow_redirects=False, **send)


CELLS = [pytest.param(row, actor, id=f"{row.method} {row.path} [{actor}]")
         for row in MATRIX for actor in ACTORS]


@ON_SQLITE
@pytest.mark.parametrize(("row", "actor_name"), CELLS)
def test_matrix(world: World, row: Row, actor_name: str):
    actor = world.actors[actor_name]
    expected = row.expect[ACTORS.index(actor_name)]
    response = call(world, row, actor)
    assert status_of(response) == expected, response.text[:500]
    assert response.status_code < 500
    # Allowed or refused, an answer shows nothing that is not the caller's (beyond the ids
    # the caller itself sent, which a problem's `instance` repeats).
    sent = str(response.request.url)
    leaks = sorted(w for w in actor.forbidden if w in readable(response) and w not in sent)
    assert leaks == [], f"{actor_name} reads what is not theirs: {leaks}"
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == "Bearer"


# Actors with no right to A's objects: their refusals must not depend on whether ids exist.
STRANGERS = ("anonymous", "other_founder", "other_reviewer", "withdrawn_reviewer")
PROBES = [pytest.param(row, actor, id=f"{row.method} {row.path} [{actor}]")
          for row in MATRIX if any(f"{{{p}}}" in row.path for p in ID_PARAMS)
          for actor in STRANGERS if row.expect[ACTORS.index(actor)] in (LOGIN, 401, 403, 404)]


@ON_SQLITE
@pytest.mark.parametrize(("row", "actor_name"), PROBES)
def test_refusals_do_not_reveal_whether_ids_exist(world: World, row: Row, actor_name: str):
    actor = world.actors[actor_name]
    real = call(world, row, actor)
    for value in (str(uuid.uuid4()), "not-an-id"):
        invented = call(world, row, actor, with_ids(world.params(actor), value))
        assert status_of(invented) == status_of(real), value
        assert problem_code(invented) == problem_code(real), value


def problem_code(response) -> str | None:
    """The `code` of a problem+json answer."""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        return response.json().get("code")
    return None


def with_ids(params: dict[str, str], value: str) -> dict[str, str]:
    """The same parameters, every object id replaced by `value` (job ids keep their form)."""
    return {k: (value if k != "job_id" else "x" * 24) if k in ID_PARAMS else v
            for k, v in params.items()}


# Callers who may use the route: an id that names nothing, or nothing readable, is a 404.
OWN_PROBES = [pytest.param(row, actor, id=f"{row.method} {row.path} [{actor}]")
              for row in MATRIX if any(f"{{{p}}}" in row.path for p in ID_PARAMS)
              for actor in ACTORS
              if row.expect[ACTORS.index(actor)] not in (LOGIN, 401, 403, 404)]


@ON_SQLITE
@pytest.mark.parametrize(("row", "actor_name"), OWN_PROBES)
def test_unknown_or_malformed_ids_answer_404(world: World, row: Row, actor_name: str):
    actor = world.actors[actor_name]
    for value in (str(uuid.uuid4()), "not-an-id", "0" * 40):
        response = call(world, row, actor, with_ids(world.params(actor), value))
        assert response.status_code == 404, (value, response.text[:300])
