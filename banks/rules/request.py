"""Rules on what the dossier asks of this partner: instrument and amount."""

from __future__ import annotations

from banks.rules.base import Check, Subject
from dossier.money import as_str


def instrument(s: Subject) -> Check:
    """The instrument requested is one the partner offers."""
    offered = list(s.partner.instruments)
    ctx: dict = {"offered": offered}
    request = s.request
    if request is None:
        return Check("instrument", True, "instrument_not_requested", ctx)
    if request.instrument is None:
        return Check("instrument", False, "unknown_instrument", ctx)
    ctx["instrument"] = str(request.instrument)
    ok = ctx["instrument"] in offered
    return Check("instrument", ok, "instrument_ok" if ok else "instrument_not_offered", ctx)


def amount(s: Subject) -> Check | None:
    """The amount requested from this partner is within its bounds."""
    low, high = s.rules.amount_min_eur, s.rules.amount_max_eur
    if low is None and high is None:
        return None
    ctx: dict = {"min": None if low is None else as_str(low),
                 "max": None if high is None else as_str(high)}
    request = s.request
    if request is None or (request.amount_eur is None and request.instrument == "advice"):
        return Check("amount", True, "amount_not_requested", ctx)
    if request.amount_eur is None:
        return Check("amount", False, "unknown_amount", ctx)
    value = request.amount_eur
    ctx["amount"] = as_str(value)
    if low is not None and value < low:
        return Check("amount", False, "amount_below_min", ctx)
    if high is not None and value > high:
        return Check("amount", False, "amount_above_max", ctx)
    return Check("amount", True, "amount_ok", ctx)
