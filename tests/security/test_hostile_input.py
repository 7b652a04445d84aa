"""Hostile numbers and nesting: refused with a field error before any costly conversion.

The JSON API cases are in the bad-input corpus (tests/security/test_bad_inputs.py); here are
the bounds themselves, the schema types fed huge Decimals directly, and the web forms. The
live-server cases (liveness of /health, bodies and headers) are in test_input_live.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.web.common.formdata import parse_section
from dossier.bounded_numbers import MAX_DEPTH, json_depth_ok, number_fits, read_json, small_index
from dossier.errors import DomainError, Invalid
from dossier.models import Dossier, Partner
from dossier.money import Money, PositiveMoney
from dossier.routing.payloads import Approval
from dossier.schema.types import Headcount, LongText, Text100
from forms.definition import section
from tests.conftest import DEMO_PASSWORD
from tests.helpers import page_post
from tests.security.test_bad_inputs import snapshot

HUGE = ["1e999999999", "1E+100000000", "-1e-999999999", "9" * 5000, "1" * 5000 + ".5",
        "0." + "0" * 5000 + "1"]


# --- the bounds ---

@pytest.mark.parametrize("text", HUGE, ids=lambda t: t[:16])
def test_numbers_beyond_the_bounds_do_not_fit(text):
    assert not number_fits(text)


@pytest.mark.parametrize("text", ["0", "-12", "1329243.00", "1.5e3", "2E-2", "1" * 40,
                                  "1e40", "1e00000000000000000000000000001"])
def test_ordinary_numbers_fit(text):
    assert number_fits(text)


@pytest.mark.parametrize("text", ["1000", "9" * 5000, "²", "-1", "", "1.5"],
                         ids=lambda t: t[:8])
def test_row_numbers_beyond_999_or_unreadable_are_none(text):
    assert small_index(text) is None


def test_depth_is_counted_outside_strings_without_recursion():
    assert json_depth_ok(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert not json_depth_ok(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert json_depth_ok(b'{"a": "' + b"[" * 10_000 + b'"}')  # brackets in a string
    assert json_depth_ok(b'{"a": "\\"' + b"[" * 10_000 + b'"}')  # after an escaped quote
    assert not json_depth_ok(b"[" * 1_000_000)  # far past Python's recursion limit


def _reference_depth(value: object) -> int:
    """Nesting of a parsed JSON value (the definition json_depth_ok counts on the text)."""
    if isinstance(value, dict):
        return 1 + max(map(_reference_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_reference_depth, value), default=0)
    return 0


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\\\ab\n'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(alphabet='[]{}"\\\\k'), inner, max_size=3), max_leaves=80)


@settings(max_examples=400, deadline=None)
@given(_JSON)
def test_depth_on_the_text_is_the_depth_of_the_value(value):
    text = json.dumps(value).encode()
    assert json_depth_ok(text) == (_reference_depth(value) <= MAX_DEPTH)
    deep = json.dumps([value] * 2 if _reference_depth(value) else value)
    nested = ("[" * MAX_DEPTH + deep + "]" * MAX_DEPTH).encode()
    assert json_depth_ok(nested) == (_reference_depth(json.loads(nested)) <= MAX_DEPTH)


def test_a_text_field_refuses_exactly_the_control_and_bidi_characters():
    adapter, notes = TypeAdapter(Text100), TypeAdapter(LongText)
    bidi = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    for code in [*range(0x0, 0x250), *range(0x2000, 0x2070), *range(0xD7F0, 0xE010), 0x10FFFF]:
        char = chr(code)
        forbidden = unicodedata.category(char) in {"Cc", "Cs"} or code in bidi
        for kind, allowed in ((adapter, ""), (notes, "\n\t\r")):
            try:
                kind.validate_python(f"a{char}b")
                refused = False
            except ValidationError as exc:
                refused = exc.errors()[0]["type"] == "control_characters"
            assert refused == (forbidden and char not in allowed), hex(code)


def test_a_megabyte_of_text_is_refused_as_too_long():
    with pytest.raises(ValidationError) as exc:
        TypeAdapter(Text100).validate_python("Lumière " * 130_000)
    assert exc.value.errors()[0]["type"] == "string_too_long"


def test_read_json_names_each_refused_number():
    with pytest.raises(Invalid) as caught:
        read_json(b'{"a": [1, {"b": 1E+100000000}], "c": NaN, "d": ' + b"9" * 5000 + b"}")
    assert {(e.loc, e.code) for e in caught.value.errors} == {
        ("a[1].b", "number_too_large"), ("c", "finite_number"), ("d", "number_too_large")}
    with pytest.raises(DomainError, match="json_too_deep"):
        read_json(b"[" * 100_000 + b"]" * 100_000)
    assert read_json(b'{"x": 1.50, "n": 3}') == {"x": Decimal("1.50"), "n": 3}


# --- the schema types, fed Decimals the JSON reader would not produce ---

@pytest.mark.parametrize("value", [Decimal("1E+100000000"), Decimal("1e999999999"),
                                   "9" * 5000, 10 ** 5000], ids=["exp1e8", "exp1e9", "digits",
                                                                 "int"])
def test_integer_types_refuse_huge_numbers_before_converting(value):
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Headcount).validate_python(value)
    assert caught.value.errors()[0]["type"] == "number_too_large"


@pytest.mark.parametrize("value", [Decimal("1E+1000000000"), Decimal("-1E+1000000000"),
                                   Decimal("1E-1000000000"), "1" * 5000, 10 ** 5000],
                         ids=["exp", "negative", "tiny", "digits", "int"])
@pytest.mark.parametrize("money", [Money, PositiveMoney])
def test_money_types_refuse_huge_numbers_never_overflow(money, value):
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(money).validate_python(value)
    assert caught.value.errors()[0]["type"] == "number_too_large"


def test_money_zero_with_any_exponent_is_zero():
    assert TypeAdapter(Money).validate_python(Decimal("0E+1000000000")) == Decimal("0.00")


def test_reviewer_decision_fields_refuse_huge_numbers():
    with pytest.raises(ValidationError) as caught:
        Approval.model_validate({"type": "approved", "instrument": "bank_loan",
                                 "amount_eur": Decimal("1E+1000000000"),
                                 "duration_months": Decimal("1E+1000000000")})
    assert {e["loc"][-1]: e["type"] for e in caught.value.errors()} == {
        "amount_eur": "number_too_large", "duration_months": "number_too_large"}


# --- the web forms ---

def page_session(client, email: str) -> str:
    """Log in through the form; the session's CSRF token."""
    client.cookies.clear()
    r = page_post(client, "/login", {"email": email, "password": DEMO_PASSWORD},
                  follow_redirects=False)
    assert r.status_code == 303, r.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)


