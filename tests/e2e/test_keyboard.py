"""With the keyboard alone: skip link, log in, reach the wizard, tick a box, send the form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import shot


def tab_to(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the JS predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    raise AssertionError(f"no focusable element matched {predicate}")


def test_a_founder_gets_through_with_the_keyboard_only(live_server, new_page):
    page = new_page()
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')"), \
        "the first Tab reaches the skip link"
    tab_to(page, "el.id === 'email'")
    page.keyboard.type("founder@demo.example")
    page.keyboard.press("Tab")
    page.keyboard.type("demo1234")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/founder$"))

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Créer un nouveau dossier')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/edit/company$"))
    tab_to(page, "el.name === 'company.legal_name'")
    page.keyboard.type("Clavier & Cie")
    tab_to(page, "el.name === 'company.labels' && el.value === 'jei'")
    page.keyboard.press("Space")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none", "the focused input shows where the keyboard is"
    shot(page, "50-keyboard-focus")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Enregistrer'")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Raison sociale")).to_have_value("Clavier & Cie")
    expect(page.locator('input[name="company.labels"][value="jei"]')).to_be_checked()
