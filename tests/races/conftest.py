"""Race fixtures: delivered routes made quickly, many times, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import login
from tests.helpers import full_dossier, settle_deliveries, submit


def trials(default: int) -> int:
    """How many times a race runs, its invariant asserted each time: `default` in `make test`,
    RACE_TRIALS (100 in `make race`, whose result the lead reports) for the long repetition."""
    return int(os.environ.get("RACE_TRIALS") or default)


TRIALS = trials(20)


def race(*calls):
    """Run the calls at the same moment; their results (or exceptions) in call order."""
    start = threading.Barrier(len(calls), timeout=30)

    def run(call):
        start.wait()
        try:
            return call()
        except Exception as exc:  # the race's loser is part of the result
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(run, c) for c in calls]]


@pytest.fixture
def reviewers(client) -> Callable[[str], dict[str, str]]:
    """Headers of a partner's demo reviewer, logged in once per partner."""
    cache: dict[str, dict[str, str]] = {}

    def headers(partner: str) -> dict[str, str]:
        if partner not in cache:
            cache[partner] = login(client, f"{partner}@demo.example")
        return cache[partner]

    return headers


@pytest.fixture
def delivered_routes(client, founder, sessions) -> Iterator[Callable[[], tuple[str, str]]]:
    """A source of fresh delivered routes: (partner, route id), six per submitted dossier."""
    spare: list[tuple[str, str]] = []

    def next_route() -> tuple[str, str]:
        if not spare:
            answer = submit(client, founder, full_dossier(ask_cic=True))
            settle_deliveries(sessions)
            spare.extend((x["partner"], x["id"]) for x in answer["routes"])
        return spare.pop()

    yield next_route
