"""Home page, login with a session cookie, CSRF on logout, rate limit, security headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.helpers import form_csrf, page_post


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_home_explains_and_links_the_three_entrances(client):
    r = client.get("/")
    assert r.status_code == 200
    for text in ("Dossier unique", "founder@demo.example", "staff@demo.example",
                 "cepac@demo.example", "/login?next=/reviewer"):
        assert text in r.text
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text


def test_english_by_choice(client):
    r = client.get("/lang/en?next=/", follow_redirects=True)
    assert "One dossier, filled once" in r.text
    assert '<html lang="en">' in r.text


def test_login_sets_an_http_only_session_and_logout_needs_csrf(client):
    r = page_post(client, "/login", {"email": "founder@demo.example", "password": "demo1234"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/founder"
    cookie = r.headers["set-cookie"]
    assert "du_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    page = client.get("/").text
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    r = client.post("/logout", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    assert "founder@demo.example</span>" not in client.get("/").text


def test_session_ends_on_the_server_at_logout(client):
    page_post(client, "/login", {"email": "founder@demo.example", "password": "demo1234"})
    token = client.cookies.get("du_session")
    client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    client.cookies.set("du_session", token)
    assert "founder@demo.example</span>" not in client.get("/").text


def test_login_is_rate_limited(client):
    for _ in range(5):
        r = page_post(client, "/login", {"email": "founder@demo.example", "password": "wrong!!"})
        assert r.status_code == 401
    r = page_post(client, "/login", {"email": "founder@demo.example", "password": "demo1234"})
    assert r.status_code == 429


def test_session_token_is_not_an_api_token(client):
    page_post(client, "/login", {"email": "founder@demo.example", "password": "demo1234"})
    token = client.cookies.get("du_session")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_signup_explains_errors_and_confirms_by_e_mail(client, smtp):
    r = page_post(client, "/signup", {"email": "pas-une-adresse", "password": "x",
                                     "password_again": "x"})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    r = page_post(client, "/signup", {"email": "nouvelle@startup.example",
                                     "password": "un-mot-de-passe", "password_again":
                                     "un-mot-de-passe", "full_name": "Léa Martin"},
                  follow_redirects=False)
    assert r.status_code == 200 and "Vérifiez votre boîte e-mail" in r.text
    assert "du_session" not in r.cookies
    unconfirmed = {"username": "nouvelle@startup.example", "password": "un-mot-de-passe"}
    assert client.post("/api/v1/auth/token", data=unconfirmed).status_code == 401
    (mail,) = smtp.messages
    assert mail.rcpt_tos == ["nouvelle@startup.example"]
    link = re.search(r"(/signup/confirm\?token=\S+)", mail.text).group(1)
    page = client.get(link)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    r = client.post("/signup/confirm", data={"token": token, "csrf": csrf_of(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/founder"
    assert client.get("/founder").status_code == 200
    # The link served once.
    r = client.post("/signup/confirm", data={"token": token, "csrf": csrf_of(page.text)})
    assert r.status_code == 400


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(client, smtp):
    def ask(email: str):
        other = TestClient(client.app)
        return page_post(other, "/signup", {"email": email, "password": "un-mot-de-passe",
                                            "password_again": "un-mot-de-passe"},
                         follow_redirects=False)

    taken, new = ask("founder@demo.example"), ask("inconnue@startup.example")
    assert taken.status_code == new.status_code == 200
    assert taken.text == new.text
    assert "du_session" not in taken.cookies and "du_session" not in new.cookies
    by_rcpt = {m.rcpt_tos[0]: m for m in smtp.messages}
    assert "vous en avez déjà un" in by_rcpt["founder@demo.example"].text
    assert "/signup/confirm?token=" in by_rcpt["inconnue@startup.example"].text
    # The existing account's password did not change.
    assert client.post("/api/v1/auth/token", data={"username": "founder@demo.example",
                                                    "password": "demo1234"}).status_code == 200



def test_the_signup_e_mail_speaks_the_language_of_the_page(client, smtp):
    english = TestClient(client.app, cookies={"lang": "en"})
    page_post(english, "/signup", {"email": "new@startup.example", "password": "un-mot-de-passe",
                                   "password_again": "un-mot-de-passe"})
    (mail,) = smtp.messages
    assert mail.subject == "Confirm your e-mail address — Dossier unique"
    assert "To activate your Dossier unique account" in mail.text and "Bonjour" not in mail.text

def test_pages_redirect_to_login_and_unknown_pages_are_html(client):
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_a_form_sent_without_a_session_comes_back_to_its_page_after_login(client):
    base = str(client.base_url)
    r = client.post("/founder/dossiers/new", data={"csrf": "x"}, follow_redirects=False,
                    headers={"referer": f"{base}/founder?tab=drafts"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/founder%3Ftab%3Ddrafts"
    r = page_post(client, "/login", {"email": "founder@demo.example", "password": "demo1234",
                                    "next": "/founder?tab=drafts"}, follow_redirects=False)
    assert r.headers["location"] == "/founder?tab=drafts"
    client.cookies.clear()
    r = client.post("/founder/dossiers/new", data={"csrf": "x"}, follow_redirects=False,
                    headers={"referer": "https://elsewhere.example/phish"})
    assert r.headers["location"] == "/login?next=/"
    r = client.get("/reviewer?state=delivered", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/reviewer%3Fstate%3Ddelivered"



def test_a_page_after_the_session_ended_says_so_on_the_login_page(client):
    client.cookies.set("du_session", "ended-or-unknown")
    r = client.get("/founder", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/founder&expired=1"
    assert "Votre session a pris fin" in client.get(r.headers["location"]).text
    client.cookies.clear()  # never logged in: nothing ended
    r = client.get("/founder", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/founder"
    assert "Votre session a pris fin" not in client.get(r.headers["location"]).text

@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_login_and_signup_refuse_a_form_without_its_csrf_token(client, path):
    fields = {"email": "founder@demo.example", "password": "demo1234",
              "password_again": "demo1234"}
    r = client.post(path, data=fields, follow_redirects=False)
    assert r.status_code == 403 and "du_session" not in r.cookies
    # A token from another browser (another pre-session cookie) does not do either.
    other = TestClient(client.app)
    r = client.post(path, data={**fields, "csrf": form_csrf(other, path)},
                    follow_redirects=False)
    assert r.status_code == 403
    client.get(path)
    r = client.post(path, data={**fields, "csrf": "0" * 40}, follow_redirects=False)
    assert r.status_code == 403
    first = TestClient(client.app).get(path).headers["set-cookie"]
    assert first.startswith("du_presession=") and "HttpOnly" in first and "SameSite=lax" in first
