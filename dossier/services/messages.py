"""French and English messages of the services' error codes."""

from dossier.catalogue import N_, N_plural
from dossier.i18n import register

register({
    "not_found": N_("Not found."),
    "dossier_not_found": N_("This dossier does not exist or is not yours to see."),
    "attachment_not_found": N_("This attachment does not exist in this dossier."),
    "signup_link_invalid": N_("This confirmation link is invalid, expired or already used."),
    "bad_credentials": N_("Wrong e-mail address or password."),
    "bad_token": N_("Invalid or expired access token; please log in again."),
    "not_authenticated": N_("You need to log in."),
    "role_forbidden": N_("Your role ({role}) does not allow this action."),
    "email_taken": N_("An account already exists for {email}."),
    "reviewer_partner": N_("A reviewer belongs to exactly one partner."),
    "password_too_short": N_("The password must be at least {min_length} characters long."),
    "attachment_kind": N_("Unknown attachment kind; possible values: {expected}."),
    "attachment_locked": N_("The dossier is submitted: its attachments can no longer be deleted."),
    "attachment_scan_pending": N_("\"{filename}\" is being scanned for viruses; please "
                                  "retry in a moment."),
    "attachment_scan_error": N_("\"{filename}\" could not be scanned for viruses; delete it "
                                "and upload it again."),
    "attachment_scan_infected": N_("\"{filename}\" contains a virus ({signature}) and was "
                                   "refused."),
    "attachments_not_scanned": N_("These attachments have not been cleared by the "
                                  "antivirus: {filenames}."),
    "file_empty": N_("The file is empty."),
    "dossier_incomplete": N_plural("The dossier is not complete: {count} point to fix.",
                                   "The dossier is not complete: {count} points to fix.", "count"),
    "dossier_not_submitted": N_("This dossier has not been submitted yet."),
    "dossier_not_draft": N_("This dossier is submitted: change it with an amendment."),
    "consent_required": N_("Tick the consent box: the dossier will be sent to the chosen "
                           "partners."),
    "partner_ineligible": N_("{partner}: {reason}"),
    "attachments_missing": N_("{partner} still needs these attachments: {kinds}."),
    "submission_refused": N_plural("Submission refused: {count} point to settle.",
                                   "Submission refused: {count} points to settle.", "count"),
    "route_not_found": N_("This route does not exist or is not yours to see."),
    "partner_not_found": N_("This partner does not exist or is not yours to see."),
    "event_unknown": N_("Unknown event: {event}."),
    "event_not_for_role": N_("Your role cannot fire \"{event}\"."),
    "event_not_from_state": N_("\"{event}\" is not possible while the route is \"{state}\"."),
    "event_not_for_role_in_state": N_("Your role cannot fire \"{event}\" while the route is "
                                      "\"{state}\"."),
    "event_type": N_("Event type expected among: {expected}."),
    "attachment_unknown": N_("This attachment does not belong to the dossier."),
})
