"""Founders looking up the same company at once: one cache row (or one pending check) per
number, every answer a 200 or a 202, never a 5xx nor an IntegrityError."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from dossier.models import RegistryCheck, RegistryCompany
from tests.conftest import login
from tests.races.conftest import TRIALS, race
from tests.registry_server import RegistryServer, app_asking, company, head_siret, valid_siren

AT_ONCE = 6  # below the adapter's 8 concurrent registry calls: none is turned away as busy
URL = "/api/v1/registry/companies/{}"


@pytest.fixture
def reg():
    with RegistryServer() as server:
        yield server


@pytest.fixture
def api(settings, engine, sessions, store, reg):
    with app_asking(reg, settings, engine, sessions, store, timeout=2.0) as client:
        yield client


def rows(sessions, model, number: str) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model).where(model.number == number))


def test_the_same_number_looked_up_at_once_is_cached_once(api, reg, sessions):
    founder = login(api, "founder@demo.example")
    reg.misbehave(delay=0.05)  # every look-up misses the cache and waits for the registry
    for trial in range(TRIALS):
        siren = valid_siren(f"{31_000_000 + trial:08d}")
        reg.companies[siren] = company(siren)
        number = head_siret(siren) if trial % 2 else siren
        answers = race(*[partial(api.get, URL.format(number), headers=founder)] * AT_ONCE)
        assert [getattr(a, "status_code", a) for a in answers] == [200] * AT_ONCE, answers
        assert {a.json()["siren"] for a in answers} == {siren}
        assert rows(sessions, RegistryCompany, number) == 1
    # the race was run: most look-ups missed the cache together and all asked the registry
    assert len(reg.queries) > TRIALS * AT_ONCE // 2, len(reg.queries)


def test_the_same_number_pending_at_once_is_checked_later_once(api, reg, sessions):
    founder = login(api, "founder@demo.example")
    reg.misbehave(status=503, delay=0.05)
    for trial in range(TRIALS):
        siren = valid_siren(f"{32_000_000 + trial:08d}")
        answers = race(*[partial(api.get, URL.format(siren), headers=founder)] * AT_ONCE)
        assert [getattr(a, "status_code", a) for a in answers] == [202] * AT_ONCE, answers
        assert rows(sessions, RegistryCheck, siren) == 1
        assert rows(sessions, RegistryCompany, siren) == 0
