"""Hostile input against a real `dossier serve` on loopback: huge numbers, endless bodies,
giant headers. Each is refused quickly, the server's memory does not grow by what was sent,
and `/health` answers within 1 s all along (a liveness check, not a speed goal)."""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.helpers import page_post, wait_until
from tests.live import Server, live_server

MB = 1024 * 1024
STREAMED = 64 * MB  # what a hostile client offers to send
MAX_GROWTH = 32 * MB  # the server's RSS may grow by this much, not by STREAMED
UPLOAD_LIMIT = 2 * MB


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("hostile")
    with live_server(home, MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT),
                     ROUTING_IN_BACKGROUND="false") as live:
        yield live
        print(live.log())


@contextmanager
def health_stays_live(server: Server) -> Iterator[list[float]]:
    """Poll /health every 50 ms while the block runs; every answer must come within 1 s."""
    stop, delays = threading.Event(), []

    def poll() -> None:
        with httpx.Client(timeout=5) as client:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    client.get(server.base + "/api/v1/health")
                    delays.append(time.monotonic() - started)
                except httpx.HTTPError:
                    delays.append(float("inf"))
                stop.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    # polling has started before the hostile request
    wait_until(lambda: delays or not poller.is_alive(), what="the first /health answer",
               every=0.01)
    try:
        yield delays
    finally:
        stop.set()
        poller.join()
    assert max(delays) < 1.0, f"/health waited {max(delays):.1f} s"


# --- numbers ---

def dossier_body(literal: bytes) -> bytes:
    return b'{"company": {"legal_name": "Lumiphase", "headcount": ' + literal + b"}}"


NUMBER_CASES = [
    ("headcount 1E+100000000", "/api/v1/dossiers", dossier_body(b"1E+100000000"),
     "company.headcount"),
    ("headcount 1e999999999", "/api/v1/dossiers", dossier_body(b"1e999999999"),
     "company.headcount"),
    ("headcount of 5 000 digits", "/api/v1/dossiers", dossier_body(b"9" * 5000),
     "company.headcount"),
    ("money 1e999999999", "/api/v1/dossiers",
     b'{"funding": {"total_need_eur": 1e999999999}}', "funding.total_need_eur"),
    ("JSON nested 400 000 deep", "/api/v1/dossiers",
     b'{"project": {"summary": ' + b"[" * 400_000 + b"]" * 400_000 + b"}}", "json_too_deep"),
    ("reviewer's duration 1E+1000000000", "/api/v1/routes/{route}/events",
     b'{"type": "approved", "instrument": "bank_loan", "duration_months": 1E+1000000000}',
     "duration_months"),
]


@pytest.mark.parametrize(("path", "body", "names"), [c[1:] for c in NUMBER_CASES],
                         ids=[c[0] for c in NUMBER_CASES])
def test_hostile_numbers_are_refused_by_field_while_health_answers(server, path, body, names):
    who = "cepac@demo.example" if "events" in path else "founder@demo.example"
    headers = {**server.token(who), "Content-Type": "application/json"}
    with health_stays_live(server):
        r = httpx.post(server.base + path.format(route=uuid.uuid4()), content=body,
                       headers=headers, timeout=10)
    assert 400 <= r.status_code < 500, r.text[:300]
    problem = r.json()
    assert problem["code"] == names or any(e["loc"] == names for e in problem["errors"]), \
        problem
    assert httpx.get(server.base + "/api/v1/dossiers", headers=headers).json() == []


# --- bodies ---

@contextmanager
def connection(server: Server) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        yield sock
    finally:
        sock.close()


def answer(sock: socket.socket) -> tuple[int, bytes]:
    """The status and the server's whole answer (read until complete, closed, or 5 s)."""
    data = b""
    sock.settimeout(5)
    try:
        while chunk := sock.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: (\d+)", head)
            if length and len(body) >= int(length.group(1)):
                break
    except (TimeoutError, ConnectionResetError):
        pass
    match = re.match(rb"HTTP/1\.1 (\d{3})", data)
    return (int(match.group(1)) if match else 0), data