def new_dossier(client, csrf: str) -> str:
    r = client.post("/founder/dossiers/new", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/")[3]


def test_form_row_number_beyond_the_bound_is_a_field_error():
    with pytest.raises(Invalid) as caught:
        parse_section(section("founders"), {f"founders[{'9' * 5000}].email": ["a@b.fr"]})
    assert caught.value.errors[0].loc == "founders"


def test_wizard_refuses_a_5000_digit_headcount(client, sessions, store):
    csrf = page_session(client, "founder@demo.example")
    dossier_id = new_dossier(client, csrf)
    r = client.post(f"/founder/dossiers/{dossier_id}/edit/company",
                    data={"csrf": csrf, "company.headcount": "9" * 5000})
    # Kept as typed with its error (issue 14: never lose typed work), never in the content.
    assert r.status_code == 200, r.text[:300]
    assert 'id="f-company-headcount"' in r.text and "plus de 40 chiffres" in r.text
    with sessions() as db:
        dossier = db.get(Dossier, uuid.UUID(dossier_id))
        assert dossier.content == {"schema_version": 1}
        assert list(dossier.pending_input) == ["company.headcount"]


@pytest.mark.parametrize("name", [f"founders[{'9' * 5000}].email", "founders[1000].email",
                                  "founders[\u0663].email"], ids=["5000", "1000", "arabic"])
def test_wizard_refuses_an_unreadable_row_number(client, sessions, store, name):
    csrf = page_session(client, "founder@demo.example")
    dossier_id = new_dossier(client, csrf)
    before = snapshot(sessions, store)
    r = client.post(f"/founder/dossiers/{dossier_id}/edit/founders",
                    data={"csrf": csrf, name: "camille@lumiphase.fr"})
    assert r.status_code == 422, r.text[:300]
    assert "founders" in r.text and "Numéro de ligne illisible" in r.text
    assert snapshot(sessions, store) == before


def test_wizard_remove_button_with_a_5000_digit_row_is_a_plain_save(client, sessions):
    csrf = page_session(client, "founder@demo.example")
    dossier_id = new_dossier(client, csrf)
    r = client.post(f"/founder/dossiers/{dossier_id}/edit/founders",
                    data={"csrf": csrf, "_action": "remove:founders:" + "9" * 5000},
                    follow_redirects=False)
    assert r.status_code in (303, 422), r.text[:300]


def test_partner_choice_refuses_a_5000_digit_duration(client, sessions):
    csrf = page_session(client, "founder@demo.example")
    dossier_id = new_dossier(client, csrf)
    r = client.post(f"/founder/dossiers/{dossier_id}/partners",
                    data={"csrf": csrf, "choose": "cepac", "instrument.cepac": "bank_loan",
                          "duration.cepac": "9" * 5000}, follow_redirects=False)
    assert r.status_code == 422, r.text[:300]
    assert "plus de 40 chiffres" in r.text


@pytest.mark.parametrize(("typed", "message"), [
    ({"amount_min_eur": "9" * 5000}, "Montant demandé minimal (€) : le montant est trop grand."),
    ({"amount_min_eur": "1e999999999"},
     "Montant demandé minimal (€) : un montant en euros est attendu"),
    ({"amount_max_eur": "NaN"}, "Montant demandé maximal (€) : un montant en euros est attendu"),
    ({"min_company_age_years": "9" * 5000},
     "Âge minimal de l'entreprise (années) : doit être au plus 200."),
    ({"territory": "departments", "departments": "1300 " * 5000},
     "Départements : « 1300 » n'est pas un numéro de département"),
], ids=["digits", "exponent", "nan", "years", "departments"])
def test_staff_partner_form_refuses_huge_typed_values(client, sessions, typed, message):
    csrf = page_session(client, "staff@demo.example")
    with sessions() as db:
        before = dict(db.get(Partner, "cepac").config)
    data = {"csrf": csrf, "sla_days": "20", "instruments": ["bank_loan"], **typed}
    r = client.post("/staff/partners/cepac", data=data, follow_redirects=False)
    assert r.status_code == 422, r.text[:300]
    assert message in r.text.replace("&#39;", "'")
    with sessions() as db:
        assert db.get(Partner, "cepac").config == before


