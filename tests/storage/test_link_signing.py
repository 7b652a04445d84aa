"""Signed links for the filesystem store, and the headers they serve with."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from storage import LinkExpired, LinkInvalid, content_disposition, key_for, sign_link, verify_link

SECRET = b"0123456789abcdef0123456789abcdef"
KEY = key_for("ab" * 32)
OTHER = key_for("cd" * 32)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def token(**changes) -> str:
    args = {"key": KEY, "expires_at": NOW + timedelta(minutes=15)} | changes
    return sign_link(SECRET, args["key"], args["expires_at"], "devis.pdf", "application/pdf")


def test_claims_round_trip():
    claims = verify_link(SECRET, token(), now=NOW)

    assert (claims.key, claims.filename, claims.content_type) == (
        KEY,
        "devis.pdf",
        "application/pdf",
    )
    assert claims.expires_at == NOW + timedelta(minutes=15)


def test_token_is_url_safe():
    assert set(token()) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_expired():
    with pytest.raises(LinkExpired):
        verify_link(SECRET, token(), now=NOW + timedelta(minutes=15))


def test_other_secret():
    with pytest.raises(LinkInvalid):
        verify_link(b"another secret, same length....", token(), now=NOW)


def test_claims_cannot_be_changed():
    payload, mac = token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for forged in (
        [OTHER, *claims[1:]],
        [claims[0], claims[1] + 3600, *claims[2:]],
        [*claims[:2], "evil.html", "text/html"],
    ):
        body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
        with pytest.raises(LinkInvalid):
            verify_link(SECRET, f"{body}.{mac}", now=NOW)


@pytest.mark.parametrize("bad", ["", ".", "abc", "abc.def", "a.b.c", "é.é", token() + "%"])
def test_malformed(bad):
    with pytest.raises(LinkInvalid):
        verify_link(SECRET, bad, now=NOW)


def test_refuses_naive_datetimes_bad_keys_and_types():
    with pytest.raises(ValueError):
        token(expires_at=datetime(2025, 3, 1, 12, 15))
    with pytest.raises(ValueError):
        token(key="../secrets")
    with pytest.raises(ValueError):
        sign_link(SECRET, KEY, NOW, None, 'text/html"; x')


def test_filename_is_cleaned_when_signed():
    link = sign_link(SECRET, KEY, NOW + timedelta(minutes=1), "../..\\a\r\nb.pdf", None)

    assert verify_link(SECRET, link, now=NOW).filename == "_.._a__b.pdf"


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("devis.pdf", 'attachment; filename="devis.pdf"'),
        (
            "Kbis société.pdf",
            'attachment; filename="Kbis societe.pdf";'
            " filename*=UTF-8''Kbis%20soci%C3%A9t%C3%A9.pdf",
        ),
        ('a"b;c.pdf', "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf"),
        ("a\r\nb.pdf", 'attachment; filename="a__b.pdf"'),
        (" .. ", 'attachment; filename="download"'),
    ],
)
def test_content_disposition(filename, header):
    assert content_disposition(filename) == header
