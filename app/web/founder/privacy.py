"""The founder's data page: download everything, or erase the account (with confirmation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import privacy
from app.deps import StateDep
from app.web.common.deps import SESSION_COOKIE, Csrf, FounderPage
from app.web.common.templating import page_lang, render
from app.web.common.texts import register, text
from dossier.errors import Invalid

router = APIRouter(include_in_schema=False)

register({
    "fo.my_data": ("Mes données", "My data"),
    "fo.draft_warned": (
        "Ce brouillon n'a pas été modifié depuis longtemps : il sera bientôt supprimé. "
        "Enregistrez-le pour le garder.",
        "This draft has not changed for a long time and will soon be deleted. Save it to "
        "keep it."),
    "fo.data_intro": (
        "Téléchargez tout ce que nous conservons sur vous : votre compte, vos dossiers et "
        "leurs versions, les réponses des partenaires, les messages, vos consentements et "
        "vos pièces justificatives, dans un fichier ZIP.",
        "Download everything we keep about you: your account, your dossiers and their "
        "versions, the partners' answers, messages, your consents and your attachments, "
        "in one ZIP file."),
    "fo.export": ("Télécharger mes données (ZIP)", "Download my data (ZIP)"),
    "fo.erase_title": ("Supprimer mon compte et mes dossiers", "Erase my account and dossiers"),
    "fo.erase_intro": (
        "Vos dossiers, leurs versions, pièces, messages et réponses sont effacés de nos "
        "serveurs, ainsi que votre compte ; vos sessions se ferment. C'est définitif : "
        "téléchargez d'abord vos données si vous souhaitez les garder.",
        "Your dossiers, their versions, attachments, messages and answers are erased from our "
        "servers, and so is your account; your sessions end. This cannot be undone: download "
        "your data first if you want to keep it."),
    "fo.erase_partners": (
        "Les partenaires perdent aussitôt l'accès à vos dossiers sur cette plateforme. Ceux "
        "qui les ont reçus sur leur propre système (par webhook) en conservent leur copie, "
        "dont ils sont responsables : adressez-vous à eux pour la faire supprimer.",
        "Partners lose access to your dossiers on this platform at once. Those who received "
        "them on their own systems (by webhook) keep their copy, which is theirs to manage: "
        "ask them directly to delete it."),
    "fo.erase_password": ("Votre mot de passe, pour confirmer", "Your password, to confirm"),
    "fo.erase_confirm": ("Je comprends que cette suppression est définitive.",
                         "I understand that this erasure cannot be undone."),
    "fo.erase_button": ("Supprimer définitivement", "Erase for good"),
    "fo.erase_unconfirmed": ("Cochez la case pour confirmer la suppression.",
                             "Tick the box to confirm the erasure."),
    "fo.erased_title": ("Vos données ont été supprimées", "Your data has been erased"),
    "fo.erased_text": (
        "Votre compte et vos {count} dossier(s) ont été effacés. Il ne reste qu'une trace "
        "anonyme que chaque dossier a existé, avec ses dates.",
        "Your account and your {count} dossier(s) have been erased. Only an anonymous record "
        "that each dossier existed, with its dates, remains."),
})


@router.get("/founder/data")
def data_page(request: Request, user: FounderPage) -> Response:
    """Export and erasure, explained."""
    return render(request, "founder/privacy.html", error=None)


@router.get("/founder/data/export.zip")
def export(user: FounderPage, state: StateDep) -> Response:
    """Everything we keep about the founder, as a ZIP streamed as it is built."""
    return privacy.export_response(state, user)


@router.post("/founder/data/erase", dependencies=[Csrf])
def erase(request: Request, user: FounderPage, state: StateDep,
          password: Annotated[str, Form(max_length=1000)] = "",
          confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Erase the account and its dossiers once confirmed; the session cookie goes too."""
    lang = page_lang(request)
    if confirm != "yes":
        return render(request, "founder/privacy.html", status_code=422,
                      error=text("fo.erase_unconfirmed", lang))
    try:
        erased = privacy.erase(state, user_id=user.id, password=password)
    except Invalid as exc:
        return render(request, "founder/privacy.html", status_code=422,
                      error=exc.errors[0].message(lang) if exc.errors else exc.message(lang))
    request.state.user, request.state.csrf = None, ""
    response = render(request, "founder/erased.html", count=len(erased))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
