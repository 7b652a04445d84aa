"""Property-based API testing: every operation of the OpenAPI document, fed generated input.

Checks: no 5xx, every status and content type documented, every body matching its schema.
Bounded (few examples per operation, derandomized, the coverage phase only where it is cheap)
and on SQLite only, so it runs in CI. Path ids point at real objects half the time, so
generated requests reach the services rather than stopping at a 404.
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.python.asgi import get_client
from sqlalchemy import create_engine, delete

from app.main import create_app
from app.settings import AppSettings
from dossier.db import Base, make_sessionmaker, transaction
from dossier.models import User
from storage.filesystem import FilesystemStore
from tests.conftest import KEEP_TABLES, login
from tests.helpers import full_dossier, minimal_pdf

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
BASE_URL = "http://testserver"
# Rendering a PDF or generating a whole dossier body is slow: those get fewer examples.
PDF_PATHS = r"/pdf$"
BODY_PATHS = r"^/api/v1/dossiers(/\{dossier_id\})?$"


def openapi_document() -> dict:
    """The app's OpenAPI document, built without a database (that app is never run)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(AppSettings(secret_key="doc", routing_in_background=False),
                         engine=create_engine("sqlite://"),
                         store=FilesystemStore(Path(tmp), secret=b"doc"))
        return app.openapi()


DOCUMENT = openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
# Without the coverage phase (its many boundary cases): for the slow operations.
lean_schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}}}))
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def api(database_url: str, engine, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """One app for the module, its demo logins, a draft with an attachment; wiped after."""
    app = create_app(AppSettings(database_url=database_url, secret_key="test-secret",
                                 max_upload_bytes=2 * 1024 * 1024, routing_in_background=False),
                     engine=engine,
                     store=FilesystemStore(tmp_path_factory.mktemp("st"), secret=b"st"))
    with TestClient(app) as client:
        founder = login(client, "founder@demo.example")
        dossier_id = client.post("/api/v1/dossiers", headers=founder,
                                 json=full_dossier()).json()["id"]
        r = client.post(f"/api/v1/dossiers/{dossier_id}/attachments", headers=founder,
                        files={"file": ("kbis.pdf", minimal_pdf(), "application/pdf")},
                        data={"kind": "kbis"})
        assert r.status_code == 201, r.text
        yield SimpleNamespace(
            session=get_client(app), founder=founder,
            reviewer=login(client, "cepac@demo.example"),
            ids={"dossier_id": dossier_id, "attachment_id": r.json()["id"]})
    with transaction(make_sessionmaker(engine)) as db:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP_TABLES:
                db.execute(delete(table))
        db.execute(delete(User).where(~User.email.like("%@demo.example")))


def bounded(examples: int):
    """Few examples per operation, the same ones on every run."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


def call(case, api: SimpleNamespace, headers: dict[str, str]) -> None:
    """Point about half of the path ids at real objects, send, validate."""
    for name, value in api.ids.items():
        if name in (case.path_parameters or {}) and zlib.crc32(repr(case).encode()) % 2:
            case.path_parameters[name] = value
    case.call_and_validate(base_url=BASE_URL, session=api.session, headers=headers,
                           checks=CHECKS)


@SQLITE_ONLY
@schema.exclude(path_regex=PDF_PATHS).exclude(path_regex=BODY_PATHS,
                                                method=["POST", "PUT"]).parametrize()
@bounded(20)
def test_api_as_founder(case, api):
    """No generated request gets a 5xx; every answer is documented and matches its schema."""
    call(case, api, api.founder)


@SQLITE_ONLY
@lean_schema.include(path_regex=BODY_PATHS, method=["POST", "PUT"]).parametrize()
@bounded(8)
def test_dossier_bodies_as_founder(case, api):
    """The same for generated dossier contents (large bodies, slow to generate)."""
    call(case, api, api.founder)


@SQLITE_ONLY
@lean_schema.include(path_regex=PDF_PATHS).parametrize()
@bounded(3)
def test_pdf_operations_as_founder(case, api):
    """The same for the PDF renders (each one renders a PDF)."""
    call(case, api, api.founder)


@SQLITE_ONLY
@schema.include(path_regex=r"^/api/v1/(inbox|routes/)").exclude(path_regex=PDF_PATHS).parametrize()
@bounded(10)
def test_reviewer_operations(case, api):
    """A partner's reviewer on the inbox and route operations."""
    call(case, api, api.reviewer)
