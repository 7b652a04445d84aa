"""Each rule of the dossier: the exact loc and code of its error, and its messages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dossier.errors import FieldError, Invalid
from dossier.i18n import MESSAGES, translate
from dossier.schema import DossierV1
from dossier.validation import draft_warnings, submission_errors, validate_draft
from tests.helpers import OFFERS, full_dossier, set_path

TODAY = date(2026, 3, 1)
PARTNERS = OFFERS


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets a dotted path ("funding.sources.0.amount_eur") in the data."""
    return lambda data: set_path(data, path, value)


def at(path: str, value: Any, code: str) -> tuple[Callable[[dict[str, Any]], None], str, str]:
    """A case: the value set at the dotted path is refused there, with this code."""
    return setter(path, value), re.sub(r"\.(\d+)", r"[\1]", path), code


def remover(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[part]
        del node[last]

    return mutate


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "siren_luhn": at("company.siren", "843152761", "siren_invalid"),
    "siren_letters": at("company.siren", "84315276A", "siren_invalid"),
    "siret_luhn": at("company.siret", "84315276000017", "siret_invalid"),
    "siret_other_siren": at("company.siret", "73282932000074", "siret_siren_mismatch"),
    "iban_checksum": at("bank_account.iban", "FR7611315000010801234567853", "iban_invalid"),
    "iban_rib_key": at("bank_account.iban", "FR2511315000010801234567800", "iban_invalid"),
    "bic": at("bank_account.bic", "CEPAXXPP", "bic_invalid"),
    "uses_unbalanced": (setter("funding.uses.0.amount_eur", "520000.01"), "funding.uses",
                        "uses_unbalanced"),
    "sources_unbalanced": (setter("funding.sources.0.amount_eur", "69999.99"),
                           "funding.sources", "sources_unbalanced"),
    "equity_over_100": (setter("founders.2.equity_pct", "25.01"), "founders", "equity_over_100"),
    "equity_pct_over_100": at("founders.2.equity_pct", "100.5", "less_than_equal"),
    "negative_amount": at("funding.uses.1.amount_eur", "-1", "greater_than"),
    "zero_amount": at("funding.sources.2.amount_eur", 0, "greater_than"),
    "negative_capital": at("company.share_capital_eur", -1, "greater_than_equal"),
    "non_numeric": at("funding.total_need_eur", "douze", "decimal_parsing"),
    "french_decimal_comma": at("funding.total_need_eur", "1 329 243,00", "decimal_parsing"),
    "three_decimals": at("funding.sources.2.amount_eur", Decimal("300000.005"),
                         "decimal_max_places"),
    "thirteen_digits": at("funding.total_need_eur", "1000000000000", "decimal_whole_digits"),
    "nan": at("funding.total_need_eur", Decimal("NaN"), "finite_number"),
    "nan_float": at("financials.history.0.net_income_eur", float("nan"), "finite_number"),
    "infinity_string": at("funding.total_need_eur", "Infinity", "finite_number"),
    "boolean_amount": at("funding.total_need_eur", True, "decimal_type"),
    "boolean_headcount": at("company.headcount", True, "int_type"),
    "text_headcount": at("company.headcount", "douze", "int_parsing"),
    "huge_name": at("company.legal_name", "L" * 10_000, "string_too_long"),
    "empty_name": at("company.legal_name", "   ", "string_too_short"),
    "nul_in_name": at("company.legal_name", "Lumi\x00phase", "control_characters"),
    "newline_in_name": at("company.legal_name", "Lumi\nphase", "control_characters"),
    "escape_in_summary": at("project.summary", "Laser \x1b[31mrouge", "control_characters"),
    "lone_surrogate": at("founders.0.last_name", "Roux\ud800", "control_characters"),
    "long_summary": at("project.summary", "x" * 1001, "string_too_long"),
    "future_creation": at("company.creation_date", "2026-03-02", "date_in_future"),
    "bad_date": at("company.creation_date", "2021-02-30", "date_from_datetime_parsing"),
    "timestamp_date": at("company.creation_date", 1615766400, "date_type"),
    "future_history_year": at("financials.history.2.year", 2027, "year_in_future"),
    "duplicate_history_year": at("financials.history.1.year", 2023, "duplicate_year"),
    "duplicate_forecast_year": at("financials.forecast.4.year", 2026, "duplicate_year"),
    "four_history_years": (
        lambda d: d["financials"]["history"].append(dict(d["financials"]["history"][0])),
        "financials.history", "too_long"),
    "duplicate_label": (setter("company.labels", ["jei", "jei"]), "company.labels[1]",
                        "duplicate_label"),
    "unknown_label": (setter("company.labels", ["jei", "nobel"]), "company.labels[1]", "enum"),
    "partner_twice": at("requests.1.partner", "cepac", "duplicate_partner"),
    "unknown_partner": at("requests.0.partner", "banque-inconnue", "unknown_partner"),
    "unknown_source_partner": at("funding.sources.2.partner", "fonds-x", "unknown_partner"),
    "instrument_not_offered": at("requests.2.instrument", "bank_loan", "instrument_not_offered"),
    "loan_without_amount": (remover("requests.0.amount_eur"), "requests[0].amount_eur",
                            "amount_required"),
    "advice_with_amount": at("requests.4.amount_eur", "1000", "amount_not_applicable"),
    "unknown_instrument": at("requests.0.instrument", "loan", "enum"),
    "extra_field": at("company.ceo", "Camille", "extra_forbidden"),
    "extra_top_field": at("notes", "hello", "extra_forbidden"),
    "email": at("founders.1.email", "karim@", "email_invalid"),
    "phone": at("founders.0.phone", "12 34", "phone_invalid"),
    "phone_fr_too_short": at("founders.0.phone", "+33 6 12 34 56", "phone_invalid"),
    "url_scheme": at("company.website", "ftp://lumiphase.fr", "url_scheme"),
    "url_javascript": at("company.website", "javascript:alert(1)", "url_scheme"),
    "url_relative": at("company.website", "www.lumiphase.fr", "url_parsing"),
    "naf": at("company.naf_code", "26.7Z", "naf_code_invalid"),
    "postal_code": at("company.address.postal_code", "1301", "postal_code_invalid"),
    "country": at("company.address.country", "ZZ", "country_invalid"),
    "country_format": at("company.address.country", "FRA", "string_pattern_mismatch"),
    "legal_form": at("company.legal_form", "GIE", "enum"),
    "schema_version": at("schema_version", 2, "literal_error"),
    "full_time": at("founders.0.full_time", "sometimes", "bool_parsing"),
    "company_not_object": at("company", "Lumiphase", "model_type"),
    "founders_not_list": at("founders", {"first_name": "Camille"}, "list_type"),
    "eleven_founders": (lambda d: d["founders"].extend([{}] * 8), "founders", "too_long"),
    "duration": at("requests.0.duration_months", 0, "greater_than_equal"),
    "forecast_year": at("financials.forecast.0.year", 1850, "greater_than_equal"),
    "partner_code_format": at("requests.0.partner", "CEPAC!", "string_pattern_mismatch"),
    "name_not_text": at("company.legal_name", 42, "string_type"),
}


