"""The app under uvicorn, as the benchmarks run it: `python -m bench.serve --port P`.

The app and the floor (bench/floor.py) are both served as `dossier serve` serves the app:
the bounded httptools protocol, no proxy headers. Only the access log is off (the same for
both; production keeps it).

With BENCH_RENDER_LOG set, every PDF render appends a line to that file (to count renders
per version); nothing else is changed in the app under test.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def count_renders(log_path: Path) -> None:
    """Wrap the start of every version render (here or in a PDF process) so that each
    leaves a line."""
    import threading

    from workflows import documents

    real = documents.start_render
    lock = threading.Lock()

    def counted(pool, content, options):
        with lock, open(log_path, "a", encoding="utf-8") as out:
            out.write(f"{options.get('content_hash')} {options.get('version')}\n")
        return real(pool, content, options)

    documents.start_render = counted


def main() -> None:
    """Start uvicorn on the app factory, with the benchmark's instrumentation."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--app", default="app.main:create_app",
                        help="the app factory (bench.floor:create_app for the bare stack)")
    args = parser.parse_args()
    if os.environ.get("BENCH_RENDER_LOG"):
        count_renders(Path(os.environ["BENCH_RENDER_LOG"]))
    import uvicorn

    from app.http_limits import BoundedHttpToolsProtocol

    uvicorn.run(args.app, factory=True, host="127.0.0.1", port=args.port,
                workers=args.workers, http=BoundedHttpToolsProtocol, proxy_headers=False,
                access_log=False,
                log_level=os.environ.get("BENCH_LOG_LEVEL", "warning"))


if __name__ == "__main__":
    main()
