"""Benchmark 3: a 200 MB attachment through the API into S3, against a direct SDK put."""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from minio import Minio

from bench import database
from bench.common import VAR, log, ratio, read_peak_rss, reset_peak_rss, target
from bench.services import app_env, app_server, issue_tokens
from tests.s3server import S3Server

SIZE = 200 * 1024 * 1024
SMALL_DB = "bench_small"
MB = 1024 * 1024


def make_scan(path: Path, size: int = SIZE) -> None:
    """A large scanned-PDF-like file: a PDF header, random bytes, an end-of-file marker."""
    with open(path, "wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        left = size - 64
        while left > 0:
            block = os.urandom(min(left, 8 * MB))
            out.write(block)
            left -= len(block)
        out.write(b"\ntrailer\n<< /Size 1 >>\n%%EOF\n".ljust(size - out.tell(), b" "))


def run(*, quick: bool, s3: S3Server) -> dict[str, Any]:
    """Alternate direct puts and API uploads of fresh files; medians of the throughputs."""
    url = database.recreate(SMALL_DB)
    _seed(url)
    token = issue_tokens(url, ["founder@demo.example"])["founder@demo.example"]
    env = app_env(url, s3=s3, extra={"MAX_UPLOAD_BYTES": str(SIZE + MB)})
    client = Minio(s3.endpoint, s3.access_key, s3.secret_key, secure=False)  # SDK defaults
    if not client.bucket_exists("bench-direct"):
        client.make_bucket("bench-direct")
    runs = 2 if quick else 5
    direct_s, api_s, growth = [], [], []
    path = VAR / "scan.pdf"
    with app_server(env, name="uploads") as server, httpx.Client(
            base_url=server.url, timeout=600,
            headers={"Authorization": f"Bearer {token}"}) as http:
        for n in range(runs):
            make_scan(path)  # fresh bytes: the store keeps one copy per content hash
            dossier_id = http.post("/api/v1/dossiers", json={}).json()["id"]
            for step in (("direct", "api") if n % 2 == 0 else ("api", "direct")):
                if step == "direct":
                    started = time.perf_counter()
                    client.fput_object("bench-direct", f"scan-{n}.pdf", str(path))
                    direct_s.append(time.perf_counter() - started)
                else:
                    seconds, grown = _upload(http, server.pid, dossier_id, path)
                    api_s.append(seconds)
                    growth.append(grown)
            log(f"upload run {n + 1}/{runs}: direct {direct_s[-1]:.2f} s, "
                f"API {api_s[-1]:.2f} s, server memory +{growth[-1] / MB:.1f} MB")
    path.unlink(missing_ok=True)
    direct_mbps = round(SIZE / MB / statistics.median(direct_s), 1)
    api_mbps = round(SIZE / MB / statistics.median(api_s), 1)
    peak_mb = round(max(growth) / MB, 1)
    value = ratio(api_mbps, direct_mbps)
    return {"size_mb": SIZE // MB, "runs": runs, "ours_mb_per_s": api_mbps,
            "raw_mb_per_s": direct_mbps, "ratio": value,
            "ours_seconds": [round(s, 2) for s in api_s],
            "raw_seconds": [round(s, 2) for s in direct_s],
            "server_peak_memory_growth_mb": peak_mb,
            "targets": [target(value is not None and value >= 0.7, "≥ 0.7× direct put"),
                        target(peak_mb <= 64, "server peak memory growth ≤ 64 MB")]}


def _seed(url: str) -> None:
    from app.demo import seed_demo
    from dossier.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        seed_demo(db=db, password="demo1234")  # noqa: S106  (the documented demo password)
    engine.dispose()


def _upload(http: httpx.Client, pid: int, dossier_id: str, path: Path) -> tuple[float, int]:
    """Seconds for one API upload, and the server's peak RSS growth meanwhile (bytes)."""
    baseline, _ = read_peak_rss(pid)
    exact = reset_peak_rss(pid)
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:  # where the kernel's peak cannot be reset
        while not done.wait(0.01):
            peak[0] = max(peak[0], read_peak_rss(pid)[0])

    sampler = None if exact else threading.Thread(target=sample, daemon=True)
    if sampler:
        sampler.start()
    started = time.perf_counter()
    with open(path, "rb") as body:
        response = http.post(f"/api/v1/dossiers/{dossier_id}/attachments",
                             files={"file": ("scan.pdf", body, "application/pdf")},
                             data={"kind": "other"})
    seconds = time.perf_counter() - started
    done.set()
    if response.status_code != 201:
        raise RuntimeError(f"upload: {response.status_code} {response.text[:300]}")
    high = read_peak_rss(pid)[1] if exact else peak[0]
    return seconds, max(0, high - baseline)
