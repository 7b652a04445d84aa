"""Browser tests: the app served on loopback, driven by Playwright in Debian's Chromium.

They run on PostgreSQL only, the database of production (docs/production.md). What they add
is the browser: scripts, forms, focus, layout, axe-core. The server side of every page they
open runs on SQLite too in the TestClient page tests (tests/web, tests/api, tests/security),
and `make run`'s embedded SQLite is served for real by tests/test_live_server.py and
tests/test_serve_process.py. Both databases ran every browser test before: 2 x 9 minutes of
a 30-minute suite, for checks no database changes.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from app.main import create_app
from app.settings import AppSettings
from storage.filesystem import FilesystemStore
from tests.conftest import service_missing
from tests.helpers import wait_until
from tests.registry_server import RegistryServer

# What the session-wide `database_url` fixture is narrowed to in this folder (see above).
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every browser test that reaches the database runs on PostgreSQL alone."""
    if "database_url" in metafunc.fixturenames:
        metafunc.definition.add_marker(ON_POSTGRESQL)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(engine, database_url, objects: Path, **settings: Any) -> Iterator[str]:
    """The whole app (pages, API, background routing) on a free loopback port; `settings`
    override the test defaults (the registry is a closed port unless told)."""
    port = free_port()
    settings = {"registry_url": "http://127.0.0.1:9", **settings}  # never the real registry
    app = create_app(AppSettings(database_url=database_url, secret_key="e2e-secret",
                                 public_url=f"http://127.0.0.1:{port}", reconcile_interval=0.5,
                                 delivery_retry_delay=0.2, **settings),
                     engine=engine, store=FilesystemStore(objects, secret=b"e2e-secret"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, what="the live server to start", every=0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def live_server(engine, database_url, prefect_harness, tmp_path_factory) -> Iterator[str]:
    """The whole app on a free loopback port, the company registry out of reach."""
    with serve(engine, database_url, tmp_path_factory.mktemp("e2e-objects")) as base:
        yield base


@pytest.fixture(scope="module")
def registry_live(engine, database_url, prefect_harness, tmp_path_factory
                  ) -> Iterator[tuple[str, RegistryServer]]:
    """The whole app, its REGISTRY_URL the local fake registry (tests/registry_server.py):
    (base URL, the fake registry, whose companies and misbehaviour a test sets)."""
    with RegistryServer() as registry, serve(engine, database_url,
                                              tmp_path_factory.mktemp("e2e-objects"),
                                              registry_url=registry.url,
                                              registry_timeout=1.0) as base:
        yield base, registry


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (its event loop ends with the module)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        service_missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, sessions, request):
    """Open a fresh browser context (desktop by default, `phone=True` for a phone)."""
    contexts = []

    def make(phone: bool = False, lang: str = "fr-FR"):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, locale=lang)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.wait_for_load_state("load")  # charts are <img>: wait until they are drawn
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, email: str, password: str = "demo1234") -> None:
    """Log in through the form."""
    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
