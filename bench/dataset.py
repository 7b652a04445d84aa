"""The large dataset of the latency benchmark: 100 000 dossiers, 600 000 routes, bulk-loaded.

Loaded once with COPY into the `bench` database and kept: a later run reuses it when the
marker (dataset version, seed, sizes and migration head) matches. When only new migrations
were added since, the kept database is upgraded to the head instead of reloaded.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from bench import database
from bench.common import log
from tests.helpers import full_dossier

NAME = "bench"
VERSION = 3
SEED = 20261127
DOSSIERS = 100_000
PARTNERS_PER_DOSSIER = 6
FOUNDERS = 1_000
FULL_CONTENT_EVERY = 20  # every 20th dossier carries the full content (the status sample)
ATTACHMENTS = ("kbis", "statuts", "business_plan")
SECTORS = ("health", "digital", "energy_environment", "aerospace_mechanics",
           "maritime_logistics", "creative_tourism", "photonics", "other")
INSTRUMENTS = {"bdf": "advice", "cepac": "bank_loan", "ca-alpes-provence": "bank_loan",
               "cic": "bank_loan", "bnp-paribas": "guarantee", "bpmed": "bank_loan",
               "ampa": "equity", "mi-honor-loan": "honor_loan"}
# Two years of history: most routes are decided; the open ones are recent.
STATES = (("approved", 0.35), ("declined", 0.45), ("withdrawn", 0.075), ("queued", 0.005),
          ("delivered", 0.03), ("opened", 0.02), ("in_review", 0.05), ("info_requested", 0.02))
OPEN = {"queued", "delivered", "opened", "in_review", "info_requested"}
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Dataset:
    """Where the dataset is and who can query it."""

    url: str
    founders_with_full_dossiers: list[uuid.UUID]


def marker() -> str:
    """What the loaded data must match to be reused."""
    return (f"v{VERSION} seed={SEED} dossiers={DOSSIERS} routes={DOSSIERS * PARTNERS_PER_DOSSIER}"
            f" head={database.alembic_head()}")


def ensure() -> Dataset:
    """The loaded dataset, loading it first if absent or stale."""
    url = database.url_for(NAME)
    stored = _stored_marker(url) if database.exists(NAME) else None
    if stored != marker() and not _upgraded(url, stored):
        load(url)
    return Dataset(url=url, founders_with_full_dossiers=_sample_owners(url))


def _upgraded(url: str, stored: str | None) -> bool:
    """Bring a kept dataset to the migration head when only migrations were added since it
    was loaded (same data, and its revision is among the migrations); whether it was."""
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config, upgrade

    data, _, head = (stored or "").partition(" head=")
    if data != marker().partition(" head=")[0] or not head:
        return False
    revision = head.partition(":")[0]
    script = ScriptDirectory.from_config(alembic_config(""))
    known = {r.revision for r in script.walk_revisions()}
    if revision not in known or revision in script.get_heads():
        return False  # an unknown revision, or the same head with edited migrations: reload
    log(f"upgrading the kept latency dataset from {revision} to the migration head")
    started = time.monotonic()
    upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE bench_meta SET value = %s WHERE key = 'marker'", (marker(),))
        conn.execute("ANALYZE")
    log(f"dataset upgraded in {time.monotonic() - started:.0f} s")
    return True


def _stored_marker(url: str) -> str | None:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass('bench_meta')").fetchone()
        if row[0] is None:
            return None
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'marker'").fetchone()
        return row[0] if row else None


def _sample_owners(url: str) -> list[uuid.UUID]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT value FROM bench_meta WHERE key = 'sample_owner'").fetchall()
    return [uuid.UUID(r[0]) for r in rows]


def load(url: str) -> None:
    """Recreate the database and bulk-load the dataset (about a minute on 2 cores)."""
    started = time.monotonic()
    log(f"loading the latency dataset ({DOSSIERS} dossiers) into {NAME}")
    url = database.recreate(NAME)
    _seed_catalogue(url)
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(microsecond=0)
    founders = [_uuid(rng) for _ in range(FOUNDERS)]
    full = full_dossier()
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        partners = [r[0] for r in conn.execute("SELECT code FROM partners ORDER BY code")]
        _copy_founders(conn, founders, now)
        _copy_dossiers_and_children(conn, rng, founders, partners, full, now)
        conn.execute("SET session_replication_role = DEFAULT")
        conn.execute("CREATE TABLE bench_meta (key text, value text)")
        sample_owners = [founders[i] for i in range(0, FOUNDERS, FULL_CONTENT_EVERY)]
        conn.execute("INSERT INTO bench_meta VALUES ('marker', %s)", (marker(),))
        for owner in sample_owners:
            conn.execute("INSERT INTO bench_meta VALUES ('sample_owner', %s)", (str(owner),))
        conn.commit()
    _recount_tallies(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    log(f"dataset loaded in {time.monotonic() - started:.0f} s")


def _recount_tallies(url: str) -> None:
    """The replica role skipped the inbox tally triggers too: `dossier db recount`'s work."""
    from dossier.db import make_engine, make_sessionmaker, transaction
    from dossier.services import tallies

    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        tallies.recount(db=db)
    engine.dispose()


