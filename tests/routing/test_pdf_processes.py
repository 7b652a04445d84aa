"""PDFs rendered in separate processes: the same document, a dead child replaced, each route
delivered once with one render per version."""

from __future__ import annotations

import io
import os
import signal
import uuid
from collections import Counter
from datetime import UTC, datetime
from functools import partial

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from dossier.models import Delivery, DossierVersion, RenderedDocument, Route
from forms.pdf import render_dossier_pdf
from tests.helpers import full_dossier, submit
from tests.routing.pdf_children import die_once
from workflows import documents, pdf_processes
from workflows.routing import reconcile

OPTIONS = {"attachments": [], "partners": {"cepac": "CEPAC"}, "version": 2,
           "content_hash": "ab" * 32, "generated_at": datetime(2026, 11, 27, 9, tzinfo=UTC)}


@pytest.fixture
def pool():
    """Two PDF processes for this test (the suite renders in-process otherwise)."""
    yield pdf_processes.use_pool(2)
    pdf_processes.use_pool(None)


@pytest.fixture
def renders(monkeypatch) -> Counter:
    """Renders started, by version (content hash and number)."""
    started: Counter = Counter()
    real = documents.start_render

    def counted(pool, content, options):
        started[(options["content_hash"], options["version"])] += 1
        return real(pool, content, options)

    monkeypatch.setattr(documents, "start_render", counted)
    return started


def text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_a_child_renders_the_same_pdf_as_this_process(pool):
    content = full_dossier(name="Photonis Sud")
    here = render_dossier_pdf(content, **OPTIONS)
    there = pool.submit(content, OPTIONS).result(timeout=300)
    assert text(there) == text(here) and "Photonis Sud" in text(there)[1]
    assert there == here  # the renderer is deterministic: same inputs, same bytes


def test_a_killed_child_is_replaced_and_its_version_rendered_again(
        client, founder, app, sessions, pool, renders):
    [dossier_id] = submitted_burst(client, founder, app, 1)
    pool.submit({}, {"attachments": []}).result(timeout=300)
    [victim, *_] = pool.pids()
    os.kill(victim, signal.SIGKILL)
    with sessions() as db:
        version_id = db.scalar(select(DossierVersion.id)
                               .where(DossierVersion.dossier_id == uuid.UUID(dossier_id)))
    row = documents.ensure_version_pdf(app.state.dossier.runtime, version_id)
    pdf = b"".join(app.state.dossier.store.open(row.storage_key))
    assert text(pdf)[0] > 1 and "Rafale 0" in text(pdf)[1]
    assert victim not in pool.pids()
    assert sum(renders.values()) <= 2


def submitted_burst(client, founder, app, count: int) -> list[str]:
    """`count` dossiers submitted while the dispatcher is stopped: one run routes them all."""
    app.state.dossier.dispatcher.stop()
    return [submit(client, founder, full_dossier(name=f"Rafale {i}"))["dossier_id"]
            for i in range(count)]


def assert_each_route_delivered_once(sessions, dossiers: list[str], renders: Counter) -> None:
    with sessions() as db:
        routes = db.scalars(select(Route)).all()
        rows = db.scalars(select(Delivery)).all()
        rendered = db.scalar(select(func.count()).select_from(RenderedDocument))
    assert {str(r.dossier_id) for r in routes} == set(dossiers)
    assert {r.state for r in routes} == {"delivered"}
    assert len(rows) == len(routes) and {d.status for d in rows} == {"delivered"}
    assert {d.attempts for d in rows} == {1}
    assert rendered == len(dossiers)
    assert len(renders) == len(dossiers)


def test_a_burst_renders_in_parallel_and_delivers_each_route_once(
        client, founder, app, sessions, pool, renders):
    dossiers = submitted_burst(client, founder, app, 3)
    outcome = reconcile()
    assert outcome["pdfs"] == 3 and outcome["delivered"] == outcome["claimed"]
    assert_each_route_delivered_once(sessions, dossiers, renders)
    assert set(renders.values()) == {1}


def test_a_child_dying_mid_burst_costs_a_render_not_a_delivery(
        client, founder, app, sessions, pool, renders, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_processes, "render", partial(die_once, str(tmp_path / "died")))
    dossiers = submitted_burst(client, founder, app, 3)
    outcome = reconcile()
    assert (tmp_path / "died").exists()
    assert outcome["pdfs"] == 3 and outcome["delivered"] == outcome["claimed"]
    assert_each_route_delivered_once(sessions, dossiers, renders)
    # The renders under way or queued when the child died start again, once.
    assert max(renders.values()) == 2

