"""The home page in a real browser, on a desktop and on a phone."""

from __future__ import annotations

from tests.e2e.conftest import login, shot


def test_home_page_and_login_on_desktop_and_phone(live_server, new_page):
    page = new_page()
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dossier unique de financement"
    assert page.get_by_text("founder@demo.example").is_visible()
    shot(page, "home-desktop")
    phone = new_page(phone=True)
    phone.goto(live_server + "/")
    shot(phone, "home-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the home page scrolls sideways on a phone"
    login(page, live_server, "staff@demo.example")
    assert "/staff" in page.url
