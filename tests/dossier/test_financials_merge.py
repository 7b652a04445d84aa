"""A FEC's years go into the financial history: a year there is replaced, three at most."""

from __future__ import annotations

from dossier.services.financials import merge_history


def _year(year: int, revenue: str = "1.00") -> dict:
    return {"year": year, "revenue_eur": revenue}


def test_a_year_already_there_is_replaced_and_the_history_stays_in_order():
    history, dropped = merge_history([_year(2025), _year(2023)], [_year(2025, "9.00")])
    assert history == [_year(2023), _year(2025, "9.00")] and dropped == []


def test_only_the_last_three_years_are_kept_and_the_others_said():
    history, dropped = merge_history([_year(2022), _year(2023), _year(2024)],
                                     [_year(2026), _year(2025)])
    assert [h["year"] for h in history] == [2024, 2025, 2026] and dropped == [2022, 2023]


def test_an_odd_stored_year_does_not_break_the_order():
    history, _ = merge_history([{"revenue_eur": "1.00"}], [_year(2025)])
    assert [h.get("year") for h in history] == [2025, None]
