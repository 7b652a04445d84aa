"""Every verdict explains itself in French and English, with no placeholder left unfilled."""

from __future__ import annotations

from datetime import date

import pytest

from banks.catalogue import EligibilityRules
from banks.eligibility import evaluate
from banks.rules.messages import MESSAGES, render, value_label
from dossier.i18n import MESSAGES as ALL_MESSAGES
from dossier.i18n import translate
from dossier.labels import LABELS
from dossier.schema import DossierV1
from dossier.schema.enums import Instrument, Label, Sector, Stage
from dossier.validity import Document

TODAY = date(2026, 6, 1)
OLD_KBIS = Document("kbis", date(2025, 1, 1), "kbis-2025.pdf")  # expired: its own verdict


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_a_french_and_an_english_message(code):
    assert code in ALL_MESSAGES
    fr, en = translate(code, {}, "fr"), translate(code, {}, "en")
    assert fr.strip() and en.strip() and fr != en


def test_unknown_codes_follow_the_rule_name():
    unknown = {c for c in MESSAGES if c.startswith("unknown_")}
    assert unknown == {"unknown_territory", "unknown_company_age", "unknown_stage",
                       "unknown_sector", "unknown_founders_full_time", "unknown_instrument",
                       "unknown_amount"}


@pytest.mark.parametrize(("kind", "enum"), [("stage", Stage), ("sector", Sector),
                                            ("label", Label), ("instrument", Instrument)])
def test_every_closed_list_value_is_worded_from_the_words_beside_its_enum(kind, enum):
    assert set(LABELS[kind]) == {m.value for m in enum}
    if kind != "label":  # label names (French Tech 120) read the same in both languages
        for member in enum:
            assert value_label(kind, member.value, "fr") != value_label(kind, member.value, "en")


def test_words_inside_a_sentence_lose_their_capital_but_not_acronyms_or_names():
    assert value_label("instrument", "bank_loan", "fr") == "prêt bancaire"
    assert value_label("sector", "photonics", "en") == "photonics"
    assert value_label("stage", "early", "fr")[0].islower()
    assert value_label("label", "french_tech_120", "fr") == "French Tech 120"
    assert value_label("label", "jei", "en").startswith("JEI")



@pytest.mark.parametrize(("held", "fr", "en"), [
    (["french_tech_120"], "Label détenu : French Tech 120.", "Label held: French Tech 120."),
    (["french_tech_120", "cir"], "Labels détenus : French Tech 120, ",
     "Labels held: French Tech 120, "),
])
def test_labels_held_are_one_or_several_never_label_s(held, fr, en):
    assert render("labels", "labels_ok", {"held": held}, "fr").startswith(fr)
    assert render("labels", "labels_ok", {"held": held}, "en").startswith(en)

def _variants(make_dossier):
    def edit(**company):
        def apply(d):
            d["company"].update(company)
        return apply
    yield make_dossier()
    yield DossierV1()
    yield make_dossier(edit(creation_date="2001-01-01", stage="growth", sector="other",
                            labels=None))
    yield make_dossier(edit(address={"line1": "x", "postal_code": "84120",
                                     "city": "La Bastidonne", "country": "FR"}))
    yield make_dossier(edit(address={"line1": "x", "postal_code": "01000",
                                     "city": "Bruxelles", "country": "BE"}))

    def big(d):
        for r in d["requests"]:
            if r.get("amount_eur"):
                r["amount_eur"] = "9999999.00"
        d["requests"][2]["instrument"] = "grant"
        for f in d["founders"]:
            f["full_time"] = False
    yield make_dossier(big)

    def small(d):
        for r in d["requests"]:
            if r.get("amount_eur"):
                r["amount_eur"] = "1.00"
        d["requests"][3] = {"partner": "mi-honor-loan"}
    yield make_dossier(small)


EXTRA_RULES = [
    {},
    {"territory": "france", "min_company_age_years": 30, "max_company_age_years": None,
     "sectors": ["photonics"], "labels_any": ["jei"], "min_founders_full_time": 2,
     "amount_min_eur": "1", "amount_max_eur": None},
    {"territory": ["13", "2A"], "min_company_age_years": None, "max_company_age_years": 1,
     "amount_min_eur": None, "amount_max_eur": "2"},
]


def test_every_verdict_renders_in_both_languages(partners, make_dossier):
    seen = set()
    for dossier in _variants(make_dossier):
        for partner in partners.values():
            for extra in EXTRA_RULES:
                rules = EligibilityRules.model_validate(
                    {**partner.eligibility.model_dump(), **extra})
                spec = partner.model_copy(update={"eligibility": rules})
                for lang in ("fr", "en"):
                    result = evaluate(spec, dossier, attachment_kinds=[OLD_KBIS], today=TODAY,
                                      lang=lang)
                    for r in result.reasons:
                        seen.add(r.code)
                        assert r.code in MESSAGES
                        assert r.message != r.code
                        assert "{" not in r.message and "None" not in r.message, r
    assert seen == set(MESSAGES), set(MESSAGES) - seen


def test_french_by_default_and_for_an_unknown_language():
    ctx = {"amount": "500.00", "min": "1000.00", "max": None}
    french = render("amount", "amount_below_min", ctx)
    assert french == ("Montant demandé : 500,00\u00a0€, sous le minimum de ce partenaire "
                      "(1\u202f000,00\u00a0€).")
    assert render("amount", "amount_below_min", ctx, "de") == french
    assert render("amount", "amount_below_min", ctx, "en").startswith("Amount requested: €500.00")
