"""Access beyond the matrix: withdrawal, ids mixed across owners, signed links, credentials.

Runs in the same world as tests/security/test_access_matrix.py (see access_world.py).
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from app.web.common.deps import SESSION_COOKIE
from dossier.db import transaction
from dossier.models import Attachment
from dossier.services import users
from storage import signing
from storage.base import MAX_LINK_TTL
from storage.signing import sign_link, verify_link
from tests.helpers import minimal_pdf
from tests.security.access_world import (
    EMAILS,
    LOGIN,
    ON_SQLITE,
    SECRET,
    World,
    readable,
    signed_in,
    status_of,
)


@ON_SQLITE
def test_withdrawal_cuts_the_partner_off_everywhere(world: World):
    ampa, route = world.actors["withdrawn_reviewer"], world.routes_a["ampa"]
    api = [f"/api/v1/routes/{route}", f"/api/v1/routes/{route}/pdf",
           f"/api/v1/routes/{route}/messages", f"/api/v1/routes/{route}/events",
           f"/api/v1/routes/{route}/attachments/{world.attachment_a}/content"]
    pages = [f"/reviewer/routes/{route}", f"/reviewer/routes/{route}/pdf",
             f"/reviewer/routes/{route}/attachments.zip",
             f"/reviewer/routes/{route}/attachments/{world.attachment_a}"]
    assert {p: ampa.api.get(p).status_code for p in api} == dict.fromkeys(api, 404)
    assert {p: ampa.web.get(p).status_code for p in pages} == dict.fromkeys(pages, 404)
    assert ampa.api.get("/api/v1/inbox").json()["items"] == []
    assert route not in ampa.web.get("/reviewer").text
    # The founder still sees the route, withdrawn, with its history.
    owner = world.actors["owner"].api.get(f"/api/v1/routes/{route}").json()
    assert owner["state"] == "withdrawn"


@ON_SQLITE
def test_a_document_reaches_a_partner_only_once_sent_to_it(world: World):
    owner, cepac, bpmed = (world.actors[n] for n in ("owner", "reviewer", "other_reviewer"))
    r = owner.api.post(f"/api/v1/dossiers/{world.dossier_a}/attachments",
                       files={"file": ("late-bilan.pdf", minimal_pdf("late"), "application/pdf")},
                       data={"kind": "financial_statements"})
    assert r.status_code == 201, r.text
    late, to_cepac, to_bpmed = r.json()["id"], world.routes_a["cepac"], world.routes_a["bpmed"]

    def reach() -> tuple[int, int, int, int]:
        return (cepac.api.get(f"/api/v1/routes/{to_cepac}/attachments/{late}/content").status_code,
                cepac.web.get(f"/reviewer/routes/{to_cepac}/attachments/{late}").status_code,
                bpmed.api.get(f"/api/v1/routes/{to_bpmed}/attachments/{late}/content").status_code,
                bpmed.web.get(f"/reviewer/routes/{to_bpmed}/attachments/{late}").status_code)

    assert reach() == (404, 404, 404, 404)  # uploaded after sending: no partner has it
    r = owner.api.post(f"/api/v1/routes/{to_cepac}/messages",
                       json={"body": "Le bilan demandé", "attachment_ids": [late]})
    assert r.status_code == 201, r.text
    assert reach() == (200, 200, 404, 404)  # sent to cepac only
    for who, route, sent in ((cepac, to_cepac, True), (bpmed, to_bpmed, False)):
        names = readable(who.web.get(f"/reviewer/routes/{route}/attachments.zip"))
        assert ("late-bilan" in names) is sent


@ON_SQLITE
def test_a_reviewer_searches_its_own_partner_only(world: World):
    cepac, bpmed = world.actors["reviewer"], world.actors["other_reviewer"]
    for q in ("Betaleak", "beta"):
        assert cepac.api.get("/api/v1/inbox", params={"q": q}).json()["items"] == []
        assert world.route_b not in cepac.web.get("/reviewer", params={"q": q}).text
    found = bpmed.api.get("/api/v1/inbox", params={"q": "Betaleak"}).json()["items"]
    assert [i["id"] for i in found] == [world.route_b]


@ON_SQLITE
def test_ids_of_different_owners_cannot_be_combined(world: World):
    owner, cepac = world.actors["owner"], world.actors["reviewer"]
    theirs, mine, route = world.attachment_b, world.dossier_a, world.routes_a["cepac"]
    for path in (f"/api/v1/dossiers/{mine}/attachments/{theirs}/content",
                 f"/api/v1/dossiers/{mine}/attachments/{theirs}/link"):
        assert owner.api.get(path).status_code == 404, path
    assert owner.api.delete(f"/api/v1/dossiers/{mine}/attachments/{theirs}").status_code == 404
    assert owner.web.get(f"/founder/dossiers/{mine}/attachments/{theirs}").status_code == 404
    for path in ("messages", "withdraw"):
        r = owner.web.post(f"/founder/dossiers/{mine}/routes/{world.route_b}/{path}",
                           data={"csrf": owner.csrf, "body": "Bonjour", "confirm": "yes"})
        assert r.status_code == 404, path
    assert cepac.api.get(f"/api/v1/routes/{route}/attachments/{theirs}/content"
                         ).status_code == 404
    assert cepac.web.get(f"/reviewer/routes/{route}/attachments/{theirs}").status_code == 404
    # A message may only point at documents of its own dossier.
    for who in (owner, cepac):
        r = who.api.post(f"/api/v1/routes/{route}/messages",
                         json={"body": "Voir pièce", "attachment_ids": [theirs]})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "attachment_ids[0]"
    # A route is handed only to a reviewer of its own partner.
    bpmed = user_id(world, EMAILS["other_reviewer"])
    r = cepac.web.post(f"/reviewer/routes/{route}/assign",
                       data={"csrf": cepac.csrf, "assignee": bpmed})
    assert r.status_code == 422


def user_id(world: World, email: str) -> str:
    with transaction(world.app.state.dossier.sessions) as db:
        return str(users.get_by_email(db=db, email=email).id)


def storage_key(world: World, attachment_id: str) -> str:
    with transaction(world.app.state.dossier.sessions) as db:
        return db.get(Attachment, uuid.UUID(attachment_id)).storage_key


class _Later(datetime):
    """`datetime` as `storage.signing` sees it, 15 minutes and one second from now."""

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + MAX_LINK_TTL + timedelta(seconds=1)


@ON_SQLITE
def test_signed_links_expire_within_15_minutes(world: World, monkeypatch):
    owner, stranger = world.actors["owner"], TestClient(world.app)
    link = owner.api.get(f"/api/v1/dossiers/{world.dossier_a}/attachments/"
                         f"{world.attachment_a}/link").json()
    token = link["url"].rsplit("/", 1)[1]
    claims = verify_link(SECRET, token)
    assert link["expires_in"] <= 15 * 60
    assert claims.expires_at <= datetime.now(UTC) + MAX_LINK_TTL
    assert stranger.get(link["url"]).content == minimal_pdf("alpha kbis")
    key = storage_key(world, world.attachment_a)
    past = sign_link(SECRET, key, datetime.now(UTC) - timedelta(seconds=1))
    assert stranger.get(f"/api/v1/blobs/{past}").status_code == 404
    with pytest.raises(ValueError):
        world.app.state.dossier.store.signed_url(key, expires=MAX_LINK_TTL + timedelta(1))
    monkeypatch.setattr(signing, "datetime", _Later)
    r = stranger.get(link["url"])
    assert r.status_code == 404 and r.json()["code"] == "link_invalid"


@ON_SQLITE
def test_signed_links_are_bound_to_one_object(world: World):
    stranger = TestClient(world.app)
    token = world.link_token
    body, mac = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    other_key = storage_key(world, world.attachment_b)
    assert other_key != claims[0]
    forged = [[other_key, *claims[1:]],                    # another founder's file
              [claims[0], claims[1] + 3600, *claims[2:]],  # a longer life
              [*claims[:2], "page.html", "text/html"],     # served as something else
              ["../../secret_key", *claims[1:]]]           # out of the store
    tokens = [f"{_b64(json.dumps(c).encode())}.{mac}" for c in forged]
    other_link = sign_link(SECRET, other_key, datetime.now(UTC) + timedelta(minutes=5))
    tokens += [f"{body}.{other_link.split('.')[1]}",       # another link's signature
               f"{body}.{mac[:-2]}", body, f"{body}..{mac}", f"{body}.{mac}%00"]
    for forged_token in tokens:
        r = stranger.get(f"/api/v1/blobs/{forged_token}")
        assert r.status_code == 404, forged_token
    assert stranger.get(f"/api/v1/blobs/{token}").content == minimal_pdf("alpha kbis")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@ON_SQLITE
def test_tokens_and_sessions_do_not_stand_in_for_each_other(world: World):
    owner = world.actors["owner"].fresh()
    bearer = owner.api.headers["Authorization"].removeprefix("Bearer ")
    session = owner.web.cookies[SESSION_COOKIE]
    # A page session does not open the API (so a forged cross-site request cannot use it)...
    assert TestClient(world.app, cookies={SESSION_COOKIE: session}).get(
        "/api/v1/me").status_code == 401
    assert TestClient(world.app, headers={"Authorization": f"Bearer {session}"}).get(
        "/api/v1/me").status_code == 401
    # ...and an API token does not open the pages.
    r = TestClient(world.app, cookies={SESSION_COOKIE: bearer}).get(
        "/founder", follow_redirects=False)
    assert status_of(r) == LOGIN
    # After logging out, neither works any more.
    assert owner.api.post("/api/v1/auth/logout").status_code == 204
    assert owner.api.get("/api/v1/me").status_code == 401
    assert owner.web.post("/logout", data={"csrf": owner.csrf},
                          follow_redirects=False).status_code == 303
    r = TestClient(world.app, cookies={SESSION_COOKIE: session}).get(
        "/founder", follow_redirects=False)
    assert status_of(r) == LOGIN


@ON_SQLITE
def test_an_export_is_seen_by_the_staff_member_who_started_it_only(world: World):
    with transaction(world.app.state.dossier.sessions) as db:
        users.create_user(db=db, email="autre.staff@access.example", password="x" * 12,
                          role="staff")
    colleague = signed_in(world.app, "staff", "autre.staff@access.example", "")
    for tail in ("", "/status", "/download"):
        assert colleague.web.get(f"/staff/exports/{world.job_id}{tail}").status_code == 404
