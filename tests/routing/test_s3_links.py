"""In S3 mode, every link handed out is under PUBLIC_URL and served by the app from S3."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

import pytest

from storage import MAX_LINK_TTL, signing
from storage.s3 import S3Store
from tests.conftest import login
from tests.routing.conftest import submit_delivered

pytestmark = pytest.mark.s3
PUBLIC_URL = "https://dossiers.example.org"
BLOBS = f"{PUBLIC_URL}/api/v1/blobs/"


@pytest.fixture
def settings(settings):
    """The app as partners reach it: behind a public address, not the S3 server's."""
    return settings.model_copy(update={"public_url": PUBLIC_URL})


@pytest.fixture
def store(s3_server, tmp_path, monkeypatch):
    """STORAGE_BACKEND=s3: the objects live in a bucket of this test's own."""
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    return S3Store(s3_server.endpoint, s3_server.access_key, s3_server.secret_key,
                   f"t-{uuid.uuid4().hex[:16]}", spool_dir=tmp_path / "spool")


class _Later(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + MAX_LINK_TTL + timedelta(seconds=1)


def _sha256(client, url: str, headers: dict | None = None) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return hashlib.sha256(response.content).hexdigest()


def test_webhook_and_download_links_are_public_app_links(client, founder, webhook,
                                                         s3_server, monkeypatch):
    dossier_id, routes = submit_delivered(client, founder)

    [hook] = webhook.received
    data = hook.json()["data"]
    urls = [data["pdf"]["url"]] + [item["url"] for item in data["attachments"]]
    assert data["attachments"] and all(url.startswith(BLOBS) for url in urls), urls
    assert s3_server.endpoint not in str(data)
    assert _sha256(client, data["pdf"]["url"]) == data["pdf"]["sha256"]
    for item in data["attachments"]:
        assert _sha256(client, item["url"]) == item["sha256"]

    attachments = client.get(f"/api/v1/dossiers/{dossier_id}/attachments",
                             headers=founder).json()
    for item in attachments[:2]:
        link = client.get(f"/api/v1/dossiers/{dossier_id}/attachments/{item['id']}/link",
                          headers=founder)
        assert link.status_code == 200, link.text
        assert link.json()["url"].startswith(BLOBS)
        assert _sha256(client, link.json()["url"]) == item["sha256"]
    cic = login(client, "cic@demo.example")  # reviewers download through the app itself
    item = attachments[0]
    assert _sha256(client, f"/api/v1/routes/{routes['cic']}/attachments/{item['id']}/content",
                   headers=cic) == item["sha256"]

    tampered = data["pdf"]["url"][:-3] + ("AAA" if not data["pdf"]["url"].endswith("AAA")
                                          else "BBB")
    assert client.get(tampered).status_code == 404
    monkeypatch.setattr(signing, "datetime", _Later)
    expired = client.get(data["pdf"]["url"])
    assert expired.status_code == 404 and expired.json()["code"] == "link_invalid"
