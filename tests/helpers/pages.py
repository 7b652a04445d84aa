"""The login and sign-up forms as a browser posts them."""

from __future__ import annotations

import re


def form_csrf(client, path: str = "/login") -> str:
    """The CSRF token of the login or sign-up form, as a browser gets it (cookie included)."""
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def page_post(client, path: str, data: dict[str, str], **kwargs):
    """POST the login or sign-up form the way a browser does: with its CSRF token."""
    return client.post(path, data={**data, "csrf": form_csrf(client, path)}, **kwargs)
