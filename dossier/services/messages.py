"""French and English messages of the services' error codes."""

from dossier.i18n import register

register({
    "not_found": {"fr": "Introuvable.", "en": "Not found."},
    "dossier_not_found": {"fr": "Ce dossier n'existe pas ou ne vous est pas accessible.",
                          "en": "This dossier does not exist or is not yours to see."},
    "attachment_not_found": {"fr": "Cette pièce n'existe pas dans ce dossier.",
                             "en": "This attachment does not exist in this dossier."},
    "signup_link_invalid": {"fr": "Ce lien de confirmation est invalide, expiré ou déjà utilisé.",
                            "en": "This confirmation link is invalid, expired or already used."},
    "bad_credentials": {"fr": "Adresse e-mail ou mot de passe incorrect.",
                        "en": "Wrong e-mail address or password."},
    "bad_token": {"fr": "Jeton d'accès invalide ou expiré ; reconnectez-vous.",
                  "en": "Invalid or expired access token; please log in again."},
    "not_authenticated": {"fr": "Connexion requise.", "en": "You need to log in."},
    "role_forbidden": {"fr": "Votre rôle ({role}) ne permet pas cette action.",
                       "en": "Your role ({role}) does not allow this action."},
    "email_taken": {"fr": "Un compte existe déjà pour {email}.",
                    "en": "An account already exists for {email}."},
    "reviewer_partner": {"fr": "Un examinateur appartient à exactement un partenaire.",
                         "en": "A reviewer belongs to exactly one partner."},
    "password_too_short": {"fr": "Le mot de passe doit compter au moins {min_length} caractères.",
                           "en": "The password must be at least {min_length} characters long."},
    "attachment_kind": {"fr": "Type de pièce inconnu ; valeurs possibles : {expected}.",
                        "en": "Unknown attachment kind; possible values: {expected}."},
    "attachment_locked": {
        "fr": "Le dossier est déposé : ses pièces ne peuvent plus être supprimées.",
        "en": "The dossier is submitted: its attachments can no longer be deleted."},
    "attachment_scan_pending": {
        "fr": "« {filename} » est en cours d'analyse antivirus ; réessayez dans un instant.",
        "en": "\"{filename}\" is being scanned for viruses; please retry in a moment."},
    "attachment_scan_error": {
        "fr": "« {filename} » n'a pas pu être analysé par l'antivirus ; supprimez-le et "
              "envoyez-le de nouveau.",
        "en": "\"{filename}\" could not be scanned for viruses; delete it and upload it again."},
    "attachment_scan_infected": {
        "fr": "« {filename} » contient un virus ({signature}) et a été refusé.",
        "en": "\"{filename}\" contains a virus ({signature}) and was refused."},
    "attachments_not_scanned": {
        "fr": "Ces pièces n'ont pas été validées par l'antivirus : {filenames}.",
        "en": "These attachments have not been cleared by the antivirus: {filenames}."},
    "file_empty": {"fr": "Le fichier est vide.", "en": "The file is empty."},
    "dossier_incomplete": {"fr": "Le dossier n'est pas complet : {count} point(s) à corriger.",
                           "en": "The dossier is not complete: {count} point(s) to fix."},
    "dossier_not_submitted": {"fr": "Ce dossier n'a pas encore été déposé.",
                              "en": "This dossier has not been submitted yet."},
    "dossier_not_draft": {"fr": "Ce dossier est déposé : modifiez-le par un avenant.",
                          "en": "This dossier is submitted: change it with an amendment."},
    "consent_required": {
        "fr": "Cochez le consentement : le dossier sera transmis aux partenaires choisis.",
        "en": "Tick the consent box: the dossier will be sent to the chosen partners."},
    "partner_ineligible": {"fr": "{partner} : {reason}", "en": "{partner}: {reason}"},
    "attachments_missing": {"fr": "{partner} demande encore ces pièces : {kinds}.",
                            "en": "{partner} still needs these attachments: {kinds}."},
    "submission_refused": {"fr": "Le dépôt est refusé : {count} point(s) à régler.",
                           "en": "Submission refused: {count} point(s) to settle."},
    "route_not_found": {"fr": "Cette transmission n'existe pas ou ne vous est pas accessible.",
                        "en": "This route does not exist or is not yours to see."},
    "event_unknown": {"fr": "Événement inconnu : {event}.", "en": "Unknown event: {event}."},
    "event_not_for_role": {"fr": "Votre rôle ne permet pas « {event} ».",
                           "en": "Your role cannot fire \"{event}\"."},
    "event_not_from_state": {
        "fr": "« {event} » est impossible quand la demande est « {state} ».",
        "en": "\"{event}\" is not possible while the route is \"{state}\"."},
    "event_type": {"fr": "Type d'événement attendu parmi : {expected}.",
                   "en": "Event type expected among: {expected}."},
    "attachment_unknown": {"fr": "Cette pièce n'appartient pas au dossier.",
                           "en": "This attachment does not belong to the dossier."},
})
