"""French and English messages of the HTTP layer's error codes."""

from dossier.catalogue import N_, N_plural
from dossier.i18n import register

MESSAGES = {
    "invalid": N_("Some data is invalid."),
    "and_more": N_plural(" (and {count} more error)",
                         " (and {count} more errors)", "count"),
    "bad_request": N_("Bad request."),
    "unauthorized": N_("You need to log in."),
    "forbidden": N_("Action not allowed."),
    "conflict": N_("This action does not fit the current state."),
    "method_not_allowed": N_("Method {method} not allowed on this address; allowed methods: "
                             "{allowed}."),
    "http_error": N_("Request error."),
    "internal_error": N_("Internal error; the team has been told."),
    "too_large": N_("Content too large (limit: {limit})."),
    "unavailable": N_("Document storage is not answering; please retry in a moment."),
    "database_busy": N_("The service is very busy; please retry in a moment."),
    "database_unavailable": N_("The database is not answering; please retry in a moment."),
    "upload_too_large": N_("The file exceeds the maximum size ({limit})."),
    "upload_not_multipart": N_("Send the file as multipart/form-data (fields \"file\" and "
                               "\"kind\")."),
    "upload_one_file": N_("One file per upload."),
    "upload_field_too_long": N_("The field \"{field}\" is too long."),
    "upload_malformed": N_("Malformed multipart body ({reason})."),
    "json_content_type": N_("The body must be JSON (got {content_type})."),
    "body_too_large": N_("The request body exceeds {limit}."),
    "headers_too_large": N_("The request headers are too large."),
    "row_index_invalid": N_("Row number unreadable or above {max_index}."),
    "concurrent_update": N_("Another request changed this data at the same moment; please retry."),
    "too_many_attempts": N_("Too many login attempts; try again in {seconds} seconds."),
    "login_busy": N_("Too many logins at once; try again in {seconds} seconds."),
    "link_invalid": N_("Invalid or expired download link."),
}


def register_messages() -> None:
    """Add the HTTP layer's texts to the catalogue."""
    register(MESSAGES)
