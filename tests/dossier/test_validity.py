"""A document counts while it is valid: a Kbis 3 months, annual accounts 18 months after the
year end, others for ever unless a partner says otherwise."""

from __future__ import annotations

from datetime import date

from dossier.validity import (
    Document,
    expired,
    expires_on,
    expiring,
    is_valid,
    standings,
    valid_kinds,
)

TODAY = date(2026, 12, 5)


def test_a_kbis_is_valid_three_months_from_its_issue():
    kbis = Document("kbis", date(2026, 9, 5))
    assert expires_on(kbis) == date(2026, 12, 5)
    assert not is_valid(kbis, TODAY) and is_valid(kbis, date(2026, 12, 4))


def test_annual_accounts_run_18_months_from_the_year_end_and_others_never_expire():
    accounts = Document("financial_statements", date(2025, 6, 30))
    assert expires_on(accounts) == date(2026, 12, 30) and is_valid(accounts, TODAY)
    assert expires_on(Document("statuts", date(2001, 1, 1))) is None
    assert expires_on(Document("kbis")) is None  # no date: the reviewer judges


def test_a_partner_may_set_its_own_validity():
    kbis = Document("kbis", date(2026, 10, 1))
    assert is_valid(kbis, TODAY) and not is_valid(kbis, TODAY, {"kbis": 1})
    assert expires_on(Document("rib", date(2026, 1, 1)), {"rib": 6}) == date(2026, 7, 1)


def test_an_expired_document_replaced_by_a_recent_one_is_not_reported():
    old, new = Document("kbis", date(2026, 1, 10)), Document("kbis", date(2026, 11, 20))
    assert valid_kinds([old], TODAY) == set() and expired([old], TODAY) == [
        (old, date(2026, 4, 10))]
    assert valid_kinds([old, new], TODAY) == {"kbis"} and expired([old, new], TODAY) == []


def test_documents_expiring_soon_are_found_for_the_reminder():
    soon = Document("kbis", date(2026, 9, 15))
    assert expiring([soon, Document("kbis", date(2026, 11, 1))], TODAY) == [
        (soon, date(2026, 12, 15))]


def test_standings_group_partners_by_the_months_they_ask():
    kbis = Document("kbis", date(2026, 8, 20))
    shown = standings(kbis, TODAY, {"CEPAC": None, "CIC": {}, "AMPA": {"kbis": 6}})
    assert [(s.partners, s.months, s.valid) for s in shown] == [
        (("CEPAC", "CIC"), 3, False), (("AMPA",), 6, True)]
    assert shown[0].ends == date(2026, 11, 20) and shown[1].last_day == date(2027, 2, 19)
    [alone] = standings(kbis, date(2026, 11, 19), {})
    assert (alone.partners, alone.valid, alone.last_day) == ((), True, date(2026, 11, 19))
    [undated] = standings(Document("kbis"), TODAY, {"CEPAC": None})
    assert (undated.months, undated.ends, undated.valid) == (3, None, True)
    [never] = standings(Document("statuts", date(2001, 1, 1)), TODAY, {"CEPAC": None})
    assert (never.months, never.ends) == (None, None)