def _seed_catalogue(url: str) -> None:
    from app.demo import seed_demo
    from dossier.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as db:
        seed_demo(db=db, password="demo1234")  # noqa: S106  (the documented demo password)
    engine.dispose()


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _copy_founders(conn: psycopg.Connection, founders: list[uuid.UUID], now: datetime) -> None:
    with conn.cursor().copy("COPY users (id, email, password_hash, role, active, created_at) "
                            "FROM STDIN") as copy:
        for i, user_id in enumerate(founders):
            copy.write_row((user_id, f"founder{i:04d}@bench.example", "!", "founder", True, now))


def _copy_dossiers_and_children(conn: psycopg.Connection, rng: random.Random,
                                founders: list[uuid.UUID], partners: list[str],
                                full: dict[str, Any], now: datetime) -> None:
    """Dossiers first (routes and attachments reference them), children spooled in memory."""
    routes: list[tuple[Any, ...]] = []
    attachments: list[tuple[Any, ...]] = []
    weights = [w for _, w in STATES]
    states = [s for s, _ in STATES]
    with conn.cursor().copy(
            "COPY dossiers (id, owner_id, status, content, current_version, created_at, "
            "updated_at, company_name, sector) FROM STDIN") as copy:
        for i in range(DOSSIERS):
            dossier_id, owner = _uuid(rng), founders[i % FOUNDERS]
            name, sector = f"Startup {i:06d}", SECTORS[i % len(SECTORS)]
            chosen = rng.sample(partners, PARTNERS_PER_DOSSIER)
            route_states = rng.choices(states, weights, k=PARTNERS_PER_DOSSIER)
            recent = any(s in OPEN for s in route_states)
            created = now - DAY * (rng.uniform(0, 45) if recent else rng.uniform(45, 730))
            content = _content(full, name, sector, chosen, i)
            copy.write_row((dossier_id, owner, "submitted", json.dumps(content), 1, created,
                            created, name, sector))
            for kind in ATTACHMENTS:
                digest = f"{rng.getrandbits(256):064x}"
                attachments.append((_uuid(rng), dossier_id, kind, f"{kind}.pdf",
                                    "application/pdf", rng.randint(20_000, 2_000_000), digest,
                                    f"sha256/{digest[:2]}/{digest[2:4]}/{digest}", owner,
                                    created))
            for partner, state in zip(chosen, route_states, strict=True):
                routes.append(_route(rng, dossier_id, partner, state, created, now))
    with conn.cursor().copy(
            "COPY attachments (id, dossier_id, kind, filename, content_type, size, sha256, "
            "storage_key, uploaded_by, created_at) FROM STDIN") as copy:
        for row in attachments:
            copy.write_row(row)
    with conn.cursor().copy(
            "COPY routes (id, dossier_id, partner_code, state, instrument, amount_cents, "
            "delivered_version, seen_version, consent_version, consent_at, decision, "
            "created_at, updated_at, delivered_at, first_action_at, decided_at, waiting_since) "
            "FROM STDIN") as copy:
        for row in routes:
            copy.write_row(row)


def _content(full: dict[str, Any], name: str, sector: str, partners: list[str],
             index: int) -> dict[str, Any]:
    requests = [{"partner": p, "instrument": INSTRUMENTS[p], "amount_eur": "100000.00"}
                for p in partners]
    if index % FULL_CONTENT_EVERY == 0:
        return {**full, "company": {**full["company"], "legal_name": name, "sector": sector},
                "requests": requests}
    return {"schema_version": 1, "company": {"legal_name": name, "sector": sector},
            "requests": requests}


def _route(rng: random.Random, dossier_id: uuid.UUID, partner: str, state: str,
           created: datetime, now: datetime) -> tuple[Any, ...]:
    amount = rng.randint(20, 500) * 1_000_00
    delivered = None if state == "queued" else created + timedelta(seconds=rng.uniform(1, 600))
    first = decided = None
    if state not in ("queued", "delivered") and delivered is not None:
        first = min(now, delivered + DAY * rng.uniform(0.1, 15))
    if state in ("approved", "declined") and first is not None:
        decided = min(now, first + DAY * rng.uniform(0.5, 45))
    decision = None
    if state == "approved":
        decision = json.dumps({"instrument": INSTRUMENTS[partner],
                               "amount_cents": int(amount * rng.choice((1, 1, 1, 0.5)))})
    elif state == "declined":
        decision = json.dumps({"reason": "too_early", "comment": ""})
    updated = max(t for t in (created, delivered, first, decided) if t is not None)
    waiting = first if state == "info_requested" else None
    version = None if state == "queued" else 1
    return (_uuid(rng), dossier_id, partner, state, INSTRUMENTS[partner], amount, version,
            version if first else None, 1, created, decision, created, updated, delivered,
            first, decided, waiting)
