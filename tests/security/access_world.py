"""The world the access matrix runs in: two founders, three partners, one withdrawal, staff.

Founder A (the demo founder) sends dossier "Alphaleak" to cepac, bpmed and ampa, and has a
co-founder on it (the member); cepac asks
for information, gets an answer and approves; ampa opens it and writes, then A withdraws
from ampa. Founder B sends dossier "Betaleak" to bpmed only. Every actor aims at A's
objects: the founders, the staff and the reviewers of cepac and bpmed at A's cepac route,
the ampa reviewer at the route A withdrew from its partner.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from app.web.common.deps import SESSION_COOKIE
from app.web.common.security import csrf_token
from app.web.staff.exports import JOBS
from dossier.db import Base, transaction, utcnow
from dossier.models import DossierMember, Invitation, Notification, User
from dossier.services import notifications, users
from tests.conftest import DEMO_PASSWORD, KEEP_TABLES
from tests.helpers import full_dossier, submit, wait_until
from workflows.routing import claim_due, settle

ACTORS = ("anonymous", "owner", "member", "other_founder", "reviewer", "other_reviewer",
          "withdrawn_reviewer", "staff")
EMAILS = {"owner": "founder@demo.example", "member": "cofounder-a@access.example",
          "other_founder": "founder-b@access.example",
          "reviewer": "cepac@demo.example", "other_reviewer": "bpmed@demo.example",
          "withdrawn_reviewer": "ampa@demo.example", "staff": "staff@demo.example"}
# Words written into the world; each actor's allowed answers must not contain some of them.
MARK = {"cepac_question": "Mark-cepac-question", "owner_to_cepac": "Mark-owner-to-cepac",
        "cepac_to_owner": "Mark-cepac-to-owner", "cepac_terms": "Mark-cepac-terms",
        "cepac_note": "Mark-cepac-internal-note", "ampa_to_owner": "Mark-ampa-to-owner",
        "owner_to_ampa": "Mark-owner-to-ampa", "cepac_opinion": "Mark-cepac-opinion-question"}
COMPANY_A, COMPANY_B = "Alphaleak", "Betaleak"
SECRET = b"test-secret"  # the world's app and store sign with it
# The world is built on SQLite only: access rules live above the database.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LOGIN = "login"  # what status_of calls a 303 to /login?next=…
TEXT_TYPES = ("json", "html", "text/", "xml", "svg")


@dataclass
class Actor:
    """One column of the matrix: who calls, with which credentials, aiming at which route."""

    name: str
    email: str | None
    api: TestClient
    web: TestClient
    csrf: str
    route_id: str
    forbidden: set[str] = field(default_factory=set)

    def fresh(self) -> Actor:
        """The same person with new clients, token and session (for logout, login, language)."""
        return signed_in(self.api.app, self.name, self.email, self.route_id, self.forbidden)


@dataclass
class World:
    """Ids of everything the matrix points at."""

    app: Any
    dossier_a: str
    dossier_b: str
    routes_a: dict[str, str]
    route_b: str
    attachment_a: str
    attachment_b: str
    notification_a: str
    notification_b: str
    job_id: str
    link_token: str
    invitation_id: str
    opinion_id: str
    owner_id: str
    actors: dict[str, Actor]

    def params(self, actor: Actor) -> dict[str, str]:
        """Values of every path parameter of the app, for this actor."""
        return {"dossier_id": self.dossier_a, "route_id": actor.route_id,
                "rid": actor.route_id, "attachment_id": self.attachment_a,
                "aid": self.attachment_a, "notification_id": self.notification_a,
                "job_id": self.job_id, "token": self.link_token, "code": "cepac",
                "section_key": "company", "name": "dossier.css",
                "invitation_id": self.invitation_id,
                # cepac's invitation to an expert, revoked: nothing to revoke again
                "opinion_id": self.opinion_id,
                # the owner's own account: not a co-founder, so no form takes anyone off
                "member_id": self.owner_id,
                # the owner's account again: not a reviewer, so no one to seat on a committee
                "reviewer_id": self.owner_id,
                "siren_or_siret": "123456789"}  # not a valid SIREN: a 422, the registry unasked


def signed_in(app, name: str, email: str | None, route_id: str,
              forbidden: set[str] | None = None) -> Actor:
    """An actor with a bearer token for the API and a cookie session for the pages.

    Tokens are issued directly: logging in runs Argon2 (most of a second) and is tested
    on its own; what matters here is what a valid token and session may reach.
    """
    api, web = TestClient(app), TestClient(app)
    csrf = ""
    if email is not None:
        state = app.state.dossier
        with transaction(state.sessions) as db:
            user = users.get_by_email(db=db, email=email)
            bearer, _ = users.issue_token(db=db, user=user)
            session, _ = users.issue_token(db=db, user=user, scope="web")
        api.headers["Authorization"] = f"Bearer {bearer}"
        web.cookies.set(SESSION_COOKIE, session)
        csrf = csrf_token(state.secret, session)
    return Actor(name, email, api, web, csrf, route_id, set(forbidden or ()))


def route_now(app) -> None:
    """Deliver every due route at once to the portal inbox (no Prefect needed)."""
    runtime = app.state.dossier.runtime
    for item in claim_due(runtime):
        assert settle(runtime, item, None, "portal inbox") == "delivered"


def _ok(r, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.headers.get("content-type", "").endswith("json") else r


def _notification(sessions, user_id: uuid.UUID, route_id: str, key: str) -> str:
    with transaction(sessions) as db:
        notifications.add(db=db, notice=notifications.Notice(
            user_id=user_id, kind="info_request", subject="Question", body="Une question",
            route_id=uuid.UUID(route_id), dedupe_key=f"access-matrix-{key}"))
        return str(db.scalar(select(Notification.id)
                             .where(Notification.dedupe_key == f"access-matrix-{key}")))


def _export_job(app, staff_id: uuid.UUID) -> str:
    job = JOBS.start(owner=staff_id, fmt="csv", sessions=app.state.dossier.sessions)
    wait_until(lambda: job.status, lambda status: status in ("done", "failed"),
               what="the export job to finish", every=0.05)
    assert job.status == "done"
    return job.id


def build_world(app, client: TestClient) -> World:
    """Create the founders' dossiers, route them, act on them; return every id."""
    sessions = app.state.dossier.sessions
    with transaction(sessions) as db:
        for name in ("other_founder", "member"):
            users.create_user(db=db, email=EMAILS[name], password=DEMO_PASSWORD, role="founder")
    actors = {name: signed_in(app, name, EMAILS.get(name), "") for name in ACTORS}
    head = {name: dict(actor.api.headers) for name, actor in actors.items()}
    dossier_a = submit(client, head["owner"], full_dossier(
        name=COMPANY_A, partners=("cepac", "bpmed", "ampa")), tag="alpha")["dossier_id"]
    dossier_b = submit(client, head["other_founder"], full_dossier(
        name=COMPANY_B, partners=("bpmed",)), tag="beta")["dossier_id"]
    route_now(app)
    routes_a = {r["partner"]: r["id"] for r in _ok(client.get(
        f"/api/v1/dossiers/{dossier_a}", headers=head["owner"]))["routes"]}
    route_b = _ok(client.get(f"/api/v1/dossiers/{dossier_b}",
                             headers=head["other_founder"]))["routes"][0]["id"]
    cepac, ampa = routes_a["cepac"], routes_a["ampa"]

    def act(who: str, method: str, path: str, status: int = 201, **kw) -> Any:
        return _ok(client.request(method, path, headers=head[who], **kw), status)

    act("reviewer", "POST", f"/api/v1/routes/{cepac}/events",
        json={"type": "info_requested", "request_kind": "question",
              "message": MARK["cepac_question"]})
    act("owner", "POST", f"/api/v1/routes/{cepac}/messages", json={"body": MARK["owner_to_cepac"]})
    act("reviewer", "POST", f"/api/v1/routes/{cepac}/messages",
        json={"body": MARK["cepac_to_owner"]})
    act("reviewer", "POST", f"/api/v1/routes/{cepac}/events",
        json={"type": "approved", "instrument": "bank_loan", "amount_eur": "100000.00",
              "conditions": MARK["cepac_terms"]})
    opinion = act("reviewer", "POST", f"/api/v1/routes/{cepac}/opinions", json={
        "email": "expert@access.example", "question": MARK["cepac_opinion"],
        "expires_on": (utcnow() + timedelta(days=14)).date().isoformat()})["id"]
    act("reviewer", "POST", f"/api/v1/routes/{cepac}/opinions/{opinion}/revoke", 200)
    act("withdrawn_reviewer", "POST", f"/api/v1/routes/{ampa}/events", json={"type": "opened"})
    act("withdrawn_reviewer", "POST", f"/api/v1/routes/{ampa}/messages",
        json={"body": MARK["ampa_to_owner"]})
    act("owner", "POST", f"/api/v1/routes/{ampa}/messages", json={"body": MARK["owner_to_ampa"]})
    act("owner", "POST", f"/api/v1/routes/{ampa}/withdraw", 200)
    states = {r["partner"]: r["state"] for r in act(
        "owner", "GET", f"/api/v1/dossiers/{dossier_a}", 200)["routes"]}
    assert states == {"cepac": "approved", "bpmed": "delivered", "ampa": "withdrawn"}
    files_a = act("owner", "GET", f"/api/v1/dossiers/{dossier_a}/attachments", 200)
    files_b = act("other_founder", "GET", f"/api/v1/dossiers/{dossier_b}/attachments", 200)
    kbis_a = next(a["id"] for a in files_a if a["kind"] == "kbis")
    kbis_b = next(a["id"] for a in files_b if a["kind"] == "kbis")
    link = act("owner", "GET", f"/api/v1/dossiers/{dossier_a}/attachments/{kbis_a}/link", 200)
    with transaction(sessions) as db:
        ids = {name: users.get_by_email(db=db, email=email).id
               for name, email in EMAILS.items()}
        db.add(DossierMember(dossier_id=uuid.UUID(dossier_a), user_id=ids["member"]))
        invitation = Invitation(kind="member", email="invited-a@access.example",
                                dossier_id=uuid.UUID(dossier_a), invited_by=ids["owner"],
                                expires_at=utcnow() + timedelta(days=7), accepted_at=utcnow())
        db.add(invitation)
        db.flush()
        invitation_id = str(invitation.id)

    for name, actor in actors.items():
        actor.route_id = ampa if name == "withdrawn_reviewer" else cepac
    # An internal note of cepac, written through its page (the only way to write one).
    r = actors["reviewer"].web.post(f"/reviewer/routes/{cepac}/notes",
                                    data={"csrf": actors["reviewer"].csrf,
                                          "body": MARK["cepac_note"]}, follow_redirects=False)
    assert r.status_code == 303, r.text

    world = World(app=app, dossier_a=dossier_a, dossier_b=dossier_b, routes_a=routes_a,
                  route_b=route_b, attachment_a=kbis_a, attachment_b=kbis_b,
                  notification_a=_notification(sessions, ids["owner"], cepac, "a"),
                  notification_b=_notification(sessions, ids["other_founder"], route_b, "b"),
                  job_id=_export_job(app, ids["staff"]),
                  link_token=link["url"].rsplit("/", 1)[1], invitation_id=invitation_id,
                  opinion_id=opinion,
                  owner_id=str(ids["owner"]), actors=actors)
    _forbid(world)
    return world


