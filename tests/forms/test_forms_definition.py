"""The form definition: sections, fields, labels and the closed lists of spec v1."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing

import pytest

from forms.definition import (
    SECTIONS,
    all_fields,
    enum_label,
    field,
    label,
    leaf_paths,
    section,
)
from forms.enums import ENUMS, PARTNER
from forms.model import Kind

# The closed lists exactly as docs/spec (dossier-v1) writes them.
SPEC_ENUMS = {
    "legal_form": "SAS SASU SARL EURL SA SCOP SCIC EI association other",
    "sector": "health digital energy_environment aerospace_mechanics maritime_logistics "
              "creative_tourism photonics other",
    "stage": "idea pre_seed seed early growth",
    "label": "jei french_tech_tremplin french_tech_120 cir cii deeptech",
    "cluster": "optitec eurobiomed mer_mediterranee scs capenergies safe none",
    "use_category": "rd hiring capex working_capital marketing ip other",
    "source_type": "equity_founders equity_investors bank_loan honor_loan seed_fund "
                   "public_grant bpifrance crowdfunding other",
    "source_status": "requested obtained",
    "instrument": "bank_loan honor_loan equity guarantee grant advice",
    "attachment_kind": "kbis statuts id_founder business_plan financial_statements forecast "
                       "pitch_deck rib cap_table other",
}
# Leaves of the schema that are not typed in by a founder.
NOT_IN_FORM = {"schema_version"}


def test_sections_in_order_with_french_titles():
    assert [(s.key, s.title.fr) for s in SECTIONS] == [
        ("company", "Entreprise"),
        ("founders", "Dirigeants et fondateurs"),
        ("project", "Projet"),
        ("financials", "Données financières"),
        ("funding", "Besoin et plan de financement"),
        ("requests", "Partenaires sollicités"),
        ("bank_account", "Coordonnées bancaires"),
        ("attachments", "Pièces justificatives"),
    ]
    assert section("funding").title.get("en") == "Funding need and plan"


def test_lookups_and_labels():
    assert label("company.legal_name") == "Raison sociale"
    assert label("company.siret") == "SIRET du siège"
    assert label("company.siret", "en") == "Head office SIRET"
    assert field("founders[].email").kind is Kind.EMAIL
    assert field("funding.sources[].amount_eur").kind is Kind.MONEY
    assert field("company.labels").kind is Kind.MULTI_ENUM
    assert "Kbis" in field("company.siren").help.fr
    assert enum_label("sector", "energy_environment") == "Énergie et environnement"
    assert enum_label("instrument", "advice", "en") == "Guidance/advice"
    assert enum_label("sector", "unknown-value") == "unknown-value"
    with pytest.raises(KeyError):
        field("company.nope")
    with pytest.raises(KeyError):
        section("nope")


def test_definition_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        field("company.siren").path = "x"  # type: ignore[misc]


def test_every_field_is_complete():
    paths = [f.path for f in all_fields()]
    assert len(paths) == len(set(paths))
    for f in all_fields():
        assert f.label.fr and f.label.en, f.path
        if f.help:
            assert f.help.fr and f.help.en, f.path
        if f.kind in (Kind.ENUM, Kind.MULTI_ENUM):
            assert f.enum == PARTNER or f.enum in ENUMS, f.path
        assert bool(f.items) == (f.kind is Kind.LIST), f.path
        for item in f.items:
            assert item.path.startswith(f.path + "[]."), item.path


@pytest.mark.parametrize("name", sorted(SPEC_ENUMS))
def test_every_spec_enum_value_has_labels(name):
    assert list(ENUMS[name]) == SPEC_ENUMS[name].split()
    for code, text in ENUMS[name].items():
        assert text.fr.strip() and text.en.strip(), (name, code)


def test_spec_french_labels():
    fr = {name: {t.fr for t in values.values()} for name, values in ENUMS.items()}
    assert {"Santé", "Numérique", "Énergie et environnement", "Aéronautique et mécanique",
            "Maritime et logistique", "Industries créatives et tourisme", "Photonique",
            "Autre"} == fr["sector"]
    assert {"Prêt bancaire", "Prêt d'honneur", "Fonds propres", "Garantie", "Subvention",
            "Orientation/conseil"} == fr["instrument"]
    assert {"Optitec", "Eurobiomed", "Pôle Mer Méditerranée", "SCS", "Capenergies", "SAFE",
            "Aucun"} == fr["cluster"]
    assert {"Extrait Kbis", "Statuts", "Pièce d'identité du dirigeant", "Business plan",
            "Liasses fiscales / comptes annuels", "Prévisionnel", "Pitch deck", "RIB",
            "Table de capitalisation", "Autre"} == fr["attachment_kind"]


def _unwrap(tp: typing.Any) -> tuple[typing.Any, bool]:
    """The inner type of Annotated / Optional / list, and whether a list was crossed."""
    is_list = False
    while True:
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        unions = (typing.Union, types.UnionType)
        if origin is typing.Annotated or (origin in unions and len(args) == 1):
            tp = args[0]
        elif origin in (list, tuple, set, frozenset) and args:
            tp, is_list = args[0], True
        else:
            return tp, is_list


def _schema_leaves(model: type, prefix: str = "") -> dict[str, typing.Any]:
    from pydantic import BaseModel

    leaves: dict[str, typing.Any] = {}
    for name, info in model.model_fields.items():
        inner, is_list = _unwrap(info.annotation)
        path = f"{prefix}{name}"
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            leaves.update(_schema_leaves(inner, f"{path}[]." if is_list else f"{path}."))
        else:
            leaves[path] = inner
    return leaves


def test_definition_matches_the_schema():
    try:
        from dossier.schema import DossierV1
    except ImportError as exc:
        pytest.skip(f"dossier.schema.DossierV1 cannot be imported yet: {exc}")
    leaves = _schema_leaves(DossierV1)
    assert set(leaf_paths()) == set(leaves) - NOT_IN_FORM
    for path, tp in leaves.items():
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            assert set(ENUMS[field(path).enum]) == {m.value for m in tp}, path
