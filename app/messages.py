"""French and English messages of the HTTP layer's error codes."""

from dossier.i18n import register

MESSAGES = {
    "invalid": {"fr": "Certaines données sont invalides.", "en": "Some data is invalid."},
    "and_more": {"fr": " (et {count} autre(s) erreur(s))", "en": " (and {count} more error(s))"},
    "bad_request": {"fr": "Requête invalide.", "en": "Bad request."},
    "unauthorized": {"fr": "Connexion requise.", "en": "You need to log in."},
    "forbidden": {"fr": "Action non autorisée.", "en": "Action not allowed."},
    "conflict": {"fr": "Action impossible dans l'état actuel.",
                 "en": "This action does not fit the current state."},
    "method_not_allowed": {
        "fr": "Méthode {method} non autorisée sur cette adresse ; méthodes acceptées : {allowed}.",
        "en": "Method {method} not allowed on this address; allowed methods: {allowed}."},
    "http_error": {"fr": "Erreur de requête.", "en": "Request error."},
    "internal_error": {"fr": "Erreur interne ; l'équipe a été prévenue.",
                       "en": "Internal error; the team has been told."},
    "too_large": {"fr": "Contenu trop volumineux (limite : {limit} octets).",
                  "en": "Content too large (limit: {limit} bytes)."},
    "unavailable": {"fr": "Le stockage des documents ne répond pas ; réessayez dans un instant.",
                    "en": "Document storage is not answering; please retry in a moment."},
    "database_busy": {"fr": "Le service est très sollicité ; réessayez dans un instant.",
                      "en": "The service is very busy; please retry in a moment."},
    "database_unavailable": {"fr": "La base de données ne répond pas ; réessayez dans un instant.",
                             "en": "The database is not answering; please retry in a moment."},
    "upload_too_large": {"fr": "Le fichier dépasse la taille maximale ({limit} octets).",
                         "en": "The file exceeds the maximum size ({limit} bytes)."},
    "upload_not_multipart": {
        "fr": "Envoyez le fichier en multipart/form-data (champs « file » et « kind »).",
        "en": "Send the file as multipart/form-data (fields \"file\" and \"kind\")."},
    "upload_one_file": {"fr": "Un seul fichier par envoi.", "en": "One file per upload."},
    "upload_field_too_long": {"fr": "Le champ « {field} » est trop long.",
                              "en": "The field \"{field}\" is too long."},
    "upload_malformed": {"fr": "Envoi multipart mal formé ({reason}).",
                         "en": "Malformed multipart body ({reason})."},
    "json_content_type": {"fr": "Le corps doit être du JSON (reçu : {content_type}).",
                          "en": "The body must be JSON (got {content_type})."},
    "body_too_large": {"fr": "Le corps de la requête dépasse {limit} octets.",
                       "en": "The request body exceeds {limit} bytes."},
    "headers_too_large": {"fr": "Les en-têtes de la requête sont trop volumineux.",
                          "en": "The request headers are too large."},
    "row_index_invalid": {"fr": "Numéro de ligne illisible ou supérieur à {max_index}.",
                          "en": "Row number unreadable or above {max_index}."},
    "concurrent_update": {"fr": "Une autre requête a modifié ces données au même moment ; "
                                "réessayez.",
                          "en": "Another request changed this data at the same moment; "
                                "please retry."},
    "too_many_attempts": {
        "fr": "Trop de tentatives de connexion ; réessayez dans {seconds} secondes.",
        "en": "Too many login attempts; try again in {seconds} seconds."},
    "login_busy": {"fr": "Trop de connexions en cours ; réessayez dans {seconds} secondes.",
                   "en": "Too many logins at once; try again in {seconds} seconds."},
    "link_invalid": {"fr": "Lien de téléchargement invalide ou expiré.",
                     "en": "Invalid or expired download link."},
}


def register_messages() -> None:
    """Add the HTTP layer's texts to the catalogue."""
    register(MESSAGES)
