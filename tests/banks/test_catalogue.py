"""The catalogue file validates, its eligibility rules are typed, and bad rules are refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from banks.catalogue import DEFAULT_CATALOGUE, EligibilityRules, PartnerSpec, load_catalogue
from dossier.schema.enums import Stage

SPEC_CODES = {"bdf", "cepac", "ca-alpes-provence", "cic", "bnp-paribas", "bpmed", "ampa",
              "mi-honor-loan"}


def test_the_catalogue_file_validates_with_typed_rules():
    partners = {p.code: p for p in load_catalogue().partners}
    assert set(partners) == SPEC_CODES
    honor = partners["mi-honor-loan"].eligibility
    assert isinstance(honor, EligibilityRules)
    assert honor.territory == "metropole_amp"
    assert honor.amount_max_eur == Decimal("90000.00")
    assert Stage.seed in honor.stages
    assert all(p.eligibility.territory == "metropole_amp" for p in partners.values())


def test_a_db_row_rebuilds_the_same_entry_and_unset_rules_are_not_written():
    for spec in load_catalogue().partners:
        entry = spec.model_dump(mode="json")
        assert None not in entry["eligibility"].values()
        config = {k: v for k, v in entry.items() if k not in ("code", "name", "kind")}
        assert PartnerSpec.from_db(spec.code, spec.name, spec.kind, config) == spec
    assert load_catalogue().partners[0].model_dump(mode="json")["eligibility"] == {
        "territory": "metropole_amp"}


def _error(rules: dict) -> dict:
    with pytest.raises(ValidationError) as info:
        EligibilityRules.model_validate(rules)
    errors = info.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


def test_an_unknown_rule_is_refused_by_name():
    error = _error({"territory": "metropole_amp", "max_age": 5})
    assert error["type"] == "extra_forbidden" and error["loc"] == ("max_age",)


def test_a_negative_age_is_refused():
    error = _error({"max_company_age_years": -1})
    assert error["type"] == "greater_than_equal" and error["loc"] == ("max_company_age_years",)


@pytest.mark.parametrize(("rules", "words"), [
    ({"min_company_age_years": 9, "max_company_age_years": 5}, "min_company_age_years (9)"),
    ({"amount_min_eur": "50000", "amount_max_eur": "1000"}, "amount_min_eur (50000.00)"),
    ({"territory": []}, "at least one department"),
])
def test_inconsistent_rules_are_refused_with_a_clear_message(rules, words):
    assert words in _error(rules)["msg"]


@pytest.mark.parametrize("rules", [
    {"territory": "provence"}, {"territory": ["13", "99"]}, {"territory": ["2A", "130"]},
    {"stages": []}, {"stages": ["series_a"]}, {"sectors": ["banking"]},
    {"amount_min_eur": "-1"}, {"amount_max_eur": "0"}, {"amount_min_eur": "10.001"},
    {"min_founders_full_time": 0}, {"labels_any": ["iso9001"]},
    {"max_company_age_years": "5"}, {"max_company_age_years": True},
])
def test_bad_rule_values_are_refused(rules):
    with pytest.raises(ValidationError):
        EligibilityRules.model_validate(rules)


def test_a_catalogue_file_with_a_bad_rule_names_the_partner_and_the_rule(tmp_path):
    data = json.loads(DEFAULT_CATALOGUE.read_text("utf-8"))
    data["partners"][6]["eligibility"]["max_company_age_years"] = -3
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValidationError) as info:
        load_catalogue(path)
    assert "partners.6.eligibility.max_company_age_years" in str(info.value)


def test_departments_are_accepted():
    rules = EligibilityRules.model_validate({"territory": ["13", "84", "2A", "974"]})
    assert rules.territory == ["13", "84", "2A", "974"]