def problems(data: dict[str, Any]) -> list[FieldError]:
    """A field's error refuses the draft; a cross-field rule not met is a warning on it."""
    try:
        d = validate_draft(data, partners=PARTNERS, today=TODAY)
    except Invalid as exc:
        return exc.errors
    return draft_warnings(d, partners=PARTNERS)


def errors_of(name: str) -> list[FieldError]:
    mutate, _, _ = CASES[name]
    data = full_dossier(decimals=True)
    mutate(data)
    errors = problems(data)
    assert errors, name
    return errors


@pytest.mark.parametrize("name", CASES)
def test_rule(name: str):
    _, loc, code = CASES[name]
    errors = errors_of(name)
    assert [(e.loc, e.code) for e in errors] == [(loc, code)]
    for error in errors:
        assert_renders(error)


def assert_renders(error: FieldError) -> None:
    for lang in ("fr", "en"):
        text = error.message(lang)
        assert text != error.code and "{" not in text, (lang, error)


def test_ctx_is_json_safe():
    data = full_dossier(decimals=True)
    data["founders"][2]["equity_pct"] = "25.01"
    data["funding"]["total_need_eur"] = 0
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    json.dumps([e.ctx for e in exc.value.errors])
    assert exc.value.errors[0].ctx == {"gt": "0.00"}


