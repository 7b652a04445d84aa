"""Eligibility rules: one function per rule, run in the order a founder reads them."""

from __future__ import annotations

from banks.rules import messages as _messages  # noqa: F401  (registers the texts)
from banks.rules.base import Check, Rule, Subject
from banks.rules.company import company_age, founders_full_time, labels, sector, stage, territory
from banks.rules.request import amount, instrument

RULES: tuple[Rule, ...] = (
    territory, company_age, stage, sector, founders_full_time, labels, instrument, amount,
)


def run_rules(subject: Subject) -> list[Check]:
    """Every configured rule's verdict on the subject (rules a partner does not set are skipped)."""
    return [check for rule in RULES if (check := rule(subject)) is not None]


__all__ = ["RULES", "Check", "Rule", "Subject", "run_rules"]
