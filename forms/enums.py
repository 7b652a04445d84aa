"""French and English labels of every closed list of the dossier (spec v1)."""

from __future__ import annotations

from dossier.catalogue import LazyText as Text
from dossier.catalogue import _l
from dossier.schema.enums import INSTRUMENT_LABELS

# Enum name -> code -> label. Codes are exactly the spec's; order is the display order.
ENUMS: dict[str, dict[str, Text]] = {
    "legal_form": {
        "SAS": _l("SAS (simplified joint-stock company)"),
        "SASU": _l("SASU (single-shareholder SAS)"),
        "SARL": _l("SARL (limited liability company)"),
        "EURL": _l("EURL (single-member SARL)"),
        "SA": _l("SA (public limited company)"),
        "SCOP": _l("SCOP (worker cooperative)"),
        "SCIC": _l("SCIC (multi-stakeholder cooperative)"),
        "EI": _l("Sole proprietorship"),
        "association": _l("Non-profit association"),
        "other": _l("Other"),
    },
    "sector": {
        "health": _l("Health"),
        "digital": _l("Digital"),
        "energy_environment": _l("Energy and environment"),
        "aerospace_mechanics": _l("Aerospace and mechanics"),
        "maritime_logistics": _l("Maritime and logistics"),
        "creative_tourism": _l("Creative industries and tourism"),
        "photonics": _l("Photonics"),
        "other": _l("Other"),
    },
    "stage": {
        "idea": _l("Idea"),
        "pre_seed": _l("Pre-seed"),
        "seed": _l("Seed"),
        "early": _l("Early stage"),
        "growth": _l("Growth"),
    },
    "label": {
        "jei": _l("JEI (young innovative company)"),
        "french_tech_tremplin": _l("French Tech Tremplin"),
        "french_tech_120": _l("French Tech 120"),
        "cir": _l("CIR (research tax credit)"),
        "cii": _l("CII (innovation tax credit)"),
        "deeptech": _l("Deeptech"),
    },
    "cluster": {
        "optitec": _l("Optitec"),
        "eurobiomed": _l("Eurobiomed"),
        "mer_mediterranee": _l("Pôle Mer Méditerranée"),
        "scs": _l("SCS"),
        "capenergies": _l("Capenergies"),
        "safe": _l("SAFE"),
        "none": _l("None"),
    },
    "use_category": {
        "rd": _l("Research and development"),
        "hiring": _l("Hiring"),
        "capex": _l("Capital expenditure"),
        "working_capital": _l("Working capital"),
        "marketing": _l("Marketing and sales"),
        "ip": _l("Intellectual property"),
        "other": _l("Other"),
    },
    "source_type": {
        "equity_founders": _l("Founders' equity"),
        "equity_investors": _l("Equity from investors"),
        "bank_loan": _l("Bank loan"),
        "honor_loan": _l("Honour loan"),
        "seed_fund": _l("Seed fund"),
        "public_grant": _l("Public grant"),
        "bpifrance": _l("Bpifrance"),
        "crowdfunding": _l("Crowdfunding"),
        "other": _l("Other"),
    },
    "source_status": {
        "requested": _l("Requested"),
        "obtained": _l("Obtained"),
    },
    "instrument": {code: words.words for code, words in INSTRUMENT_LABELS.items()},
    "attachment_kind": {
        "kbis": _l("Kbis extract"),
        "statuts": _l("Articles of association"),
        "id_founder": _l("Director's ID document"),
        "business_plan": _l("Business plan"),
        "financial_statements": _l("Tax returns / annual accounts"),
        "forecast": _l("Financial forecast"),
        "pitch_deck": _l("Pitch deck"),
        "rib": _l("Bank details (RIB)"),
        "cap_table": _l("Cap table"),
        "other": _l("Other"),
    },
}

# Partner codes come from the partner catalogue (data staff can change), not from here:
# whoever displays them passes the catalogue's names (code -> name).
PARTNER = "partner"
