"""The published JSON Schema: valid draft 2020-12, derived from the markers, true to the API."""

from __future__ import annotations

import json

import jsonschema
import pytest

from dossier.validation import dossier_json_schema
from tests.helpers import full_dossier


def validator() -> jsonschema.Draft202012Validator:
    schema = dossier_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_schema_is_valid_and_identified():
    schema = dossier_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]
    assert "x-required" not in json.dumps(schema)


def test_full_fixture_validates():
    assert list(validator().iter_errors(full_dossier())) == []


def test_required_lists_come_from_the_markers():
    schema = dossier_json_schema()
    defs = schema["$defs"]
    assert set(schema["required"]) == {"schema_version", "company", "founders", "project",
                                       "financials", "funding", "requests"}
    assert "website" not in defs["Company"]["required"]
    assert {"siren", "siret", "address"} <= set(defs["Company"]["required"])
    assert defs["BankAccount"]["required"] == ["holder", "iban"]
    assert schema["properties"]["founders"]["minItems"] == 1
    assert schema["properties"]["founders"]["maxItems"] == 10


def test_money_is_a_string_with_a_pattern_or_a_number():
    money = dossier_json_schema()["$defs"]["Funding"]["properties"]["total_need_eur"]
    kinds = {branch["type"]: branch for branch in money["anyOf"]}
    assert set(kinds) == {"string", "number"}
    assert "pattern" in kinds["string"]


@pytest.mark.parametrize(("path", "value"), [
    (("company", "legal_name"), "x" * 201),
    (("company", "legal_form"), "GIE"),
    (("funding", "total_need_eur"), "0.00"),
    (("funding", "total_need_eur"), "1.234"),
    (("funding", "total_need_eur"), "12,5"),
    (("company", "website"), "ftp://lumiphase.fr"),
    (("company", "extra"), 1),
])
def test_schema_refuses_what_the_api_refuses(path, value):
    data = full_dossier()
    data[path[0]][path[1]] = value
    assert list(validator().iter_errors(data))


def test_schema_requires_what_submission_requires():
    data = full_dossier()
    del data["company"]["siret"]
    data["requests"][0].pop("amount_eur")
    data["requests"][4]["amount_eur"] = "10.00"
    messages = [e.message for e in validator().iter_errors(data)]
    assert any("siret" in m for m in messages)
    assert len(messages) == 3
    assert list(validator().iter_errors({})) != []


def test_optional_fields_accept_null_and_absence():
    data = full_dossier()
    data["company"]["website"] = None
    del data["bank_account"]
    assert list(validator().iter_errors(data)) == []
