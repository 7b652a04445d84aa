"""PostgreSQL databases of the benchmarks on BENCH_DATABASE_URL's server (trust auth)."""

from __future__ import annotations

import os

import psycopg
from sqlalchemy.engine import make_url

TEMPLATE = "bench_template"
SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def url_for(name: str) -> str:
    """The URL of database `name` on the benchmark server."""
    url = make_url(SERVER_URL).set(database=name)
    return url.render_as_string(hide_password=False)


def admin_url() -> str:
    """The maintenance database, for CREATE and DROP DATABASE."""
    return url_for("postgres")


def server_version() -> str:
    """The server's version string."""
    with psycopg.connect(admin_url(), connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def exists(name: str) -> bool:
    """Whether the database exists."""
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is not None


def recreate(name: str) -> str:
    """Drop and create the database empty, migrated to head (a copy of a template); its URL."""
    _ensure_template()
    drop(name)
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return url_for(name)


def _ensure_template() -> None:
    """An empty database at the migration head, copied by `recreate` (faster than migrating)."""
    from app.migrate import upgrade

    head = alembic_head()
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                           "WHERE datname = %s", (TEMPLATE,)).fetchone()
    if row is not None and row[0] == head:
        return
    drop(TEMPLATE)
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    upgrade(url_for(TEMPLATE))
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{TEMPLATE}\" IS '{head}'")


def drop(name: str) -> None:
    """Drop the database if it exists (closing its connections)."""
    with psycopg.connect(admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def alembic_head() -> str:
    """The migration head and a digest of the migration files (a cached database's key)."""
    import hashlib
    from pathlib import Path

    from alembic.script import ScriptDirectory

    from app.migrate import ROOT, alembic_config

    heads = ",".join(sorted(ScriptDirectory.from_config(alembic_config("")).get_heads()))
    digest = hashlib.sha256()
    for path in sorted(Path(ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return f"{heads}:{digest.hexdigest()[:12]}"
