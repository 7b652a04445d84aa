"""The Métropole Aix-Marseille-Provence as data: communes, postal codes, city names."""

from __future__ import annotations

import json

import pytest

from banks.territory import (
    METROPOLE_FILE,
    department_of,
    in_metropole_amp,
    metropole_amp,
    normalise_city,
)


def test_the_data_file_lists_the_92_communes_with_valid_postal_codes():
    data = json.loads(METROPOLE_FILE.read_text("utf-8"))
    names = [c["name"] for c in data["communes"]]
    assert len(names) == len(set(names)) == 92
    codes = [code for c in data["communes"] for code in c["postal_codes"]]
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    assert {department_of(code) for code in codes} == {"13", "83", "84"}
    assert set(data["shared_postal_codes"]) <= set(codes)


@pytest.mark.parametrize("commune", json.loads(METROPOLE_FILE.read_text("utf-8"))["communes"],
                         ids=lambda c: c["name"])
def test_every_commune_is_found_under_each_of_its_postal_codes(commune):
    for code in commune["postal_codes"]:
        assert in_metropole_amp(code, commune["name"]) is True


@pytest.mark.parametrize(("postal_code", "city"), [
    ("13002", "Marseille"), ("13013", "MARSEILLE 13E"), ("84120", "Pertuis"),
    ("83640", "St-Zacharie"), ("83640", "SAINT ZACHARIE"), ("13100", "Aix-en-Provence"),
    ("13290", "Les Milles"), ("13600", "La Ciotat"), ("13821", "La Penne-sur-Huveaune"),
    ("13291", "Aix-en-Provence Cedex 2"), ("13331", "Marseille CEDEX 03"),
])
def test_inside(postal_code, city):
    assert in_metropole_amp(postal_code, city) is True


@pytest.mark.parametrize(("postal_code", "city"), [
    ("13200", "Arles"), ("13150", "Tarascon"), ("13310", "Saint-Martin-de-Crau"),
    ("13210", "Saint-Rémy-de-Provence"), ("13160", "Châteaurenard"),
    ("84120", "La Bastidonne"), ("83640", "Plan-d'Aups-Sainte-Baume"), ("84000", "Avignon"),
    ("83000", "Toulon"), ("75002", "Paris"), ("13200", "Marseille"), ("13637", "Arles Cedex"),
])
def test_outside(postal_code, city):
    assert in_metropole_amp(postal_code, city) is False


def test_a_shared_postal_code_needs_the_city():
    assert in_metropole_amp("84120", None) is None
    assert in_metropole_amp("83640", "  ") is None
    assert in_metropole_amp("13013", None) is True  # only Marseille has this code


# As typed -> as compared: accents, case, saints, articles, CEDEX and districts go.
CITY_NAMES = {
    "Saint-Paul-lès-Durance": "saint paul les durance",
    "ST PAUL LES DURANCE": "saint paul les durance",
    "Ste-Marguerite": "sainte marguerite",
    "Berre-l’Étang": "berre l etang",
    "Le Puy-Sainte-Réparade": "puy sainte reparade",
    "Marseille Cedex 08": "marseille",
    "Marseille 2ème arrondissement": "marseille",
}


@pytest.mark.parametrize(("raw", "normalised"), CITY_NAMES.items())
def test_city_names_are_normalised(raw, normalised):
    assert normalise_city(raw) == normalised


@pytest.mark.parametrize(("code", "department"), [
    ("13013", "13"), ("84120", "84"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"),
    ("01000", "01"),
])
def test_department_of(code, department):
    assert department_of(code) == department


def test_the_metropole_is_read_once():
    assert metropole_amp() is metropole_amp()
