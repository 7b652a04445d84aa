"""Benchmark 4: the dossier PDF against a bare WeasyPrint render of the same HTML."""

from __future__ import annotations

import hashlib
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from weasyprint import CSS, HTML

from banks.catalogue import DEFAULT_CATALOGUE, load_catalogue
from bench.common import log, ratio, target
from forms.fetcher import ASSETS_URL
from forms.pdf import STYLESHEET, render_dossier_html, render_dossier_pdf
from tests.helpers import full_dossier

KINDS = ("kbis", "statuts", "business_plan", "forecast", "rib", "financial_statements",
         "pitch_deck", "cap_table", "id_founder")


def document() -> dict[str, Any]:
    """What the routing flow passes to the renderer for a full dossier (3 founders,
    3 years of history, 10 sources, 9 attachments)."""
    content = full_dossier()
    attachments = [{"id": f"00000000-0000-4000-8000-00000000000{i}", "kind": kind,
                    "filename": f"{kind}.pdf", "content_type": "application/pdf",
                    "size": 48_213 + i, "sha256": hashlib.sha256(kind.encode()).hexdigest(),
                    "created_at": "2026-11-20T10:00:00+00:00"} for i, kind in enumerate(KINDS)]
    partners = {p.code: p.name for p in load_catalogue(DEFAULT_CATALOGUE).partners}
    return {"content": content, "attachments": attachments, "partners": partners,
            "version": 1, "content_hash": hashlib.sha256(b"bench").hexdigest(),
            "generated_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC)}


def run(*, quick: bool) -> dict[str, Any]:
    """Median time of ours and of the bare render, interleaved."""
    doc = document()
    html = render_dossier_html(doc["content"], attachments=doc["attachments"],
                               partners=doc["partners"], version=doc["version"],
                               content_hash=doc["content_hash"],
                               generated_at=doc["generated_at"])
    content = doc.pop("content")

    def ours() -> bytes:
        return render_dossier_pdf(content, **doc)

    def bare() -> bytes:
        return HTML(string=html, base_url=ASSETS_URL).write_pdf(
            stylesheets=[CSS(filename=str(STYLESHEET))])

    ours(), bare()  # warm-up: fonts, caches
    runs = 5 if quick else 15
    ours_s, bare_s, sizes = [], [], {}
    for _ in range(runs):
        for name, render, samples in (("ours", ours, ours_s), ("bare", bare, bare_s)):
            started = time.perf_counter()
            sizes[name] = len(render())
            samples.append(time.perf_counter() - started)
    ours_ms = round(statistics.median(ours_s) * 1000, 1)
    bare_ms = round(statistics.median(bare_s) * 1000, 1)
    value = ratio(ours_ms, bare_ms)
    log(f"pdf: ours {ours_ms} ms, bare WeasyPrint {bare_ms} ms (ratio {value})")
    return {"runs": runs, "ours_ms": ours_ms, "raw_ms": bare_ms, "ratio": value,
            "ours_samples_ms": [round(s * 1000, 1) for s in ours_s],
            "raw_samples_ms": [round(s * 1000, 1) for s in bare_s],
            "pdf_bytes": sizes,
            "targets": [target(value is not None and value <= 1.2, "≤ 1.2× bare WeasyPrint")]}
