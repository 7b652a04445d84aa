"""Fixtures of the banks tests: the catalogue's partners and the fixture dossier, editable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from banks.catalogue import PartnerSpec, load_catalogue
from dossier.schema import DossierV1
from tests.helpers import full_dossier


@pytest.fixture(scope="session")
def partners() -> dict[str, PartnerSpec]:
    """The catalogue file's partners, by code."""
    return {p.code: p for p in load_catalogue().partners}


@pytest.fixture
def make_dossier() -> Callable[..., DossierV1]:
    """Build the fixture dossier after an optional edit of its JSON content."""
    def make(edit: Callable[[dict[str, Any]], Any] | None = None) -> DossierV1:
        content = full_dossier()
        if edit is not None:
            edit(content)
        return DossierV1.model_validate(content)
    return make