def stream(server: Server, head: bytes, preamble: bytes = b"",
           total: int = STREAMED) -> tuple[int, bytes, int]:
    """Send a head, then a chunked body of `total` bytes unless the server answers first;
    the status, the answer and how many body bytes were sent."""
    piece = 64 * 1024
    frame = f"{piece:x}\r\n".encode() + b"a" * piece + b"\r\n"
    sent = 0
    with connection(server) as sock:
        sock.sendall(head)
        try:
            if preamble:
                sock.sendall(f"{len(preamble):x}\r\n".encode() + preamble + b"\r\n")
            while sent < total and not select.select([sock], [], [], 0)[0]:
                sock.sendall(frame)
                sent += piece
            else:
                if sent >= total:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the server closed the connection: its answer is read below
        status, data = answer(sock)
    return status, data, sent


def request_head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in
                                                             headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def page_cookie(server: Server, email: str) -> str:
    with httpx.Client(base_url=server.base, timeout=30) as http:
        r = page_post(http, "/login", {"email": email, "password": "demo1234"})
    assert r.status_code in (200, 303), r.text[:300]
    return f"du_session={r.cookies['du_session']}"


@pytest.fixture(scope="module")
def draft(server: Server) -> str:
    r = httpx.post(server.base + "/api/v1/dossiers", json={}, timeout=30,
                   headers=server.token("founder@demo.example"))
    assert r.status_code == 201, r.text
    return r.json()["id"]


FILE_PART = (b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nkbis\r\n--B\r\n'
             b'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
             b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")
BODY_CASES = [
    # (id, who, path, content type, first bytes, status, what the answer names)
    ("anonymous token form", None, "/api/v1/auth/token",
     "application/x-www-form-urlencoded", b"username=a&password=", 413, b"body_too_large"),
    ("anonymous JSON: 401 without reading", None, "/api/v1/dossiers", "application/json",
     b'{"project": {"summary": "', 401, b"not_authenticated"),
    ("anonymous login page form", None, "/login", "application/x-www-form-urlencoded",
     b"email=a&password=", 413, "dépasse".encode()),
    ("founder JSON dossier", "founder", "/api/v1/dossiers", "application/json",
     b'{"project": {"summary": "', 413, b"body_too_large"),
    ("founder submit (a Pydantic model before)", "founder", "/api/v1/dossiers/{draft}/submit",
     "application/json", b'{"consent": true, "x": "', 413, b"body_too_large"),
    ("founder erasure (a Pydantic model before)", "founder", "/api/v1/me/erasure",
     "application/json", b'{"password": "', 413, b"body_too_large"),
    ("reviewer event", "reviewer", "/api/v1/routes/{draft}/events", "application/json",
     b'{"type": "in_review", "x": "', 413, b"body_too_large"),
    ("founder upload, endless file part", "founder", "/api/v1/dossiers/{draft}/attachments",
     "multipart/form-data; boundary=B",
     FILE_PART, 413, b"upload_too_large"),
    ("founder upload, endless preamble", "founder", "/api/v1/dossiers/{draft}/attachments",
     "multipart/form-data; boundary=B", b"", 400, b"upload_malformed"),
    ("founder upload, endless part header", "founder", "/api/v1/dossiers/{draft}/attachments",
     "multipart/form-data; boundary=B", b"--B\r\nX-Pad: ", 400, b"upload_malformed"),
    ("staff page form", "staff-page", "/staff/partners/cepac",
     "application/x-www-form-urlencoded", b"eligibility=", 413, "dépasse".encode()),
    ("founder page upload", "founder-page", "/founder/dossiers/{draft}/attachments",
     "multipart/form-data; boundary=B", FILE_PART, 413, "dépasse".encode()),
]


def credentials(server: Server, who: str | None) -> dict[str, str]:
    accounts = {"founder": "founder@demo.example", "reviewer": "cepac@demo.example",
                "staff": "staff@demo.example"}
    if who is None:
        return {}
    if who.endswith("-page"):
        cookie = page_cookie(server, accounts[who.removesuffix("-page")])
        page = httpx.get(server.base + "/", headers={"Cookie": cookie}, timeout=30,
                         follow_redirects=True).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        return {"Cookie": cookie, "X-CSRF-Token": csrf}
    return server.token(accounts[who])


@pytest.mark.parametrize(("who", "path", "ctype", "preamble", "status", "names"),
                         [c[1:] for c in BODY_CASES], ids=[c[0] for c in BODY_CASES])
def test_endless_chunked_body_is_refused_while_it_streams(server, draft, who, path, ctype,
                                                          preamble, status, names):
    headers = {**credentials(server, who), "Content-Type": ctype,
               "Transfer-Encoding": "chunked"}
    head = request_head("POST", path.format(draft=draft), headers)
    before = server.rss()
    with health_stays_live(server):
        answered, data, sent = stream(server, head, preamble)
    assert answered == status and names in data, data[:500]
    assert sent < STREAMED // 4, f"the server read {sent} bytes before answering"
    assert server.rss() - before < MAX_GROWTH


@pytest.mark.parametrize("who", [None, "founder"], ids=["anonymous", "founder"])
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/dossiers",
                                  "/api/v1/dossiers/{draft}/submit",
                                  "/api/v1/dossiers/{draft}/attachments", "/login"])
