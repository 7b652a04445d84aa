"""The dossier schema: the full fixture, drafts, submission readiness, normalisation, snapshots."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dossier.errors import Invalid
from dossier.schema import DossierV1, is_required
from dossier.validation import (
    canonical_json,
    completeness,
    content_hash,
    draft_warnings,
    dump_content,
    submission_errors,
    validate_draft,
)
from tests.helpers import OFFERS, full_dossier

TODAY = date(2026, 3, 1)
PARTNERS = OFFERS


def validated(changes: dict[str, Any] | None = None) -> DossierV1:
    """The full fixture as the API reads it (numbers as Decimal), with these dotted-path
    changes, validated as a draft against the partners' offers."""
    return validate_draft(full_dossier(decimals=True, changes=changes), partners=PARTNERS,
                          today=TODAY)


def locs(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str]]:
    return [(e.loc, e.code) for e in exc.value.errors]


def test_full_fixture_validates_and_is_ready_to_submit():
    d = validated()
    assert submission_errors(d, partners=PARTNERS) == []
    progress = completeness(d)
    assert progress["ready"] is True
    assert progress["missing"] == []
    assert progress["percent"] == 100
    assert all(s["filled"] == s["required"] > 0 for s in progress["sections"].values())
    assert d.company.siren == "843152760"
    assert d.funding.total_need_eur == Decimal("1329243.00")
    assert len(d.founders) == 3 and len(d.financials.history) == 3
    assert len(d.financials.forecast) == 5 and len(d.funding.sources) == 10


def test_empty_draft_is_valid_and_lists_everything_missing():
    d = validate_draft({}, today=TODAY)
    assert d.company is None and d.schema_version == 1
    errors = submission_errors(d)
    assert {(e.loc, e.code) for e in errors} >= {
        ("company.legal_name", "missing"), ("company.siret", "missing"),
        ("company.address.postal_code", "missing"), ("founders", "missing"),
        ("project.summary", "missing"), ("financials.forecast", "missing"),
        ("funding.total_need_eur", "missing"), ("funding.sources", "missing"),
        ("requests", "missing"),
    }
    assert not any(e.loc.startswith("bank_account") for e in errors)  # optional section
    progress = completeness(d)
    assert progress["ready"] is False and progress["percent"] == 0
    assert progress["sections"]["bank_account"] == {"filled": 0, "required": 0}


def test_partial_company_is_a_valid_draft_and_submission_names_the_gaps():
    d = validate_draft({"company": {"legal_name": "Lumiphase", "siren": "843152760"}},
                       today=TODAY)
    assert d.company.legal_name == "Lumiphase"
    missing = [e.loc for e in submission_errors(d) if e.code == "missing"]
    assert "company.legal_name" not in missing and "company.siren" not in missing
    assert "company.siret" in missing and "company.address.city" in missing
    assert "company.website" not in missing  # optional
    assert completeness(d)["sections"]["company"] == {"filled": 2, "required": 14}


def test_submission_names_fields_inside_list_items():
    data = full_dossier(decimals=True)
    del data["founders"][0]["email"]
    data["requests"] = []
    data["financials"]["forecast"][1].pop("headcount")
    d = validate_draft(data, partners=PARTNERS, today=TODAY)
    errors = {(e.loc, e.code) for e in submission_errors(d, partners=PARTNERS)}
    assert errors == {("founders[0].email", "missing"), ("requests", "too_short"),
                      ("financials.forecast[1].headcount", "missing")}
    assert set(completeness(d)["missing"]) == {"founders[0].email", "requests",
                                              "financials.forecast[1].headcount"}


def test_a_loan_request_without_its_amount_is_a_warning_on_a_draft_and_blocks_submission():
    data = full_dossier(decimals=True)
    del data["requests"][0]["amount_eur"]
    d = validate_draft(data, partners=PARTNERS, today=TODAY)
    warnings = [(e.loc, e.code) for e in draft_warnings(d, partners=PARTNERS)]
    assert warnings == [("requests[0].amount_eur", "amount_required")]
    assert ("requests[0].amount_eur", "amount_required") in [
        (e.loc, e.code) for e in submission_errors(d, partners=PARTNERS)]


def test_submission_checks_partners_against_the_current_catalogue():
    d = validate_draft(full_dossier(decimals=True), today=TODAY)  # parsed without a catalogue
    shrunk = {k: v for k, v in PARTNERS.items() if k != "bpmed"}
    errors = [(e.loc, e.code) for e in submission_errors(d, partners=shrunk)]
    assert errors == [("funding.sources[4].partner", "unknown_partner"),
                      ("requests[1].partner", "unknown_partner")]