def test_several_errors_are_reported_at_once():
    data = full_dossier(decimals=True)
    data["company"]["siren"] = "123"
    data["bank_account"]["iban"] = "FR00"
    data["funding"]["uses"][0]["amount_eur"] = "1.001"
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    assert {(e.loc, e.code) for e in exc.value.errors} == {
        ("company.siren", "siren_invalid"), ("bank_account.iban", "iban_invalid"),
        ("funding.uses[0].amount_eur", "decimal_max_places")}


def test_advice_needs_no_amount():
    data = full_dossier(decimals=True)
    assert data["requests"][4] == {"partner": "bdf", "instrument": "advice"}
    d = validate_draft(data, partners=PARTNERS, today=TODAY)
    assert d.requests[4].amount_eur is None
    assert submission_errors(d, partners=PARTNERS) == []


def test_equity_at_exactly_100_is_fine():
    data = full_dossier(decimals=True)
    data["founders"][2]["equity_pct"] = "25.00"
    validate_draft(data, partners=PARTNERS, today=TODAY)


def test_french_numbers_and_phones_that_are_accepted():
    data = full_dossier(decimals=True)
    data["founders"][0]["phone"] = "+33 (0)6 12 34 56 78"
    data["founders"][1]["phone"] = "04.91.11.22.33"
    data["founders"][2]["phone"] = "+49 30 1234567"
    data["company"]["creation_date"] = TODAY.isoformat()  # today is not the future
    data["financials"]["history"][2]["year"] = TODAY.year
    validate_draft(data, partners=PARTNERS, today=TODAY)


def test_messages_give_the_figures():
    data = full_dossier(decimals=True)
    data["company"]["siret"] = "73282932000074"
    data["funding"]["uses"][0]["amount_eur"] = "520000.01"
    data["funding"]["sources"][0]["amount_eur"] = "69000.00"
    by_code = {e.code: e for e in problems(data)}
    siret = by_code["siret_siren_mismatch"]
    assert siret.message("fr") == "Le SIRET doit commencer par le SIREN (843152760)."
    assert siret.message("en") == "The SIRET must start with the SIREN (843152760)."
    uses = by_code["uses_unbalanced"]
    assert {k: uses.ctx[k] for k in ("expected", "actual", "difference")} == {
        "expected": "1329243.00", "actual": "1329243.01", "difference": "0.01"}
    assert "1 329 243,01 €" in uses.message("fr") and "1 329 243,00 €" in uses.message("fr")
    assert "emplois" in uses.message("fr") and "uses" in uses.message("en")
    sources = by_code["sources_unbalanced"]
    assert sources.message("en") == ("The sources add up to 1,328,243.00 € but the total need "
                                     "is 1,329,243.00 €; difference: -1,000.00 €.")


def test_enum_choices_are_listed_without_english_glue():
    data = full_dossier(decimals=True)
    data["company"]["stage"] = "unicorn"
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    error = exc.value.errors[0]
    assert error.ctx == {"expected": "idea, pre_seed, seed, early, growth"}
    assert error.message("fr") == ("Valeur non reconnue ; valeurs possibles : "
                                   "idea, pre_seed, seed, early, growth.")


def test_submission_codes_have_messages():
    d = DossierV1.model_validate({"founders": [], "requests": [{"instrument": "equity"}]})
    errors = submission_errors(d)
    assert {"missing", "too_short", "amount_required"} <= {e.code for e in errors}
    for error in errors:
        assert_renders(error)


def test_every_code_of_the_corpus_has_french_and_english_messages():
    produced = {e.code for name in CASES for e in errors_of(name)}
    produced |= {e.code for e in submission_errors(validate_draft({"requests": [{}]}))}
    assert len(produced) > 40
    for code in sorted(produced):
        fr, en = translate(code, lang="fr"), translate(code, lang="en")
        assert code in MESSAGES and fr and en and fr != en, code
    assert translate("missing", lang="en") == "This field is required."
    assert translate("missing", lang="fr") == "Ce champ est obligatoire."
