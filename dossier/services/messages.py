"""French and English messages of the services' error codes."""

from dossier.i18n import register

register({
    "not_found": {"fr": "Introuvable.", "en": "Not found."},
    "dossier_not_found": {"fr": "Ce dossier n'existe pas ou ne vous est pas accessible.",
                          "en": "This dossier does not exist or is not yours to see."},
    "attachment_not_found": {"fr": "Cette pièce n'existe pas dans ce dossier.",
                             "en": "This attachment does not exist in this dossier."},
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
    "file_empty": {"fr": "Le fichier est vide.", "en": "The file is empty."},
    "dossier_incomplete": {"fr": "Le dossier n'est pas complet : {count} point(s) à corriger.",
                           "en": "The dossier is not complete: {count} point(s) to fix."},
    "dossier_not_submitted": {"fr": "Ce dossier n'a pas encore été déposé.",
                              "en": "This dossier has not been submitted yet."},
})
