"""Large uploads and downloads stream: memory stays flat whatever the size."""

import hashlib
import os
import time
import tracemalloc
from pathlib import Path

MIB = 1024 * 1024
SIZE_MIB = int(os.environ.get("STORAGE_STREAM_MIB", "200"))


def chunks(count: int, seed: bytes):
    """`count` distinct MiB chunks, made on the fly."""
    block = hashlib.sha256(seed).digest() * (MIB // 32)
    for i in range(count):
        yield i.to_bytes(8, "big") + block[8:]


def peak_rss_kib() -> int | None:
    """Peak resident memory since the last reset (Linux), in KiB."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def reset_peak_rss() -> bool:
    """Reset the peak-RSS mark so that it measures only what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def test_large_upload_and_download_keep_memory_flat(backend):
    seed = os.urandom(16)
    expected = hashlib.sha256()
    for chunk in chunks(SIZE_MIB, seed):
        expected.update(chunk)
    rss_reset = reset_peak_rss()
    rss_before = peak_rss_kib()
    tracemalloc.start()
    try:
        started = time.monotonic()
        stored = backend.store.put_stream(chunks(SIZE_MIB, seed))
        upload_s = time.monotonic() - started
        upload_peak = tracemalloc.get_traced_memory()[1]

        tracemalloc.reset_peak()
        started = time.monotonic()
        downloaded = hashlib.sha256()
        for chunk in backend.store.open(stored.key):
            downloaded.update(chunk)
        download_s = time.monotonic() - started
        download_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth_mib = (peak_rss_kib() - rss_before) / 1024 if rss_reset else None

    print(
        f"\n{backend.name} {SIZE_MIB} MiB: upload {upload_s:.2f}s peak {upload_peak / MIB:.1f} MiB,"
        f" download {download_s:.2f}s peak {download_peak / MIB:.1f} MiB,"
        f" RSS peak growth {rss_growth_mib} MiB"
    )
    assert stored.size == SIZE_MIB * MIB
    assert stored.sha256 == expected.hexdigest() == downloaded.hexdigest()
    assert upload_peak < 16 * MIB
    assert download_peak < 16 * MIB
    if rss_growth_mib is not None:
        assert rss_growth_mib < 64
    assert backend.leftovers() == []
