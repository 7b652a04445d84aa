"""The partner catalogue as validated data: a JSON file staff can edit, loaded into the DB."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

from banks.channels import UnknownChannel, validate_config
from dossier.money import NonNegativeMoney, PositiveMoney
from dossier.schema.enums import Label, Sector, Stage

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.json")

PartnerKind = Literal["public_advisor", "bank", "seed_fund", "honor_loan"]
Instrument = Literal["bank_loan", "honor_loan", "equity", "guarantee", "grant", "advice"]
AttachmentKind = Literal[
    "kbis", "statuts", "id_founder", "business_plan", "financial_statements",
    "forecast", "pitch_deck", "rib", "cap_table", "other",
]
Department = Annotated[str, StringConstraints(
    pattern=r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")]
Years = Annotated[int, Field(ge=0, le=200, strict=True)]


class Delivery(BaseModel):
    """How a partner receives dossiers: a channel plug-in and its settings, never a secret."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(default="portal", pattern=r"^[a-z][a-z0-9_]{1,31}$")
    url: str | None = None
    secret_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")

    def model_post_init(self, context: object, /) -> None:
        """The channel is installed and its own config model accepts these settings."""
        try:
            validate_config(self.channel, self.model_dump(exclude_none=True))
        except UnknownChannel as exc:
            raise ValueError(str(exc)) from None


class EligibilityRules(BaseModel):
    """A partner's eligibility rules; an absent rule means no restriction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    territory: Literal["metropole_amp", "france"] | list[Department] | None = Field(
        None, description='"metropole_amp", "france" or a list of departments ("13", "84")')
    min_company_age_years: Years | None = Field(None, description="Completed years, inclusive")
    max_company_age_years: Years | None = Field(None, description="Completed years, inclusive")
    stages: list[Stage] | None = Field(None, min_length=1)
    sectors: list[Sector] | None = Field(None, min_length=1)
    amount_min_eur: NonNegativeMoney | None = None
    amount_max_eur: PositiveMoney | None = None
    min_founders_full_time: Annotated[int, Field(ge=1, le=10, strict=True)] | None = None
    labels_any: list[Label] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> EligibilityRules:
        pairs = [("min_company_age_years", "max_company_age_years"),
                 ("amount_min_eur", "amount_max_eur")]
        for low, high in pairs:
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{low} ({a}) must not be greater than {high} ({b})")
        if isinstance(self.territory, list) and not self.territory:
            raise ValueError("territory: give at least one department")
        return self

    @model_serializer(mode="wrap")
    def _only_set_rules(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class CommitteeRule(BaseModel):
    """Whether the partner decides in committee, above which amount (requested or decided):
    above it, its reviewers recommend and a committee member decides."""

    model_config = ConfigDict(extra="forbid")

    required: bool = False
    above_eur: NonNegativeMoney = Field(default=Decimal("0.00"),
                                        description="Euros; the committee decides above")


class PartnerSpec(BaseModel):
    """One catalogue entry."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    kind: PartnerKind
    instruments: list[Instrument] = Field(min_length=1)
    required_attachments: list[AttachmentKind] = Field(default_factory=list)
    # Months a document of a kind stays valid for this partner (beyond the defaults of
    # dossier.validity: a Kbis 3 months, annual accounts 18 months after the year end).
    document_validity_months: dict[AttachmentKind, int] = Field(default_factory=dict)
    sla_days: int = Field(ge=1, le=365)
    eligibility: EligibilityRules = Field(default_factory=EligibilityRules)
    delivery: Delivery = Field(default_factory=Delivery)
    committee: CommitteeRule | None = None
    description: str = ""

    @classmethod
    def from_db(cls, code: str, name: str, kind: str, config: Mapping[str, Any]) -> PartnerSpec:
        """Rebuild an entry from a `Partner` row (config = the entry minus code, name, kind)."""
        return cls.model_validate({**config, "code": code, "name": name, "kind": kind})

    @classmethod
    def from_row(cls, row: Any) -> PartnerSpec:
        """Rebuild an entry from any object with code, name, kind and config attributes."""
        return cls.from_db(row.code, row.name, row.kind, row.config or {})


class Catalogue(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    partners: list[PartnerSpec]


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> Catalogue:
    """Read and validate a catalogue file."""
    catalogue = Catalogue.model_validate(json.loads(path.read_text(encoding="utf-8")))
    codes = [p.code for p in catalogue.partners]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate partner code in catalogue")
    return catalogue