def _forbid(w: World) -> None:
    """What each actor's allowed answers must never show."""
    a_ids = {w.dossier_a, *w.routes_a.values(), w.attachment_a, w.notification_a, COMPANY_A}
    b_ids = {w.dossier_b, w.route_b, w.attachment_b, w.notification_b, COMPANY_B}
    partner_private = {MARK["cepac_note"], MARK["cepac_opinion"]}
    cepac_talk = {MARK["cepac_question"], MARK["owner_to_cepac"], MARK["cepac_to_owner"],
                  MARK["cepac_terms"]}
    ampa_talk = {MARK["ampa_to_owner"], MARK["owner_to_ampa"]}
    forbid = {
        "anonymous": a_ids | b_ids | partner_private | cepac_talk | ampa_talk,
        "owner": b_ids | partner_private,
        "member": b_ids | partner_private,
        "other_founder": a_ids | partner_private | cepac_talk | ampa_talk,
        "reviewer": b_ids | ampa_talk | {w.routes_a["bpmed"], w.routes_a["ampa"]},
        "other_reviewer": partner_private | cepac_talk | ampa_talk
                          | {w.routes_a["cepac"], w.routes_a["ampa"]},
        "withdrawn_reviewer": a_ids | b_ids | partner_private | cepac_talk | ampa_talk,
        "staff": {MARK["cepac_opinion"]},  # reads every route, never a partner's opinions
    }
    for name, words in forbid.items():
        w.actors[name].forbidden = words


def wipe(sessions) -> None:
    """Remove every row the world wrote (as the `sessions` fixture does after a test)."""
    with transaction(sessions) as db:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP_TABLES:
                db.execute(delete(table))
        db.execute(delete(User).where(~User.email.like("%@demo.example")))


def status_of(response) -> Any:
    """The status, with a redirect to the login page told apart from other redirects."""
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith("/login"):
        return LOGIN
    return response.status_code


def readable(response) -> str:
    """What a person could read in the answer: its text, or a ZIP's names and text files."""
    ctype = response.headers.get("content-type", "")
    if "zip" in ctype:
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        texts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                 if n.endswith((".json", ".txt", ".csv", ".html"))]
        return " ".join([*archive.namelist(), *texts])
    return response.text if any(t in ctype for t in TEXT_TYPES) else ""
