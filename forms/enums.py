"""French and English labels of every closed list of the dossier (spec v1)."""

from __future__ import annotations

from dossier.schema.enums import INSTRUMENT_LABELS
from forms.text import Text

T = Text

# Enum name -> code -> label. Codes are exactly the spec's; order is the display order.
ENUMS: dict[str, dict[str, Text]] = {
    "legal_form": {
        "SAS": T("SAS (société par actions simplifiée)", "SAS (simplified joint-stock company)"),
        "SASU": T("SASU (SAS unipersonnelle)", "SASU (single-shareholder SAS)"),
        "SARL": T("SARL (société à responsabilité limitée)", "SARL (limited liability company)"),
        "EURL": T("EURL (SARL unipersonnelle)", "EURL (single-member SARL)"),
        "SA": T("SA (société anonyme)", "SA (public limited company)"),
        "SCOP": T("SCOP (société coopérative et participative)", "SCOP (worker cooperative)"),
        "SCIC": T("SCIC (société coopérative d'intérêt collectif)",
                  "SCIC (multi-stakeholder cooperative)"),
        "EI": T("Entreprise individuelle", "Sole proprietorship"),
        "association": T("Association", "Non-profit association"),
        "other": T("Autre", "Other"),
    },
    "sector": {
        "health": T("Santé", "Health"),
        "digital": T("Numérique", "Digital"),
        "energy_environment": T("Énergie et environnement", "Energy and environment"),
        "aerospace_mechanics": T("Aéronautique et mécanique", "Aerospace and mechanics"),
        "maritime_logistics": T("Maritime et logistique", "Maritime and logistics"),
        "creative_tourism": T("Industries créatives et tourisme",
                              "Creative industries and tourism"),
        "photonics": T("Photonique", "Photonics"),
        "other": T("Autre", "Other"),
    },
    "stage": {
        "idea": T("Idée", "Idea"),
        "pre_seed": T("Pré-amorçage", "Pre-seed"),
        "seed": T("Amorçage", "Seed"),
        "early": T("Démarrage commercial", "Early stage"),
        "growth": T("Croissance", "Growth"),
    },
    "label": {
        "jei": T("JEI (jeune entreprise innovante)", "JEI (young innovative company)"),
        "french_tech_tremplin": T("French Tech Tremplin", "French Tech Tremplin"),
        "french_tech_120": T("French Tech 120", "French Tech 120"),
        "cir": T("CIR (crédit d'impôt recherche)", "CIR (research tax credit)"),
        "cii": T("CII (crédit d'impôt innovation)", "CII (innovation tax credit)"),
        "deeptech": T("Deeptech", "Deeptech"),
    },
    "cluster": {
        "optitec": T("Optitec", "Optitec"),
        "eurobiomed": T("Eurobiomed", "Eurobiomed"),
        "mer_mediterranee": T("Pôle Mer Méditerranée", "Pôle Mer Méditerranée"),
        "scs": T("SCS", "SCS"),
        "capenergies": T("Capenergies", "Capenergies"),
        "safe": T("SAFE", "SAFE"),
        "none": T("Aucun", "None"),
    },
    "use_category": {
        "rd": T("Recherche et développement", "Research and development"),
        "hiring": T("Recrutements", "Hiring"),
        "capex": T("Investissements matériels", "Capital expenditure"),
        "working_capital": T("Besoin en fonds de roulement", "Working capital"),
        "marketing": T("Marketing et commercial", "Marketing and sales"),
        "ip": T("Propriété intellectuelle", "Intellectual property"),
        "other": T("Autre", "Other"),
    },
    "source_type": {
        "equity_founders": T("Apport des fondateurs", "Founders' equity"),
        "equity_investors": T("Levée de fonds (investisseurs)", "Equity from investors"),
        "bank_loan": T("Prêt bancaire", "Bank loan"),
        "honor_loan": T("Prêt d'honneur", "Honour loan"),
        "seed_fund": T("Fonds d'amorçage", "Seed fund"),
        "public_grant": T("Subvention publique", "Public grant"),
        "bpifrance": T("Bpifrance", "Bpifrance"),
        "crowdfunding": T("Financement participatif", "Crowdfunding"),
        "other": T("Autre", "Other"),
    },
    "source_status": {
        "requested": T("Sollicité", "Requested"),
        "obtained": T("Obtenu", "Obtained"),
    },
    "instrument": {code: T(*words.pair()) for code, words in INSTRUMENT_LABELS.items()},
    "attachment_kind": {
        "kbis": T("Extrait Kbis", "Kbis extract"),
        "statuts": T("Statuts", "Articles of association"),
        "id_founder": T("Pièce d'identité du dirigeant", "Director's ID document"),
        "business_plan": T("Business plan", "Business plan"),
        "financial_statements": T("Liasses fiscales / comptes annuels",
                                  "Tax returns / annual accounts"),
        "forecast": T("Prévisionnel", "Financial forecast"),
        "pitch_deck": T("Pitch deck", "Pitch deck"),
        "rib": T("RIB", "Bank details (RIB)"),
        "cap_table": T("Table de capitalisation", "Cap table"),
        "other": T("Autre", "Other"),
    },
}

# Partner codes come from the partner catalogue (data staff can change), not from here:
# whoever displays them passes the catalogue's names (code -> name).
PARTNER = "partner"
