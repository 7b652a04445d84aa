"""The eligibility port of submission: each partner's rules run on a dossier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from banks.catalogue import PartnerSpec
from banks.eligibility import Eligibility, evaluate
from dossier.models import Partner
from dossier.schema import DossierV1
from dossier.validity import Document


class BankEligibility:
    """Implements dossier.ports.EligibilityPort with the partners' catalogue rules."""

    def verdicts(self, *, partners: Sequence[Partner], content: DossierV1,
                 attachment_kinds: Sequence[Document], lang: str,
                 today: date) -> list[Eligibility]:
        """Every given partner's verdict on the dossier, requested partners first."""
        verdicts = [evaluate(PartnerSpec.from_row(p), content, attachment_kinds=attachment_kinds,
                             today=today, lang=lang) for p in partners]
        return sorted(verdicts, key=lambda v: (not v.requested, v.partner))
