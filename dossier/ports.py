"""What the domain asks of the outside, declared here and implemented elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from dossier.models import Partner
from dossier.registry import CompanyFacts
from dossier.schema import DossierV1
from dossier.validity import Document


class Reason(Protocol):
    """One rule's verdict, with its sentence."""

    @property
    def ok(self) -> bool: ...

    @property
    def message(self) -> str: ...


class Verdict(Protocol):
    """A partner's verdict on a dossier: the rules' reasons and the attachments missing."""

    @property
    def partner(self) -> str: ...

    @property
    def reasons(self) -> Sequence[Reason]: ...

    @property
    def missing(self) -> Sequence[str]: ...


class EligibilityPort(Protocol):
    """Each partner's verdict on a dossier (implemented by banks.submission.BankEligibility)."""

    def verdicts(self, *, partners: Sequence[Partner], content: DossierV1,
                 attachment_kinds: Sequence[Document], lang: str,
                 today: date) -> Sequence[Verdict]:
        """One verdict per partner given, requested partners first."""
        ...


class RegistryPort(Protocol):
    """The company registry (implemented by registry.recherche.RechercheEntreprises)."""

    source: str

    def find(self, siren: str, siret: str | None = None) -> CompanyFacts | None:
        """The facts, None if the registry does not know the number; raises
        dossier.registry.RegistryUnavailable when it does not answer usably in time."""
        ...
