"""What every eligibility rule receives and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from banks.catalogue import EligibilityRules, PartnerSpec
from dossier.schema import Address, Company, DossierV1, PartnerRequest


@dataclass(frozen=True)
class Check:
    """One rule's verdict: a message code and the facts its message is written from."""

    rule: str
    ok: bool
    code: str
    ctx: dict[str, Any] = field(default_factory=dict)


@dataclass
class Subject:
    """A dossier seen from one partner, on a given day."""

    partner: PartnerSpec
    dossier: DossierV1
    today: date

    @property
    def rules(self) -> EligibilityRules:
        """The partner's rules."""
        return self.partner.eligibility

    @property
    def company(self) -> Company:
        """The company block (empty in a blank draft)."""
        return self.dossier.company or Company()

    @property
    def address(self) -> Address:
        """The head office address (empty if not filled yet)."""
        return self.company.address or Address(country=None)

    @cached_property
    def request(self) -> PartnerRequest | None:
        """The dossier's request to this partner, if any."""
        return next((r for r in self.dossier.requests or [] if r.partner == self.partner.code),
                    None)


Rule = Callable[[Subject], Check | None]
