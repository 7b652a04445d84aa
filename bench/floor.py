"""The stack's floor: FastAPI + a sync endpoint + one SQLAlchemy query, and nothing else.

Served like the app (uvicorn, one process) and loaded like it, this answers what p95 the
framework alone reaches under the same 20 clients on the same machine: no endpoint built
on it can do better.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from sqlalchemy import create_engine, text


def create_app() -> FastAPI:
    """A bare app on the benchmark's database: /api/v1/health and /floor."""
    engine = create_engine(os.environ["DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1), pool_size=20)
    app = FastAPI()

    @app.get("/api/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/floor")
    def floor() -> dict[str, Any]:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT 1")).scalar_one()
        return {"items": [], "total": value}

    return app
