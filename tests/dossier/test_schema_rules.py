"""Each rule of the dossier: the exact loc and code of its error, and its messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dossier.errors import FieldError, Invalid
from dossier.i18n import MESSAGES, translate
from dossier.schema import DossierV1
from dossier.validation import submission_errors, validate_draft

FIXTURE = Path(__file__).parents[1] / "fixtures" / "dossier_full.json"
TODAY = date(2026, 3, 1)
PARTNERS = {
    "bdf": frozenset({"advice"}),
    "cepac": frozenset({"bank_loan", "guarantee"}),
    "bpmed": frozenset({"bank_loan", "guarantee"}),
    "ampa": frozenset({"equity"}),
    "mi-honor-loan": frozenset({"honor_loan"}),
}


def full() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text("utf-8"), parse_float=Decimal)


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets a dotted path ("funding.sources.0.amount_eur") in the data."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[part]
        node[last] = value

    return mutate


def remover(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[part]
        del node[last]

    return mutate


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "siren_luhn": (setter("company.siren", "843152761"), "company.siren", "siren_invalid"),
    "siren_letters": (setter("company.siren", "84315276A"), "company.siren", "siren_invalid"),
    "siret_luhn": (setter("company.siret", "84315276000017"), "company.siret", "siret_invalid"),
    "siret_other_siren": (setter("company.siret", "73282932000074"), "company.siret",
                          "siret_siren_mismatch"),
    "iban_checksum": (setter("bank_account.iban", "FR7611315000010801234567853"),
                      "bank_account.iban", "iban_invalid"),
    "iban_rib_key": (setter("bank_account.iban", "FR2511315000010801234567800"),
                     "bank_account.iban", "iban_invalid"),
    "bic": (setter("bank_account.bic", "CEPAXXPP"), "bank_account.bic", "bic_invalid"),
    "uses_unbalanced": (setter("funding.uses.0.amount_eur", "520000.01"), "funding.uses",
                        "uses_unbalanced"),
    "sources_unbalanced": (setter("funding.sources.0.amount_eur", "69999.99"),
                           "funding.sources", "sources_unbalanced"),
    "equity_over_100": (setter("founders.2.equity_pct", "25.01"), "founders", "equity_over_100"),
    "equity_pct_over_100": (setter("founders.2.equity_pct", "100.5"), "founders[2].equity_pct",
                            "less_than_equal"),
    "negative_amount": (setter("funding.uses.1.amount_eur", "-1"), "funding.uses[1].amount_eur",
                        "greater_than"),
    "zero_amount": (setter("funding.sources.2.amount_eur", 0), "funding.sources[2].amount_eur",
                    "greater_than"),
    "negative_capital": (setter("company.share_capital_eur", -1), "company.share_capital_eur",
                         "greater_than_equal"),
    "non_numeric": (setter("funding.total_need_eur", "douze"), "funding.total_need_eur",
                    "decimal_parsing"),
    "french_decimal_comma": (setter("funding.total_need_eur", "1 329 243,00"),
                             "funding.total_need_eur", "decimal_parsing"),
    "three_decimals": (setter("funding.sources.2.amount_eur", Decimal("300000.005")),
                       "funding.sources[2].amount_eur", "decimal_max_places"),
    "thirteen_digits": (setter("funding.total_need_eur", "1000000000000"),
                        "funding.total_need_eur", "decimal_whole_digits"),
    "nan": (setter("funding.total_need_eur", Decimal("NaN")), "funding.total_need_eur",
            "finite_number"),
    "nan_float": (setter("financials.history.0.net_income_eur", float("nan")),
                  "financials.history[0].net_income_eur", "finite_number"),
    "infinity_string": (setter("funding.total_need_eur", "Infinity"), "funding.total_need_eur",
                        "finite_number"),
    "boolean_amount": (setter("funding.total_need_eur", True), "funding.total_need_eur",
                       "decimal_type"),
    "boolean_headcount": (setter("company.headcount", True), "company.headcount", "int_type"),
    "text_headcount": (setter("company.headcount", "douze"), "company.headcount", "int_parsing"),
    "huge_name": (setter("company.legal_name", "L" * 10_000), "company.legal_name",
                  "string_too_long"),
    "empty_name": (setter("company.legal_name", "   "), "company.legal_name", "string_too_short"),
    "nul_in_name": (setter("company.legal_name", "Lumi\x00phase"), "company.legal_name",
                    "control_characters"),
    "newline_in_name": (setter("company.legal_name", "Lumi\nphase"), "company.legal_name",
                        "control_characters"),
    "escape_in_summary": (setter("project.summary", "Laser \x1b[31mrouge"), "project.summary",
                          "control_characters"),
    "lone_surrogate": (setter("founders.0.last_name", "Roux\ud800"), "founders[0].last_name",
                       "control_characters"),
    "long_summary": (setter("project.summary", "x" * 1001), "project.summary",
                     "string_too_long"),
    "future_creation": (setter("company.creation_date", "2026-03-02"), "company.creation_date",
                        "date_in_future"),
    "bad_date": (setter("company.creation_date", "2021-02-30"), "company.creation_date",
                 "date_from_datetime_parsing"),
    "timestamp_date": (setter("company.creation_date", 1615766400), "company.creation_date",
                       "date_type"),
    "future_history_year": (setter("financials.history.2.year", 2027),
                            "financials.history[2].year", "year_in_future"),
    "duplicate_history_year": (setter("financials.history.1.year", 2023),
                               "financials.history[1].year", "duplicate_year"),
    "duplicate_forecast_year": (setter("financials.forecast.4.year", 2026),
                                "financials.forecast[4].year", "duplicate_year"),
    "four_history_years": (
        lambda d: d["financials"]["history"].append(dict(d["financials"]["history"][0])),
        "financials.history", "too_long"),
    "duplicate_label": (setter("company.labels", ["jei", "jei"]), "company.labels[1]",
                        "duplicate_label"),
    "unknown_label": (setter("company.labels", ["jei", "nobel"]), "company.labels[1]", "enum"),
    "partner_twice": (setter("requests.1.partner", "cepac"), "requests[1].partner",
                      "duplicate_partner"),
    "unknown_partner": (setter("requests.0.partner", "banque-inconnue"), "requests[0].partner",
                        "unknown_partner"),
    "unknown_source_partner": (setter("funding.sources.2.partner", "fonds-x"),
                               "funding.sources[2].partner", "unknown_partner"),
    "instrument_not_offered": (setter("requests.2.instrument", "bank_loan"),
                               "requests[2].instrument", "instrument_not_offered"),
    "loan_without_amount": (remover("requests.0.amount_eur"), "requests[0].amount_eur",
                            "amount_required"),
    "advice_with_amount": (setter("requests.4.amount_eur", "1000"), "requests[4].amount_eur",
                           "amount_not_applicable"),
    "unknown_instrument": (setter("requests.0.instrument", "loan"), "requests[0].instrument",
                           "enum"),
    "extra_field": (setter("company.ceo", "Camille"), "company.ceo", "extra_forbidden"),
    "extra_top_field": (setter("notes", "hello"), "notes", "extra_forbidden"),
    "email": (setter("founders.1.email", "karim@"), "founders[1].email", "email_invalid"),
    "phone": (setter("founders.0.phone", "12 34"), "founders[0].phone", "phone_invalid"),
    "phone_fr_too_short": (setter("founders.0.phone", "+33 6 12 34 56"), "founders[0].phone",
                           "phone_invalid"),
    "url_scheme": (setter("company.website", "ftp://lumiphase.fr"), "company.website",
                   "url_scheme"),
    "url_javascript": (setter("company.website", "javascript:alert(1)"), "company.website",
                       "url_scheme"),
    "url_relative": (setter("company.website", "www.lumiphase.fr"), "company.website",
                     "url_parsing"),
    "naf": (setter("company.naf_code", "26.7Z"), "company.naf_code", "naf_code_invalid"),
    "postal_code": (setter("company.address.postal_code", "1301"),
                    "company.address.postal_code", "postal_code_invalid"),
    "country": (setter("company.address.country", "ZZ"), "company.address.country",
                "country_invalid"),
    "country_format": (setter("company.address.country", "FRA"), "company.address.country",
                       "string_pattern_mismatch"),
    "legal_form": (setter("company.legal_form", "GIE"), "company.legal_form", "enum"),
    "schema_version": (setter("schema_version", 2), "schema_version", "literal_error"),
    "full_time": (setter("founders.0.full_time", "sometimes"), "founders[0].full_time",
                  "bool_parsing"),
    "company_not_object": (setter("company", "Lumiphase"), "company", "model_type"),
    "founders_not_list": (setter("founders", {"first_name": "Camille"}), "founders",
                          "list_type"),
    "eleven_founders": (lambda d: d["founders"].extend([{}] * 8), "founders", "too_long"),
    "duration": (setter("requests.0.duration_months", 0), "requests[0].duration_months",
                 "greater_than_equal"),
    "forecast_year": (setter("financials.forecast.0.year", 1850), "financials.forecast[0].year",
                      "greater_than_equal"),
    "partner_code_format": (setter("requests.0.partner", "CEPAC!"), "requests[0].partner",
                            "string_pattern_mismatch"),
    "name_not_text": (setter("company.legal_name", 42), "company.legal_name", "string_type"),
}


def errors_of(name: str) -> list[FieldError]:
    mutate, _, _ = CASES[name]
    data = full()
    mutate(data)
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    return exc.value.errors


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
    data = full()
    data["founders"][2]["equity_pct"] = "25.01"
    data["funding"]["total_need_eur"] = 0
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    json.dumps([e.ctx for e in exc.value.errors])
    assert exc.value.errors[0].ctx == {"gt": "0.00"}


def test_several_errors_are_reported_at_once():
    data = full()
    data["company"]["siren"] = "123"
    data["bank_account"]["iban"] = "FR00"
    data["funding"]["uses"][0]["amount_eur"] = "1.001"
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    assert {(e.loc, e.code) for e in exc.value.errors} == {
        ("company.siren", "siren_invalid"), ("bank_account.iban", "iban_invalid"),
        ("funding.uses[0].amount_eur", "decimal_max_places")}


def test_advice_needs_no_amount():
    data = full()
    assert data["requests"][4] == {"partner": "bdf", "instrument": "advice"}
    d = validate_draft(data, partners=PARTNERS, today=TODAY)
    assert d.requests[4].amount_eur is None
    assert submission_errors(d, partners=PARTNERS) == []


def test_equity_at_exactly_100_is_fine():
    data = full()
    data["founders"][2]["equity_pct"] = "25.00"
    validate_draft(data, partners=PARTNERS, today=TODAY)


def test_french_numbers_and_phones_that_are_accepted():
    data = full()
    data["founders"][0]["phone"] = "+33 (0)6 12 34 56 78"
    data["founders"][1]["phone"] = "04.91.11.22.33"
    data["founders"][2]["phone"] = "+49 30 1234567"
    data["company"]["creation_date"] = TODAY.isoformat()  # today is not the future
    data["financials"]["history"][2]["year"] = TODAY.year
    validate_draft(data, partners=PARTNERS, today=TODAY)


def test_messages_give_the_figures():
    data = full()
    data["company"]["siret"] = "73282932000074"
    data["funding"]["uses"][0]["amount_eur"] = "520000.01"
    data["funding"]["sources"][0]["amount_eur"] = "69000.00"
    with pytest.raises(Invalid) as exc:
        validate_draft(data, partners=PARTNERS, today=TODAY)
    by_code = {e.code: e for e in exc.value.errors}
    siret = by_code["siret_siren_mismatch"]
    assert siret.message("fr") == "Le SIRET doit commencer par le SIREN (843152760)."
    assert siret.message("en") == "The SIRET must start with the SIREN (843152760)."
    uses = by_code["uses_unbalanced"]
    assert uses.ctx == {"expected": "1329243.00", "actual": "1329243.01", "difference": "0.01"}
    assert "1329243.01" in uses.message("fr") and "1329243.00" in uses.message("fr")
    assert "emplois" in uses.message("fr") and "uses" in uses.message("en")
    sources = by_code["sources_unbalanced"]
    assert sources.message("en") == ("The sources add up to 1328243.00 € but the total need is "
                                     "1329243.00 €; difference: -1000.00 €.")


def test_enum_choices_are_listed_without_english_glue():
    data = full()
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
        texts = MESSAGES.get(code, {})
        assert texts.get("fr") and texts.get("en") and texts["fr"] != texts["en"], code
    assert translate("missing", lang="en") == "This field is required."
    assert translate("missing", lang="fr") == "Ce champ est obligatoire."
