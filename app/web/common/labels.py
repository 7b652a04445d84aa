"""Labels picked by a code at run time (`pick("rv_state_", state, lang)`), one table a prefix."""

from __future__ import annotations

from dossier.catalogue import LazyText, _l, lazy_pgettext

TABLES: dict[str, dict[str, LazyText]] = {
    "fo.access_kind.": {
        "dossier": _l("Dossier opened"),
        "pdf": _l("Dossier PDF downloaded"),
        "attachment": _l("Document read: {name}"),
        "attachments_zip": _l("All documents downloaded (ZIP)"),
        "handover": _l("Dossier handed over to {name}"),
    },
    "fo.access_via.": {
        "web": _l("on the portal"),
        "api": _l("through the API"),
    },
    "rv_": {
        "amount_min": _l("Minimum amount (€)"),
        "amount_max": _l("Maximum amount (€)"),
        "added": _l("added"),
        "removed": _l("removed"),
    },
    "rv_age_": {
        "any": _l("Any"),
        "week": _l("Less than 7 days"),
        "month": _l("7 to 30 days"),
        "older": _l("More than 30 days"),
    },
    "rv_done_": {
        "opened": _l("Dossier opened."),
        "in_review": _l("Review started."),
        "info_requested": _l("Your request for information was sent to the founder."),
        "recommended": _l("Your recommendation was sent to the committee."),
        "approved": _l("Decision recorded: approved."),
        "declined": _l("Decision recorded: declined."),
        "message": _l("Message sent."),
        "note": _l("Note added."),
        "assigned": _l("Assignment saved."),
        "revised": _l("Decision revised; the founder is told."),
        "disbursed": _l("Payment recorded."),
    },
    "staff_": {
        "dashboard": _l("Dashboard"),
        "exports": _l("Exports"),
        "partners": _l("Partners"),
        "reviewers": _l("Reviewers"),
        "routed": _l("Routed"),
        "opened": _l("Opened"),
        "in_review": _l("In review"),
        "info_requested": _l("Info requested"),
        "approved": lazy_pgettext("staff_approved", "Approved"),
        "declined": lazy_pgettext("staff_declined", "Declined"),
    },
    "staff_f_": {
        "drafts": _l("Drafts"),
        "submitted": lazy_pgettext("staff_f_submitted", "Submitted"),
        "delivered": _l("Delivered"),
        "in_review": _l("In review"),
        "decided": _l("Decided"),
    },
    "staff_unit_": {
        "dossiers": _l("dossiers"),
        "routes": _l("requests"),
    },
}


def pick(prefix: str, code: object, lang: str) -> str:
    """The label of `code` in the table `prefix` (the code itself when it has none)."""
    label = TABLES[prefix].get(str(code))
    return str(code) if label is None else label.get(lang)
