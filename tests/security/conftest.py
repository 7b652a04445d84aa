"""The world of the access tests, built once per test module (see access_world.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app import rendering
from app.main import create_app
from app.settings import AppSettings
from app.web.founder import status as founder_status
from storage.filesystem import FilesystemStore
from tests.helpers import minimal_pdf
from tests.security.access_world import SECRET, World, build_world, wipe
from workflows import documents


@pytest.fixture(scope="module")
def world(database_url, engine, tmp_path_factory) -> Iterator[World]:
    """One app and one set of dossiers for a whole test module."""
    settings = AppSettings(database_url=database_url,
                           secret_key=SECRET.decode(), max_upload_bytes=2 * 1024 * 1024,
                           upload_spool_dir=None, routing_in_background=False)
    store = FilesystemStore(tmp_path_factory.mktemp("access-objects"), secret=SECRET)
    app = create_app(settings, engine=engine, store=store)
    try:
        with pytest.MonkeyPatch.context() as patch, TestClient(app) as client:
            # Who may fetch a PDF is the question here, not how it looks (tests/forms): a
            # stand-in renderer keeps the matrix quick.
            for module, name in ((rendering, "render_dossier_pdf"),
                                 (documents, "render_dossier_pdf"),
                                 (founder_status, "render_receipt_pdf")):
                patch.setattr(module, name, lambda *_a, **_k: minimal_pdf("rendered"))
            yield build_world(app, client)
    finally:
        wipe(app.state.dossier.sessions)
