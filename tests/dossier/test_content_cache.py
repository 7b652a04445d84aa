"""The validated-content cache: one validation per content, never a stale answer."""

from __future__ import annotations

import copy

from dossier import content_cache
from dossier.schema import DossierV1
from dossier.validation import completeness
from tests.helpers import full_dossier


def test_same_content_is_validated_once_and_answers_equal_a_fresh_validation():
    content = full_dossier()
    first_model, first = content_cache.validated(content)
    again_model, again = content_cache.validated(copy.deepcopy(content))
    assert again_model is first_model
    assert first == again == completeness(DossierV1.model_validate(content))
    first["sections"].clear()  # callers get their own copy
    assert content_cache.validated(content)[1] == again


def test_changed_content_is_validated_again():
    content = full_dossier()
    before_model, before = content_cache.validated(content)
    content["company"]["legal_name"] = "Autre nom SAS"
    after_model = content_cache.model(content)
    assert after_model is not before_model
    assert after_model.company.legal_name == "Autre nom SAS"
    emptied = content_cache.validated({})[1]
    assert emptied["percent"] < before["percent"] and not emptied["ready"]


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(content_cache, "SIZE", 3)
    for i in range(6):
        content_cache.validated({"company": {"legal_name": f"Société {i}"}})
    assert len(content_cache._cache) <= 3
