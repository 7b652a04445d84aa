"""Bad input is a 4xx naming the field, never a 5xx, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from dossier.models import Attachment, Dossier
from tests.helpers import full_dossier, minimal_pdf

Mutation = Callable[[dict[str, Any]], None]


def setter(path: str, value: Any) -> Mutation:
    """A mutation that sets a dotted/indexed path in a dossier."""
    def mutate(d: dict[str, Any]) -> None:
        parts = path.replace("[", ".").replace("]", "").split(".")
        target: Any = d
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return mutate


# Rules between fields (a balanced plan, the SIRET of the SIREN) are warnings on a draft:
# tests/api/test_draft_warnings.py.
CASES: list[tuple[str, Mutation, str]] = [
    ("invalid SIREN", setter("company.siren", "123456788"), "company.siren"),
    ("invalid SIRET", setter("company.siret", "12345678900011"), "company.siret"),
    ("invalid IBAN", setter("bank_account.iban", "FR7630006000011234567890188"),
     "bank_account.iban"),
    ("negative amount", setter("funding.total_need_eur", "-5"), "funding.total_need_eur"),
    ("non-numeric amount", setter("funding.total_need_eur", "beaucoup"),
     "funding.total_need_eur"),
    ("three decimals", setter("funding.uses[0].amount_eur", "10.005"),
     "funding.uses[0].amount_eur"),
    ("10 000-character name", setter("company.legal_name", "A" * 10_000), "company.legal_name"),
    ("control characters", setter("company.legal_name", "Photon\x00\x07ix"),
     "company.legal_name"),
    ("unknown field", setter("company.favourite_colour", "blue"),
     "company.favourite_colour"),
    ("future creation date", setter("company.creation_date", "2999-01-01"),
     "company.creation_date"),
]


def count(sessions, model) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("name", "mutate", "loc"), CASES, ids=[c[0] for c in CASES])
def test_create_refuses_and_stores_nothing(client, founder, sessions, name, mutate, loc):
    body = full_dossier()
    mutate(body)
    before = count(sessions, Dossier)
    r = client.post("/api/v1/dossiers", headers=founder, json=body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == 422
    assert any(e["loc"].startswith(loc) for e in problem["errors"]), problem["errors"]
    assert all(e["msg"] and e["msg"] != e["code"] for e in problem["errors"])
    assert count(sessions, Dossier) == before


def test_update_refuses_and_keeps_the_draft(client, founder):
    created = client.post("/api/v1/dossiers", headers=founder, json=full_dossier()).json()
    body = full_dossier()
    body["company"]["siren"] = "000000001"
    r = client.put(f"/api/v1/dossiers/{created['id']}", headers=founder, json=body)
    assert r.status_code == 422
    again = client.get(f"/api/v1/dossiers/{created['id']}", headers=founder).json()
    assert again["content"] == created["content"]


def test_errors_read_in_english_and_french(client, founder):
    body = {"company": {"siren": "123456788"}}
    fr = client.post("/api/v1/dossiers", headers=founder, json=body).json()
    en = client.post("/api/v1/dossiers", headers={**founder, "Accept-Language": "en-GB,en"},
                     json=body).json()
    assert fr["errors"][0]["loc"] == en["errors"][0]["loc"] == "company.siren"
    assert fr["errors"][0]["msg"] != en["errors"][0]["msg"]
    assert "SIREN" in fr["errors"][0]["msg"] and "SIREN" in en["errors"][0]["msg"]


@pytest.mark.parametrize("raw", [
    b"{", b"[1, 2", b"NaN", b'{"funding": {"total_need_eur": NaN}}', b"\xff\xfe",
    b"[" * 5000 + b"]" * 5000, b'"just a string"', b"null",
])
def test_malformed_json_is_4xx(client, founder, sessions, raw):
    before = count(sessions, Dossier)
    r = client.post("/api/v1/dossiers", headers={**founder, "Content-Type": "application/json"},
                    content=raw)
    assert 400 <= r.status_code < 500, (raw[:20], r.status_code, r.text)
    assert count(sessions, Dossier) == before


def test_oversized_json_is_413(client, founder):
    r = client.post("/api/v1/dossiers", headers={**founder, "Content-Type": "application/json"},
                    content=b'{"project": {"summary": "' + b"a" * (2 * 1024 * 1024) + b'"}}')
    assert r.status_code == 413


@pytest.fixture
def draft_id(client, founder) -> str:
    return client.post("/api/v1/dossiers", headers=founder, json={}).json()["id"]


def post_file(client, founder, draft_id, data: bytes, filename: str, kind: str = "kbis",
              content_type: str = "application/pdf"):
    return client.post(f"/api/v1/dossiers/{draft_id}/attachments", headers=founder,
                       files={"file": (filename, data, content_type)}, data={"kind": kind})


@pytest.mark.parametrize(("data", "filename", "status"), [
    (b"MZ\x90\x00\x03" + b"\x00" * 200, "rapport.pdf", 415),
    (b"", "vide.pdf", 422),
    (b"<html><script>alert(1)</script></html>", "table.csv", 415),
    (b"GIF89a" + b"\x00" * 50, "image.png", 415),
])
def test_upload_refusals_store_nothing(client, founder, sessions, store, draft_id, data,
                                       filename, status):
    r = post_file(client, founder, draft_id, data, filename)
    assert r.status_code == status, r.text
    assert count(sessions, Attachment) == 0
    assert not [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else True


def test_oversized_upload_is_413_and_stores_nothing(client, founder, sessions, store, draft_id,
                                                    settings):
    data = minimal_pdf() + b"\x00" * (settings.max_upload_bytes + 1)
    r = post_file(client, founder, draft_id, data, "gros.pdf")
    assert r.status_code == 413
    assert count(sessions, Attachment) == 0


def test_path_traversal_filename_is_sanitised(client, founder, draft_id):
    r = post_file(client, founder, draft_id, minimal_pdf(), "../../etc/passwd")
    assert r.status_code == 201
    assert r.json()["filename"] == "passwd.pdf"


def test_unknown_kind_and_missing_file_name_the_field(client, founder, draft_id):
    r = post_file(client, founder, draft_id, minimal_pdf(), "a.pdf", kind="selfie")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "kind"
    r = client.post(f"/api/v1/dossiers/{draft_id}/attachments", headers=founder,
                    data={"kind": "kbis"}, files={"other": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "file"


def test_malformed_multipart_is_400(client, founder, draft_id):
    r = client.post(f"/api/v1/dossiers/{draft_id}/attachments",
                    headers={**founder, "Content-Type": "multipart/form-data; boundary=xyz"},
                    content=b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; "
                            b"filename=\"a.pdf\"\r\n\r\n%PDF-1.4 trunc")
    assert r.status_code == 400
    r = client.post(f"/api/v1/dossiers/{draft_id}/attachments", headers=founder, json={})
    assert r.status_code == 400


def test_markup_in_text_is_shown_as_text_in_the_pdf(client, founder):
    import io

    from pypdf import PdfReader

    body = full_dossier()
    body["project"]["summary"] = '<b>gras</b> <img src="file:///etc/passwd">'
    dossier_id = client.post("/api/v1/dossiers", headers=founder, json=body).json()["id"]
    pdf = client.get(f"/api/v1/dossiers/{dossier_id}/pdf", headers=founder)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "<b>gras</b>" in text
    assert "file:///etc/passwd" in text
    assert "root:x:0:0" not in text
