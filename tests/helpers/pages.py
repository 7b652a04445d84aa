"""The login and sign-up forms as a browser posts them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

DEMO_PASSWORD = "demo1234"  # what `dossier demo` seeds in the tests (DEMO_PASSWORD's default)



def form_csrf(client, path: str = "/login") -> str:
    """The CSRF token of the login or sign-up form, as a browser gets it (cookie included)."""
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def page_post(client, path: str, data: dict[str, str], **kwargs):
    """POST the login or sign-up form the way a browser does: with its CSRF token."""
    return client.post(path, data={**data, "csrf": form_csrf(client, path)}, **kwargs)


def browser(client, email: str, password: str | None = None):
    """A separate cookie jar logged in to the pages as this account (demo password by default)."""
    other = TestClient(client.app)
    r = page_post(other, "/login", {"email": email, "password": password or DEMO_PASSWORD},
                  follow_redirects=False)
    assert r.status_code == 303, r.text
    return other
