"""Opinion fixtures: a dossier delivered to CEPAC and BPMed (no Prefect), CEPAC's reviewer,
an expert's browser opened on its e-mailed link."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from dossier.db import transaction
from dossier.models import Opinion
from dossier.opinions import today
from dossier.services import opinions
from tests.audit.conftest import delivered  # noqa: F401  (the fixture)
from tests.conftest import login
from tests.helpers import minimal_pdf
from workflows import documents

SECRET = b"test-secret"  # the test app's secret (tests/conftest.py)
EXPERT = "expert@cabinet.example"
QUESTION = "Le plan de trésorerie tient-il sans la subvention régionale ?"


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """Who may fetch the PDF is the question here, not how it looks (tests/forms)."""
    monkeypatch.setattr(documents, "render_dossier_pdf", lambda *_a, **_k: minimal_pdf("pdf"))


@pytest.fixture
def cepac(client) -> dict[str, str]:
    """Headers of CEPAC's demo reviewer."""
    return login(client, "cepac@demo.example")


def in_days(n: int) -> str:
    """The day `n` days after today in Paris, as the API takes it."""
    return (today() + timedelta(days=n)).isoformat()


def invite(client, headers, route_id: str, **body) -> dict:
    """Invite the expert on the route (201), with a question and a fortnight by default."""
    r = client.post(f"/api/v1/routes/{route_id}/opinions", headers=headers,
                    json={"email": EXPERT, "question": QUESTION, "expires_on": in_days(14),
                          **body})
    assert r.status_code == 201, r.text
    return r.json()


def link_of(sessions, opinion_id: str) -> str:
    """The path of the e-mailed link (signed with the test app's secret)."""
    with sessions() as db:
        row = db.get(Opinion, uuid.UUID(opinion_id))
        return f"/expert?token={opinions.link_token(SECRET, row)}"


def expert_browser(client, sessions, opinion_id: str) -> TestClient:
    """A browser that opened the expert's link (its cookie kept), landing on the dossier."""
    expert = TestClient(client.app)
    r = expert.get(link_of(sessions, opinion_id), follow_redirects=False)
    assert r.status_code == 303, r.text
    return expert


def set_expiry(sessions, opinion_id: str, day: date) -> None:
    """Move an invitation's last day (as time passing would)."""
    with transaction(sessions) as db:
        db.get(Opinion, uuid.UUID(opinion_id)).expires_on = day


def page_csrf(html: str) -> str:
    """The CSRF token of a page's form."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
