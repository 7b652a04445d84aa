"""Each partner's rules on the fixture dossier and its variants, explained in French and English."""

from __future__ import annotations

from datetime import date

import pytest

from banks.catalogue import EligibilityRules, PartnerSpec
from banks.eligibility import Eligibility, evaluate, evaluate_all
from dossier.schema import DossierV1

TODAY = date(2026, 6, 1)
ALL_KINDS = ["kbis", "statuts", "id_founder", "business_plan", "financial_statements",
             "forecast", "pitch_deck", "rib", "cap_table"]
REQUESTED = ["cepac", "bpmed", "ampa", "mi-honor-loan", "bdf"]


def check(partner: PartnerSpec, dossier: DossierV1, *, kinds=ALL_KINDS, today=TODAY,
          lang="fr") -> Eligibility:
    return evaluate(partner, dossier, attachment_kinds=kinds, today=today, lang=lang)


def reason(result: Eligibility, rule: str):
    return next(r for r in result.reasons if r.rule == rule)


def with_rules(partner: PartnerSpec, **rules) -> PartnerSpec:
    merged = {**partner.eligibility.model_dump(), **rules}
    return partner.model_copy(update={"eligibility": EligibilityRules.model_validate(merged)})


def set_address(postal_code, city):
    def edit(d):
        d["company"]["address"].update(postal_code=postal_code, city=city)
    return edit


@pytest.mark.parametrize("code", REQUESTED)
def test_the_fixture_is_eligible_and_ready_for_every_partner_it_requests(partners, make_dossier,
                                                                         code):
    result = check(partners[code], make_dossier())
    assert result.eligible and result.ready and result.requested, result.reasons
    assert result.missing == []
    assert all(r.ok for r in result.reasons)
    assert reason(result, "territory").code == "territory_metropole_ok"


def test_arles_is_out_of_territory(partners, make_dossier):
    result = check(partners["cepac"], make_dossier(set_address("13200", "Arles")))
    assert not result.eligible and not result.ready
    r = reason(result, "territory")
    assert (r.ok, r.code) == (False, "territory_metropole_outside")
    assert "13200 Arles" in r.message and "hors de la Métropole" in r.message
    assert [x.rule for x in result.reasons if not x.ok] == ["territory"]


@pytest.mark.parametrize(("postal_code", "city"), [("84120", "Pertuis"), ("13002", "Marseille"),
                                                   ("83640", "Saint-Zacharie")])
def test_member_communes_are_in_territory(partners, make_dossier, postal_code, city):
    assert check(partners["mi-honor-loan"], make_dossier(set_address(postal_code, city))).eligible


def test_la_bastidonne_shares_pertuis_postal_code_but_is_out(partners, make_dossier):
    result = check(partners["bdf"], make_dossier(set_address("84120", "La Bastidonne")))
    assert reason(result, "territory").code == "territory_metropole_outside"


def test_a_head_office_abroad_is_out(partners, make_dossier):
    def edit(d):
        d["company"]["address"].update(postal_code="01000", city="Bruxelles", country="BE")
    r = reason(check(partners["bdf"], make_dossier(edit)), "territory")
    assert (r.ok, r.code) == (False, "territory_metropole_outside")
    assert "(BE)" in r.message


def test_france_and_department_territories(partners, make_dossier):
    aix = make_dossier(set_address("13100", "Aix-en-Provence"))
    paris = make_dossier(set_address("75002", "Paris"))
    france = with_rules(partners["bdf"], territory="france")
    south = with_rules(partners["bdf"], territory=["13", "84", "83"])
    assert reason(check(france, paris), "territory").code == "territory_france_ok"
    assert reason(check(south, aix), "territory").code == "territory_departments_ok"
    r = reason(check(south, paris), "territory")
    assert (r.ok, r.code, r.ctx["department"]) == (False, "territory_departments_outside", "75")
    assert "13, 84, 83" in r.message


def test_an_old_company_fails_the_honor_loan_age_limit(partners, make_dossier):
    def edit(d):
        d["company"]["creation_date"] = "2012-09-01"
    result = check(partners["mi-honor-loan"], make_dossier(edit))
    r = reason(result, "company_age")
    assert not result.eligible
    assert (r.ok, r.code, r.ctx["age"], r.ctx["max"]) == (False, "company_too_old", 13, 7)
    assert r.message == ("L'entreprise a 13 ans ; ce partenaire finance les entreprises "
                         "de 7 ans au plus.")


@pytest.mark.parametrize(("created", "today", "ok"), [
    ("2019-06-01", date(2026, 6, 1), False),  # 7 years completed that very day
    ("2019-06-02", date(2026, 6, 1), True),
    ("2018-06-02", date(2026, 6, 1), False),
    ("2020-02-29", date(2027, 2, 28), True),  # the 7th anniversary is on 1 March
])
def test_age_is_counted_in_completed_years(partners, make_dossier, created, today, ok):
    strict = with_rules(partners["mi-honor-loan"], max_company_age_years=6)

    def edit(d):
        d["company"]["creation_date"] = created
    assert reason(check(strict, make_dossier(edit), today=today), "company_age").ok is ok


def test_a_minimum_age(partners, make_dossier):
    seasoned = with_rules(partners["cic"], min_company_age_years=6)
    r = reason(check(seasoned, make_dossier()), "company_age")
    assert (r.ok, r.code, r.ctx["age"]) == (False, "company_too_young", 5)
    assert "au moins 6 ans" in r.message


