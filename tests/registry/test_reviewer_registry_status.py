"""Reviewers read what the registry says of the company beside the company chapter, on the
route page (as it stands now) and in the PDF (as it stood when the dossier was sent)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from dossier.models import RegistryCheck, RegistryCompany
from dossier.registry import Address, CompanyFacts
from tests.conftest import login
from tests.helpers import browser, full_dossier, settle_deliveries, submit

SIREN, SIRET = "843152760", "84315276000016"
CHECKED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings):
    """Route in the test's thread (deliveries settled by the test)."""
    return settings.model_copy(update={"routing_in_background": False, "reminder_interval": 0})


@pytest.fixture(autouse=True)
def clean_registry(sessions):
    yield
    with sessions.begin() as db:
        db.query(RegistryCheck).delete()
        db.query(RegistryCompany).delete()


def known(sessions, *, name: str = "Lumiphase", active: bool = True,
          closed_on: date | None = None) -> None:
    """The registry's answer for the full dossier's company, cached on 3 December 2026."""
    facts = CompanyFacts(siren=SIREN, siret=SIRET, legal_name=name, legal_form="SAS",
                         naf_code="26.70Z", creation_date=date(2021, 3, 15),
                         address=Address(postal_code="13013", city="MARSEILLE"),
                         active=active, closed_on=closed_on)
    with sessions.begin() as db:
        db.merge(RegistryCompany(number=SIRET, siren=SIREN, found=True, facts=facts.as_json(),
                                 source="test", fetched_at=CHECKED))


def sent(client, founder, sessions) -> str:
    """The full dossier sent to CEPAC and delivered: its route id."""
    answer = submit(client, founder, full_dossier(partners=["cepac"]))
    settle_deliveries(sessions)
    return answer["routes"][0]["id"]


def status_block(html: str) -> str:
    return html.split('class="registry ')[1].split("</div>")[0]


def test_verified_on_the_page_and_in_the_pdf(client, founder, sessions):
    known(sessions)
    rid = sent(client, founder, sessions)
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(f"/reviewer/routes/{rid}").text
    company = page.split('id="section-company"')[1].split("</section>")[0]
    assert "Vérifié au registre le 3 décembre 2026" in status_block(company)
    pdf = cepac.get(f"/reviewer/routes/{rid}/pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
                    .split())
    assert "Vérifié au registre le 3 décembre 2026" in text


def test_differences_are_listed_field_by_field(client, founder, sessions):
    known(sessions, name="LUMIPHASE OPTIQUE")
    rid = sent(client, founder, sessions)
    block = status_block(browser(client, "cepac@demo.example").get(f"/reviewer/routes/{rid}").text)
    assert "Écarts avec le registre (vérifié le 3 décembre 2026)" in block
    assert "Raison sociale — saisie\u00a0: Lumiphase\u00a0; registre\u00a0: LUMIPHASE OPTIQUE" \
        in block
    assert "Ville" not in block  # "MARSEILLE" and "Marseille" are the same city
    detail = client.get(f"/api/v1/routes/{rid}", headers=login(client, "cepac@demo.example"))
    record = detail.json()["registry"]  # the API's reviewers get the same company.registry
    assert record["status"] == "mismatch" and record["differences"] == [
        {"field": "company.legal_name", "typed": "Lumiphase", "registry": "LUMIPHASE OPTIQUE"}]


def test_pending_when_sent_then_as_the_registry_later_says(client, founder, sessions):
    rid = sent(client, founder, sessions)  # the registry never answered for this company
    cepac = browser(client, "cepac@demo.example")
    page = cepac.get(f"/reviewer/routes/{rid}").text
    assert "À vérifier\u00a0: registre indisponible lors de l&#39;envoi" in status_block(page)
    pdf = cepac.get(f"/reviewer/routes/{rid}/pdf").content  # rendered now, kept for good
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "À vérifier : registre indisponible lors de l'envoi" in text.replace("\u00a0", " ")

    known(sessions, active=False, closed_on=date(2026, 11, 30))  # the later check found it closed
    page = cepac.get(f"/reviewer/routes/{rid}").text
    block = status_block(page)
    assert "Entreprise fermée au registre depuis le 30 novembre 2026" in block
    assert "registry-alert" in page


def test_the_adapter_reads_since_when_a_company_is_closed():
    from registry.recherche import facts_from
    from tests.registry_server import company

    closed = company(SIREN, state="C") | {"date_fermeture": "2026-11-30"}
    facts = facts_from(closed, None)
    assert not facts.active and facts.closed_on == date(2026, 11, 30)
    assert CompanyFacts.from_json(facts.as_json()) == facts
    assert facts_from(company(SIREN), None).closed_on is None


def test_sirene_reads_since_when_an_establishment_is_closed():
    from registry import sirene
    from tests.registry.test_sirene import establishment

    closed = establishment(SIREN, state="F")
    closed["uniteLegale"]["etatAdministratifUniteLegale"] = "C"
    closed["periodesEtablissement"][0]["dateDebut"] = "2026-11-30"
    facts = sirene.facts_from(closed, None)
    assert not facts.active and facts.closed_on == date(2026, 11, 30)
    assert sirene.facts_from(establishment(SIREN), None).closed_on is None