def test_cross_field_rules_wait_until_their_fields_are_present():
    # total without lists, lists without total, an amount still missing: no balance error yet
    validate_draft({"funding": {"total_need_eur": "1000", "uses": [], "sources": []}})
    validate_draft({"funding": {"uses": [{"amount_eur": "10"}], "sources": [{"label": "x"}]}})
    validate_draft({"funding": {"total_need_eur": "1000", "sources": [
        {"amount_eur": "10"}, {"label": "amount to come"}]}})
    validate_draft({"company": {"siret": "84315276000016"}})
    validate_draft({"requests": [{"partner": "cepac"}]}, partners=PARTNERS)
    # once they are: a warning on the draft, which is saved all the same
    d = validate_draft({"funding": {"total_need_eur": "1000", "uses": [{"amount_eur": "10"}]}})
    assert [(e.loc, e.code) for e in draft_warnings(d)] == [("funding.uses", "uses_unbalanced")]
    assert completeness(d)["ready"] is False


def test_identifiers_are_normalised():
    d = validated({"company.siren": " 843 152 760 ", "company.siret": "843 152 760 00016",
                   "company.naf_code": "2670z",
                   "bank_account.iban": "fr76 1131 5000 0108 0123 4567 852",
                   "bank_account.bic": "cepafrpp131"})
    assert (d.company.siren, d.company.siret) == ("843152760", "84315276000016")
    assert d.company.naf_code == "26.70Z"
    assert d.bank_account.iban == "FR7611315000010801234567852"
    assert d.bank_account.bic == "CEPAFRPP131"


def test_text_is_stripped_and_multiline_only_where_allowed():
    d = validated({"company.legal_name": "  Lumiphase\u00a0 ",
                   "project.innovation": "Ligne 1\r\n\tLigne 2"})
    assert d.company.legal_name == "Lumiphase"
    assert d.project.innovation == "Ligne 1\n\tLigne 2"


def test_markup_is_kept_as_plain_text():
    content = dump_content(validated({
        "project.summary": "<b>Laser</b> <script>alert('x')</script> & co",
        "project.innovation": '<img src="file:///etc/passwd">',
        "company.legal_name": "Lumi<phase> & Cie"}))
    assert content["project"]["summary"] == "<b>Laser</b> <script>alert('x')</script> & co"
    assert content["project"]["innovation"] == '<img src="file:///etc/passwd">'
    assert content["company"]["legal_name"] == "Lumi<phase> & Cie"


def test_dump_content_writes_money_as_strings_and_drops_absent_fields():
    data = full_dossier(decimals=True)
    data["funding"]["total_need_eur"] = 1329243
    data["company"]["share_capital_eur"] = Decimal("150000")
    content = dump_content(validate_draft(data, partners=PARTNERS, today=TODAY))
    assert content["funding"]["total_need_eur"] == "1329243.00"
    assert content["company"]["share_capital_eur"] == "150000.00"
    assert content["founders"][0]["equity_pct"] == "42.50"
    assert "phone" not in content["founders"][2]
    assert "amount_eur" not in content["requests"][4]
    assert validate_draft(content, partners=PARTNERS, today=TODAY) == validate_draft(
        full_dossier(decimals=True), partners=PARTNERS, today=TODAY)


def test_canonical_json_and_hash_ignore_input_spelling():
    a = validate_draft(full_dossier(decimals=True), today=TODAY)
    data = full_dossier(decimals=True)
    data["funding"]["total_need_eur"] = 1329243  # same amount, other spelling
    data["company"]["siren"] = "843 152 760"
    data = dict(reversed(list(data.items())))  # other key order
    b = validate_draft(data, today=TODAY)
    assert canonical_json(a) == canonical_json(b)
    assert content_hash(a) == content_hash(b)
    assert len(content_hash(a)) == 64
    text = canonical_json(a)
    assert text.startswith('{"bank_account":{"bic":"CEPAFRPP131","holder":"Lumiphase SAS",')
    assert '"schema_version":1}' in text and "Technopôle" in text
    assert json.loads(text)["funding"]["total_need_eur"] == "1329243.00"
    changed = copy.deepcopy(full_dossier(decimals=True))
    changed["company"]["headcount"] = 15
    assert content_hash(validate_draft(changed, today=TODAY)) != content_hash(a)


def test_a_stored_dossier_loads_without_context():
    content = dump_content(validated())
    assert DossierV1.model_validate(content).company.legal_name == "Lumiphase"


def test_required_markers_are_the_single_source():
    fields = DossierV1.model_fields
    assert is_required(fields["company"]) and not is_required(fields["bank_account"])
    company = fields["company"].annotation.__args__[0].model_fields
    assert is_required(company["siret"]) and not is_required(company["website"])
