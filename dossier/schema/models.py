"""Pydantic models of the dossier, version 1: every field optional so one model serves drafts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dossier.money import Money, NonNegativeMoney, Percent, PositiveMoney
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
from dossier.schema.types import (
    Bic,
    Country,
    Email,
    Headcount,
    Iban,
    LongText,
    Months,
    NafCode,
    PartnerCode,
    PastDate,
    PastYear,
    Phone,
    PostalCode,
    Siren,
    Siret,
    Summary,
    Text100,
    Text200,
    WebUrl,
    Year,
    required,
)

MAX_LIST = 50


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Address(_Model):
    """Registered office address."""

    line1: Text200 | None = required()
    line2: Text200 | None = None
    postal_code: PostalCode | None = required()
    city: Text100 | None = required()
    country: Country | None = required("FR")


class Company(_Model):
    """Entreprise."""

    legal_name: Text200 | None = required()
    siren: Siren | None = required()
    siret: Siret | None = required()
    legal_form: LegalForm | None = required()
    creation_date: PastDate | None = required()
    naf_code: NafCode | None = required()
    address: Address | None = required()
    share_capital_eur: NonNegativeMoney | None = required()
    headcount: Headcount | None = required()
    website: WebUrl | None = None
    sector: Sector | None = required()
    stage: Stage | None = required()
    labels: list[Label] | None = Field(None, max_length=len(Label))
    cluster: Cluster | None = None
    support_program: Text200 | None = None


class Founder(_Model):
    """Dirigeant ou fondateur."""

    first_name: Text100 | None = required()
    last_name: Text100 | None = required()
    role: Text100 | None = required()
    email: Email | None = required()
    phone: Phone | None = None
    equity_pct: Percent | None = required()
    full_time: bool | None = required()


class Project(_Model):
    """Projet, in plain text (markup is shown as typed, never interpreted)."""

    summary: Summary | None = required()
    innovation: LongText | None = required()
    market: LongText | None = required()
    competition: LongText | None = required()
    business_model: LongText | None = required()
    traction: LongText | None = required()
    intellectual_property: LongText | None = None


class HistoryYear(_Model):
    """One closed financial year."""

    year: PastYear | None = required()
    revenue_eur: NonNegativeMoney | None = required()
    net_income_eur: Money | None = required()
    equity_eur: Money | None = required()
    cash_eur: NonNegativeMoney | None = required()
    debt_eur: NonNegativeMoney | None = required()


class ForecastYear(_Model):
    """One forecast year."""

    year: Year | None = required()
    revenue_eur: NonNegativeMoney | None = required()
    ebitda_eur: Money | None = required()
    headcount: Headcount | None = required()


class Financials(_Model):
    """Données financières."""

    history: list[HistoryYear] | None = Field(None, max_length=3)
    forecast: list[ForecastYear] | None = required(min_items=1, max_length=5)


class Use(_Model):
    """One use of the money needed."""

    category: UseCategory | None = required()
    label: Text200 | None = required()
    amount_eur: PositiveMoney | None = required()


class Source(_Model):
    """One source of financing."""

    type: SourceType | None = required()
    label: Text200 | None = required()
    amount_eur: PositiveMoney | None = required()
    status: SourceStatus | None = required()
    partner: PartnerCode | None = None


class Funding(_Model):
    """Besoin et plan de financement."""

    total_need_eur: PositiveMoney | None = required()
    uses: list[Use] | None = required(min_items=1, max_length=MAX_LIST)
    sources: list[Source] | None = required(min_items=1, max_length=MAX_LIST)


class PartnerRequest(_Model):
    """What is asked of one partner (amount_eur is required except for advice)."""

    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"instrument": {"const": "advice"}}, "required": ["instrument"]},
        "then": {"properties": {"amount_eur": {"type": "null"}}},
        "else": {"required": ["amount_eur"],
                 "properties": {"amount_eur": {"not": {"type": "null"}}}},
    })

    partner: PartnerCode | None = required()
    instrument: Instrument | None = required()
    amount_eur: PositiveMoney | None = None
    duration_months: Months | None = None


class BankAccount(_Model):
    """Coordonnées bancaires."""

    holder: Text200 | None = required()
    iban: Iban | None = required()
    bic: Bic | None = None


class DossierV1(_Model):
    """The funding dossier a start-up fills once, version 1."""

    schema_version: Literal[1] = required(1)
    company: Company | None = required()
    founders: list[Founder] | None = required(min_items=1, max_length=10)
    project: Project | None = required()
    financials: Financials | None = required()
    funding: Funding | None = required()
    requests: list[PartnerRequest] | None = required(min_items=1, max_length=MAX_LIST)
    bank_account: BankAccount | None = None