def test_announced_oversized_body_is_refused_before_it_is_sent(server, draft, who, path):
    headers = {**credentials(server, who), "Content-Type": "application/json",
               "Content-Length": str(1 << 30)}
    with health_stays_live(server), connection(server) as sock:
        sock.sendall(request_head("POST", path.format(draft=draft), headers))
        status, data = answer(sock)
    assert status == 413, data[:500]


@pytest.mark.parametrize("path", ["/api/v1/dossiers", "/api/v1/dossiers/{draft}/submit",
                                  "/api/v1/me/erasure", "/api/v1/routes/{draft}/events",
                                  "/api/v1/dossiers/{draft}/attachments"])
@pytest.mark.parametrize("token", [None, "du_not-a-token"], ids=["no token", "bad token"])
def test_authentication_comes_before_reading_the_body(server, draft, path, token):
    """The head announces 500 kB and none of it is sent: the 401 cannot have waited for it."""
    headers = {"Content-Type": "application/json", "Content-Length": "500000"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with connection(server) as sock:
        sock.sendall(request_head("POST", path.format(draft=draft), headers))
        status, data = answer(sock)
    # anonymous: refused for its size (no credentials, small budget); bad token: 401
    assert status == (413 if token is None else 401), data[:500]


# --- headers ---

def test_giant_header_is_refused_quickly(server):
    before = server.rss()
    sent = 0
    with health_stays_live(server), connection(server) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ")
        try:
            while sent < 16 * MB and not select.select([sock], [], [], 0)[0]:
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        status, data = answer(sock)
    assert status == 431, data[:300]
    assert sent < 4 * MB
    assert server.rss() - before < MAX_GROWTH


def test_too_many_headers_are_refused(server):
    headers = {f"X-H{i}": "1" for i in range(200)}
    with connection(server) as sock:
        sock.sendall(request_head("GET", "/api/v1/health", headers))
        status, data = answer(sock)
    assert status == 431, data[:300]
    assert json.loads(data.split(b"\r\n\r\n", 1)[1])["code"] == "headers_too_large"


def test_ordinary_large_headers_still_pass(server):
    r = httpx.get(server.base + "/api/v1/health", timeout=10,
                  headers={"X-Pad": "a" * 30_000, **{f"X-H{i}": "1" for i in range(50)}})
    assert r.status_code == 200