@pytest.mark.parametrize(("amount", "code"), [("4999.99", "amount_below_min"),
                                              ("90000.01", "amount_above_max"),
                                              ("5000", "amount_ok"), ("90000", "amount_ok")])
def test_the_amount_requested_from_the_partner_is_bounded(partners, make_dossier, amount, code):
    def edit(d):
        d["requests"][3]["amount_eur"] = amount
    result = check(partners["mi-honor-loan"], make_dossier(edit))
    r = reason(result, "amount")
    assert r.code == code and r.ok is (code == "amount_ok") and result.eligible is r.ok
    assert r.ctx["amount"] == f"{float(amount):.2f}"


def test_a_partner_not_requested_is_still_evaluated(partners, make_dossier):
    result = check(partners["cic"], make_dossier())
    assert result.eligible and not result.requested
    amount = reason(result, "amount")
    assert amount.code == "amount_not_requested" and amount.ok
    assert "Aucun montant" in amount.message and "10\u202f000,00\u00a0€" in amount.message
    assert reason(result, "instrument").code == "instrument_not_requested"
    assert "No amount is requested" in reason(
        check(partners["cic"], make_dossier(), lang="en"), "amount").message


def test_a_stage_the_partner_does_not_fund(partners, make_dossier):
    def edit(d):
        d["company"]["stage"] = "growth"
    result = check(partners["ampa"], make_dossier(edit))
    r = reason(result, "stage")
    assert not result.eligible and (r.ok, r.code) == (False, "stage_not_accepted")
    assert r.ctx == {"stage": "growth", "stages": ["pre_seed", "seed", "early"]}
    assert "croissance" in r.message and "pré-amorçage, amorçage" in r.message


def test_sectors_labels_and_full_time_founders(partners, make_dossier):
    picky = with_rules(partners["ampa"], sectors=["health"], labels_any=["cir", "deeptech"],
                       min_founders_full_time=3)
    result = check(picky, make_dossier())
    assert reason(result, "sector").code == "sector_not_accepted"
    assert reason(result, "labels").code == "labels_ok"
    assert reason(result, "labels").ctx["held"] == ["deeptech"]
    assert reason(result, "founders_full_time").code == "founders_full_time_too_few"
    assert not result.eligible

    def edit(d):
        d["company"]["labels"] = ["cii"]
    assert reason(check(picky, make_dossier(edit)), "labels").code == "labels_missing"


def test_an_instrument_the_partner_does_not_offer(partners, make_dossier):
    def edit(d):
        d["requests"][0]["instrument"] = "equity"  # asked of cepac, a bank
    r = reason(check(partners["cepac"], make_dossier(edit)), "instrument")
    assert (r.ok, r.code) == (False, "instrument_not_offered")
    assert r.message == ("Instrument demandé : fonds propres ; ce partenaire ne propose que : "
                         "prêt bancaire, garantie.")


def test_missing_attachments_block_submission_not_eligibility(partners, make_dossier):
    result = check(partners["cepac"], make_dossier(), kinds=iter(["kbis", "rib", "other"]))
    assert result.eligible and not result.ready
    assert result.missing == ["statuts", "business_plan", "forecast"]
    assert result.model_dump()["ready"] is False


def test_a_draft_without_postal_code_is_not_yet_eligible(partners, make_dossier):
    def edit(d):
        del d["company"]["address"]["postal_code"]
    result = check(partners["bdf"], make_dossier(edit))
    r = reason(result, "territory")
    assert not result.eligible
    assert (r.ok, r.code) == (False, "unknown_territory")
    assert r.message.startswith("Renseignez le code postal")


def test_a_blank_draft_lists_what_to_fill_in(partners):
    result = check(partners["mi-honor-loan"], DossierV1(), kinds=[])
    codes = {r.rule: r.code for r in result.reasons}
    assert codes == {
        "territory": "unknown_territory", "company_age": "unknown_company_age",
        "stage": "unknown_stage", "founders_full_time": "unknown_founders_full_time",
        "instrument": "instrument_not_requested", "amount": "amount_not_requested",
    }
    assert not result.eligible and not result.requested
    assert result.missing == ["kbis", "id_founder", "business_plan"]


def test_a_request_being_drafted(partners, make_dossier):
    def edit(d):
        d["requests"][3] = {"partner": "mi-honor-loan"}
    result = check(partners["mi-honor-loan"], make_dossier(edit))
    assert reason(result, "instrument").code == "unknown_instrument"
    assert reason(result, "amount").code == "unknown_amount"
    assert result.requested and not result.eligible


def test_evaluate_all_keeps_the_order_and_reads_rows_from_the_db(partners, make_dossier):
    class Row:
        def __init__(self, spec):
            entry = spec.model_dump(mode="json")
            self.code, self.name, self.kind = entry.pop("code"), entry.pop("name"), entry.pop(
                "kind")
            self.config = entry
    specs = [PartnerSpec.from_row(Row(p)) for p in partners.values()]
    kinds = (k for k in ["kbis"])  # consumed once for all partners
    results = evaluate_all(specs, make_dossier(), attachment_kinds=kinds, today=TODAY, lang="en")
    assert [r.partner for r in results] == list(partners)
    assert all(r.eligible for r in results)
    assert all("kbis" not in r.missing for r in results)
    assert results[0].reasons[0].message.startswith("Head office: 13013 Marseille")
