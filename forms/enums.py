"""French and English labels of every closed list of the dossier (spec v1)."""

from __future__ import annotations

from dossier.catalogue import LazyText as Text
from dossier.catalogue import _l
from dossier.schema.enums import (
    ATTACHMENT_KIND_LABELS,
    COMPANY_LABEL_LABELS,
    INSTRUMENT_LABELS,
    SECTOR_LABELS,
    STAGE_LABELS,
)

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
    "sector": {code: words.words for code, words in SECTOR_LABELS.items()},
    "stage": {code: words.words for code, words in STAGE_LABELS.items()},
    "label": {code: words.words for code, words in COMPANY_LABEL_LABELS.items()},
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
    "attachment_kind": {code: words.words for code, words in ATTACHMENT_KIND_LABELS.items()},
}

# Partner codes come from the partner catalogue (data staff can change), not from here:
# whoever displays them passes the catalogue's names (code -> name).
PARTNER = "partner"
