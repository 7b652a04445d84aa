"""Shared fixtures: the suite runs on SQLite and on PostgreSQL, against real services."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.engine import Engine, make_url

from app.demo import seed_demo
from app.main import create_app
from app.migrate import upgrade
from app.settings import AppSettings
from banks.submission import BankEligibility
from dossier import security
from dossier.db import Base, make_engine, make_sessionmaker, transaction
from dossier.models import RouteTally, User
from dossier.services import submission
from storage.filesystem import FilesystemStore
from tests.helpers.dossiers import full_dossier, settle_deliveries, submit
from tests.helpers.pages import DEMO_PASSWORD
from tests.registry_server import KNOWN_SIREN, RegistryServer, app_asking, company
from tests.s3server import S3Server, S3ServerError, start_s3_server
from tests.smtp_server import SMTPServer

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry calls out
os.environ.pop("PREFECT_API_URL", None)  # a developer's shell must not send tests to workers
# PDFs render in-process, where tests swap the renderer; tests/routing/test_pdf_processes.py
# runs the pool of PDF processes.
os.environ.setdefault("PDF_PROCESSES", "0")
IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
FIXTURES = Path(__file__).parent / "fixtures"
KEEP_TABLES = {"partners", "users"}

submission.use_eligibility(BankEligibility())  # as the app does at start-up, for service tests


def _verify_each_pair_once() -> None:
    """Argon2 verification is a pure function of (password, stored hash) that costs a core
    0.3 s (64 MiB, 3 passes), and the suite logs the same demo accounts in thousands of times:
    in this process each pair is verified for real once, and its answer reused. Hashing stays
    real (a fresh salt each time), and so does every process the suite starts (`dossier
    serve`, where the login-throttling test measures argon2's memory under a spray)."""
    hasher = security._hasher()
    hasher.verify = functools.lru_cache(maxsize=4096)(hasher.verify)


_verify_each_pair_once()


def service_missing(reason: str) -> None:
    """Skip on a developer's machine, fail in CI: nothing is skipped there."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


def _create_pg_database() -> tuple[str, str]:
    name = f"dossier_test_{uuid.uuid4().hex[:10]}"
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL at {PG_URL} unreachable: {exc}")
    return admin, url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin: str, url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        upgrade(url)
        yield url
        return
    admin, url = _create_pg_database()
    try:
        upgrade(url)
        yield url
    finally:
        _drop_pg_database(admin, url)


def seeded_engine(url: str) -> Iterator[Engine]:
    """An engine on a migrated database, with the catalogue and demo accounts seeded; disposed
    when the fixture that yields from it ends."""
    eng = make_engine(url)
    with transaction(make_sessionmaker(eng)) as db:
        seed_demo(db=db, password=DEMO_PASSWORD)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, with the catalogue and demo accounts seeded."""
    yield from seeded_engine(database_url)


@pytest.fixture
def sessions(engine: Engine):
    """A session factory; every row a test writes is removed afterwards."""
    factory = make_sessionmaker(engine)
    yield factory
    with transaction(factory) as db:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP_TABLES:
                db.execute(delete(table))
        db.execute(delete(RouteTally))  # deleting routes appended deltas again
        db.execute(delete(User).where(~User.email.like("%@demo.example")))


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session's flow runs.

    Its server is a child that ends with pytest even if pytest is killed (a CI timeout).
    """
    from unittest import mock

    from prefect.testing.utilities import prefect_test_harness

    from workflows.local_server import ChildServer

    with (mock.patch("prefect.testing.utilities.SubprocessASGIServer", ChildServer),
          prefect_test_harness(server_startup_timeout=120)):
        yield


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real SeaweedFS S3 server on loopback for the session."""
    try:
        server = start_s3_server(tmp_path_factory.mktemp("s3"))
    except S3ServerError as exc:
        service_missing(f"S3 server did not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def smtp(monkeypatch) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback, configured through SMTP_HOST and SMTP_PORT."""
    with SMTPServer() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


@pytest.fixture
def store(tmp_path: Path) -> FilesystemStore:
    """A filesystem object store in a temporary folder."""
    return FilesystemStore(tmp_path / "objects", secret=b"test-secret")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> AppSettings:
    """App settings for one test."""
    return AppSettings(database_url=database_url, secret_key="test-secret",
                       max_upload_bytes=2 * 1024 * 1024, upload_spool_dir=None,
                       routing_in_background=False,
                       registry_url="http://127.0.0.1:9")  # no test asks the real registry


@pytest.fixture
def app(settings: AppSettings, engine: Engine, sessions, store):
    """The app on the test database and store."""
    return create_app(settings, engine=engine, store=store)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    """An HTTP client for the app."""
    with TestClient(app) as c:
        yield c


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Authorization headers for an account."""
    r = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def founder(client: TestClient) -> dict[str, str]:
    """Headers of the demo founder."""
    return login(client, "founder@demo.example")


@pytest.fixture
def staff(client: TestClient) -> dict[str, str]:
    """Headers of the demo staff member."""
    return login(client, "staff@demo.example")


@pytest.fixture
def reg() -> Iterator[RegistryServer]:
    """The fake company registry (tests/registry_server.py), knowing one company: KNOWN_SIREN."""
    with RegistryServer() as server:
        server.companies[KNOWN_SIREN] = company(KNOWN_SIREN)
        yield server


@pytest.fixture
def registry_api(settings, engine, sessions, store, reg) -> Iterator[TestClient]:
    """A client of the app whose company look-ups ask `reg` (0.5 s timeout)."""
    with app_asking(reg, settings, engine, sessions, store, timeout=0.5) as client:
        yield client


@pytest.fixture
def routed(client: TestClient, founder: dict[str, str], sessions) -> dict[str, str]:
    """The full dossier (CEPAC, BPMed, AMPA, Marseille Innovation, BdF) and BNP Paribas,
    delivered to every partner: its id ("dossier") and route ids by partner."""
    body = full_dossier()
    body["requests"].append({"partner": "bnp-paribas", "instrument": "bank_loan",
                             "amount_eur": "100000.00", "duration_months": 60})
    answer = submit(client, founder, body)
    settle_deliveries(sessions)
    return {"dossier": answer["dossier_id"], **{r["partner"]: r["id"] for r in answer["routes"]}}
