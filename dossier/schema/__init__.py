"""The dossier schema, version 1: models and field types (its enums: dossier.schema.enums)."""

from dossier import messages as _messages  # noqa: F401  (registers the error messages)
from dossier.schema.models import (
    Address,
    BankAccount,
    Company,
    DossierV1,
    Financials,
    ForecastYear,
    Founder,
    Funding,
    HistoryYear,
    PartnerRequest,
    Project,
    Source,
    Use,
)
from dossier.schema.types import is_required, min_items, required

__all__ = [
    "Address",
    "BankAccount",
    "Company",
    "DossierV1",
    "Financials",
    "ForecastYear",
    "Founder",
    "Funding",
    "HistoryYear",
    "PartnerRequest",
    "Project",
    "Source",
    "Use",
    "is_required",
    "min_items",
    "required",
]
