"""Interface texts of the pages, French first (English by choice)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "app_name": ("Dossier unique de financement", "One funding dossier"),
    "tagline": ("Un seul dossier, rempli une fois, pour toutes les banques et tous les fonds "
                "d'Aix-Marseille.",
                "One dossier, filled once, for every bank and fund of Aix-Marseille."),
    "skip": ("Aller au contenu", "Skip to content"),
    "login": ("Se connecter", "Log in"),
    "logout": ("Se déconnecter", "Log out"),
    "signup": ("Créer un compte", "Sign up"),
    "email": ("Adresse e-mail", "E-mail address"),
    "password": ("Mot de passe", "Password"),
    "password_again": ("Mot de passe (confirmation)", "Password (again)"),
    "full_name": ("Nom et prénom", "Full name"),
    "founders_entry": ("Espace start-up", "Start-up area"),
    "reviewers_entry": ("Espace banques et fonds", "Banks and funds area"),
    "staff_entry": ("Espace French Tech", "French Tech area"),
    "demo_accounts": ("Comptes de démonstration", "Demo accounts"),
    "bad_credentials": ("Adresse e-mail ou mot de passe incorrect.",
                        "Wrong e-mail address or password."),
    "too_many_attempts": ("Trop de tentatives ; réessayez dans quelques minutes.",
                          "Too many attempts; try again in a few minutes."),
    "login_busy": ("Trop de connexions en cours ; réessayez dans un instant.",
                   "Too many logins at once; try again in a moment."),
    "csrf_failed": ("La page a expiré ; rechargez-la et recommencez.",
                    "The page has expired; reload it and try again."),
    "signup_sent": ("Vérifiez votre boîte e-mail : nous vous avons écrit pour la suite.",
                    "Check your e-mail: we have written to you about the next step."),
    "signup_confirm": ("Confirmer mon compte", "Confirm my account"),
    "signup_confirm_intro": ("Un dernier clic pour activer votre compte.",
                             "One last click to activate your account."),
    "signup_confirm_button": ("Activer mon compte", "Activate my account"),
    "passwords_differ": ("Les deux mots de passe diffèrent.", "The two passwords differ."),
    "not_found_title": ("Page introuvable", "Page not found"),
    "error_title": ("Un problème est survenu", "Something went wrong"),
    "back_home": ("Retour à l'accueil", "Back to the home page"),
    "language": ("English", "Français"),
}


def text(key: str, lang: str) -> str:
    """The interface text in the given language (the key itself if unknown)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def register(texts: dict[str, tuple[str, str]]) -> None:
    """Add texts (a page module's own)."""
    TEXTS.update(texts)
