"""The dossier schema, version 1: models, enums and field types."""

from dossier import messages as _messages  # noqa: F401  (registers the error messages)
from dossier.schema.enums import (
    Cluster,
    Instrument,
    Label,
    LegalForm,
    Sector,
    SourceStatus,
    SourceType,
    Stage,
    UseCategory,
)
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
    "Cluster",
    "Company",
    "DossierV1",
    "Financials",
    "ForecastYear",
    "Founder",
    "Funding",
    "HistoryYear",
    "Instrument",
    "Label",
    "LegalForm",
    "PartnerRequest",
    "Project",
    "Sector",
    "Source",
    "SourceStatus",
    "SourceType",
    "Stage",
    "Use",
    "UseCategory",
    "is_required",
    "min_items",
    "required",
]
