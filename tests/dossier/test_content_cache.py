"""The validated-content cache: one validation per content, never a stale answer."""

from __future__ import annotations

import copy
from datetime import date

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


def test_what_is_derived_from_a_model_is_kept_per_model_and_key():
    calls = []

    def compute(tag):
        return lambda: calls.append(tag) or [tag]

    model = content_cache.model(full_dossier())
    assert content_cache.derived(model, "t", "a", compute("a")) == ["a"]
    assert content_cache.derived(model, "t", "a", compute("again")) == ["a"]  # kept
    assert content_cache.derived(model, "t", "b", compute("b")) == ["b"]  # another key
    other = content_cache.model(full_dossier(name="Autre SAS"))
    assert content_cache.derived(other, "t", "a", compute("other")) == ["other"]
    assert calls == ["a", "b", "other"]


def test_a_view_is_kept_per_value_and_day(monkeypatch):
    calls = []
    parts = [full_dossier(), "fr"]
    assert content_cache.by_value("v", parts, lambda: calls.append(1) or 1) == 1
    assert content_cache.by_value("v", copy.deepcopy(parts), lambda: calls.append(2) or 2) == 1
    parts[0]["company"]["legal_name"] = "Autre nom SAS"
    assert content_cache.by_value("v", parts, lambda: calls.append(3) or 3) == 3

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date(2999, 1, 1)

    monkeypatch.setattr(content_cache, "date", Tomorrow)  # a new day words ages afresh
    assert content_cache.by_value("v", parts, lambda: calls.append(4) or 4) == 4
    assert calls == [1, 3, 4]
