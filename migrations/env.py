"""Alembic environment: the app's metadata and DATABASE_URL."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from dossier import models  # noqa: F401  (registers the tables)
from dossier.db import Base, DatabaseSettings, make_engine, normalize_url

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

url = normalize_url(config.attributes.get("database_url") or DatabaseSettings().database_url)


def run_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            _run_without_sqlite_cascades(conn)
        else:
            _run(conn)
    engine.dispose()


def _run_without_sqlite_cascades(conn) -> None:
    """SQLite alters a table by copying it and dropping the original: with foreign keys on,
    that drop would cascade to every child row. They are off while migrating (the pragma
    only takes outside a transaction) and checked, then back on."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    _run(conn)
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    conn.commit()
    if broken:
        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
