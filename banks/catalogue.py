"""The partner catalogue as validated data: a JSON file staff can edit, loaded into the DB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.json")

PartnerKind = Literal["public_advisor", "bank", "seed_fund", "honor_loan"]
Instrument = Literal["bank_loan", "honor_loan", "equity", "guarantee", "grant", "advice"]
AttachmentKind = Literal[
    "kbis", "statuts", "id_founder", "business_plan", "financial_statements",
    "forecast", "pitch_deck", "rib", "cap_table", "other",
]


class Delivery(BaseModel):
    """How a partner receives dossiers: a channel plug-in and its settings, never a secret."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(default="portal", pattern=r"^[a-z][a-z0-9_]{1,31}$")
    url: str | None = None
    secret_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")

    def model_post_init(self, context: object, /) -> None:
        """The channel is installed and its own config model accepts these settings."""
        from banks.channels import UnknownChannel, validate_config

        try:
            validate_config(self.channel, self.model_dump(exclude_none=True))
        except UnknownChannel as exc:
            raise ValueError(str(exc)) from None


class PartnerSpec(BaseModel):
    """One catalogue entry."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    kind: PartnerKind
    instruments: list[Instrument] = Field(min_length=1)
    required_attachments: list[AttachmentKind] = Field(default_factory=list)
    sla_days: int = Field(ge=1, le=365)
    eligibility: dict = Field(default_factory=dict)
    delivery: Delivery = Field(default_factory=Delivery)
    description: str = ""


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
