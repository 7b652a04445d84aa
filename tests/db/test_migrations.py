"""Migrations produce exactly the models' schema, with named constraints."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from dossier.db import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_constraints_are_named_by_convention(engine):
    insp = inspect(engine)
    assert insp.get_pk_constraint("users")["name"] == "pk_users"
    fks = {fk["name"] for fk in insp.get_foreign_keys("dossiers")}
    assert "fk_dossiers_owner_id_users" in fks


def test_sqlite_runs_in_wal_mode(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
