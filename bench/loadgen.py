"""Closed-loop load: C concurrent clients work through a list of requests; latencies per request.

The same driver sends HTTP requests to the app (httpx) and replays raw SQL (psycopg), so
that both sides pay the same client-side overhead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Call:
    """One HTTP request: path and bearer token."""

    path: str
    token: str

    def headers(self) -> dict[str, str]:
        """How the request carries its credentials."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class PageCall(Call):
    """One page request: the token travels as the web session cookie."""

    cookie: str = "du_session"

    def headers(self) -> dict[str, str]:
        """The session cookie, as a browser sends it."""
        return {"Cookie": f"{self.cookie}={self.token}"}


Statement = tuple[str, Any]


async def _drive(items: Sequence[Any], concurrency: int,
                 make_worker: Callable[[], Awaitable[Any]],
                 send: Callable[[Any, Any], Awaitable[None]]) -> tuple[list[float], float]:
    """Run `send(worker_state, item)` for every item with `concurrency` workers."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    latencies: list[float] = []

    async def worker() -> None:
        state = await make_worker()
        try:
            while True:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                await send(state, item)
                latencies.append(time.perf_counter() - started)
        finally:
            close = getattr(state, "aclose", None) or getattr(state, "close", None)
            if close is not None:
                result = close()
                if asyncio.iscoroutine(result):
                    await result

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


def http_load(base_url: str, calls: Sequence[Call], concurrency: int
              ) -> tuple[list[float], float]:
    """Send the calls with `concurrency` clients; every answer must be 200."""

    async def run() -> tuple[list[float], float]:
        async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=httpx.Limits(
                max_connections=concurrency, max_keepalive_connections=concurrency)) as client:

            async def make() -> httpx.AsyncClient:
                return _Shared(client)

            return await _drive(calls, concurrency, make, _get)

    return asyncio.run(run())


class _Shared:
    """The client shared by every worker (closed once, by its owner)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client


async def _get(shared: _Shared, call: Call) -> None:
    response = await shared.client.get(call.path, headers=call.headers())
    if response.status_code != 200:
        raise RuntimeError(f"GET {call.path}: {response.status_code} {response.text[:300]}")


def sql_load(database_url: str, requests: Sequence[list[Statement]], concurrency: int
             ) -> tuple[list[float], float]:
    """Replay each request's statements in one transaction per request, one connection each."""

    async def make() -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(database_url)

    async def send(conn: psycopg.AsyncConnection, statements: list[Statement]) -> None:
        async with conn.transaction(), conn.cursor() as cursor:
            for sql, params in statements:
                await cursor.execute(sql, params)
                if cursor.description is not None:
                    await cursor.fetchall()

    return asyncio.run(_drive(requests, concurrency, make, send))


class Recorder:
    """Records the SELECT statements an engine sends, to replay them as raw SQL."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[Statement] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any,
                _context: Any, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, parameters))

    def take(self) -> list[Statement]:
        """The statements recorded since the last take."""
        taken, self.statements = self.statements, []
        return taken
