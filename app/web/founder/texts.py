"""Interface texts of the founder pages, French first (keys start with `fo.`)."""

from __future__ import annotations

from app.web.common.texts import register

TEXTS: dict[str, tuple[str, str]] = {
    # dashboard
    "fo.my_dossiers": ("Mes dossiers", "My dossiers"),
    "fo.dashboard_intro": (
        "Un seul dossier de financement, rempli une fois, pour les banques et les fonds "
        "d'Aix-Marseille que vous choisissez.",
        "One funding dossier, filled once, for the Aix-Marseille banks and funds you choose."),
    "fo.new_dossier": ("Créer un nouveau dossier", "Start a new dossier"),
    "fo.no_dossier": ("Vous n'avez pas encore de dossier.", "You have no dossier yet."),
    "fo.unnamed": ("Entreprise sans nom", "Unnamed company"),
    "fo.status_draft": ("Brouillon", "Draft"),
    "fo.status_submitted": ("Déposé", "Submitted"),
    "fo.version_n": ("version {n}", "version {n}"),
    "fo.updated": ("Modifié le", "Updated"),
    "fo.completed": ("Rempli à", "Completed"),
    "fo.continue": ("Continuer le dossier", "Continue the dossier"),
    "fo.follow": ("Suivre le dossier", "Follow the dossier"),
    "fo.partners_count": ("Partenaires", "Partners"),
    # wizard
    "fo.steps": ("Étapes du dossier", "Dossier steps"),
    "fo.colon": ("\u00a0:", ":"),
    "fo.all_steps": ("toutes les étapes", "all steps"),
    "fo.step_n": ("Étape {n} sur {total}", "Step {n} of {total}"),
    "fo.save": ("Enregistrer", "Save"),
    "fo.next": ("Étape suivante", "Next step"),
    "fo.prev": ("Étape précédente", "Previous step"),
    "fo.add_row": ("Ajouter une ligne", "Add a row"),
    "fo.remove_row": ("Retirer la ligne", "Remove the row"),
    "fo.optional": ("facultatif", "optional"),
    "fo.choose": ("— Choisir —", "— Choose —"),
    "fo.yes": ("Oui", "Yes"),
    "fo.no": ("Non", "No"),
    "fo.total": ("Total", "Total"),
    "fo.of_need": ("du besoin", "of the need"),
    "fo.need": ("Besoin total", "Total need"),
    "fo.saved": ("Enregistré.", "Saved."),
    "fo.saved_at": ("Brouillon enregistré à {time}.", "Draft saved at {time}."),
    "fo.saving": ("Enregistrement…", "Saving…"),
    "fo.not_saved": ("Non enregistré : {count} point(s) à corriger.",
                     "Not saved: {count} point(s) to fix."),
    "fo.checked_only": ("Vérifié, pas encore enregistré : « Enregistrer » crée la nouvelle "
                        "version.", "Checked, not saved yet: \"Save\" creates the new version."),
    "fo.autosave_help": ("Vos saisies sont enregistrées automatiquement ; le bouton "
                         "« Enregistrer » fait de même.",
                         "What you type is saved automatically; the \"Save\" button does the "
                         "same."),
    "fo.errors_title": ("Rien n'a été enregistré : {count} point(s) à corriger",
                        "Nothing was saved: {count} point(s) to fix"),
    "fo.errors_keep": ("Vos saisies sont conservées ci-dessous ; corrigez puis enregistrez.",
                       "What you typed is kept below; fix it and save again."),
    "fo.amend_warning": (
        "Ce dossier est déposé. Enregistrer une modification crée une nouvelle version "
        "(avenant) : les partenaires qui n'ont pas encore décidé la reçoivent en mise à jour.",
        "This dossier is submitted. Saving a change creates a new version (amendment): "
        "partners who have not decided yet receive it as an update."),
    "fo.amended": ("Nouvelle version {n} enregistrée ; les partenaires concernés la reçoivent.",
                   "New version {n} saved; the partners concerned receive it."),
    "fo.unchanged": ("Aucun changement : pas de nouvelle version.",
                     "No change: no new version."),
    "fo.progress": ("Progression", "Progress"),
    "fo.progress_of": ("{filled} sur {required} renseignés", "{filled} of {required} filled"),
    "fo.overall": ("Dossier rempli à {percent} %", "Dossier {percent}% complete"),
    "fo.your_partners": ("Vos partenaires", "Your partners"),
    "fo.no_partner_yet": ("Choisissez vos partenaires à l'étape « Partenaires et dépôt ».",
                          "Choose your partners at the \"Partners and submission\" step."),
    "fo.meter": ("{met} critères et pièces sur {total}", "{met} of {total} criteria and "
                 "documents"),
    "fo.still_needs": ("Il manque encore", "Still missing"),
    "fo.ready": ("Prêt à être déposé", "Ready to submit"),
    "fo.row_removed": ("Ligne retirée.", "Row removed."),
    # attachments
    "fo.attachments": ("Pièces justificatives", "Supporting documents"),
    "fo.upload": ("Ajouter une pièce", "Add a document"),
    "fo.upload_button": ("Envoyer la pièce", "Upload the document"),
    "fo.kind": ("Type de pièce", "Document type"),
    "fo.file": ("Fichier", "File"),
    "fo.doc": ("Pièce", "Document"),
    "fo.add_this": ("Ajouter", "Add"),
    "fo.file_help": ("PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS ou CSV ; {limit} au plus.",
                     "PDF, PNG, JPEG, XLSX, DOCX, ODT, ODS or CSV; {limit} at most."),
    "fo.uploaded": ("Pièce ajoutée : {name}.", "Document added: {name}."),
    "fo.deleted": ("Pièce supprimée.", "Document deleted."),
    "fo.replaced": ("Pièce remplacée : {name}.", "Document replaced: {name}."),
    "fo.no_attachment": ("Aucune pièce pour l'instant.", "No document yet."),
    "fo.size": ("Taille", "Size"),
    "fo.fingerprint": ("Empreinte SHA-256", "SHA-256 digest"),
    "fo.added_on": ("Ajoutée le", "Added on"),
    "fo.actions": ("Actions", "Actions"),
    "fo.delete": ("Supprimer", "Delete"),
    "fo.replace": ("Remplacer", "Replace"),
    "fo.replace_with": ("Nouveau fichier pour « {name} »", "New file for \"{name}\""),
    "fo.download": ("Télécharger", "Download"),
    "fo.needed_by": ("Pièces demandées par vos partenaires", "Documents your partners ask for"),
    "fo.have": ("fournie", "provided"),
    "fo.missing": ("manquante", "missing"),
    "fo.locked": ("Le dossier est déposé : les pièces ne peuvent plus être supprimées, mais "
                  "vous pouvez en ajouter (par exemple pour répondre à une demande).",
                  "The dossier is submitted: documents can no longer be deleted, but you can "
                  "add some (for example to answer a request)."),
    "fo.upload_progress": ("Progression de l'envoi", "Upload progress"),
    "fo.upload_failed": ("L'envoi a échoué.", "The upload failed."),
    # partners
    "fo.partners_title": ("Partenaires et dépôt", "Partners and submission"),
    "fo.partners_intro": (
        "Choisissez les banques et fonds qui recevront votre dossier, ce que vous demandez à "
        "chacun, puis donnez votre accord pour chaque transmission.",
        "Choose the banks and funds that will receive your dossier and what you ask of each, "
        "then give your consent for each of them."),
    "fo.choose_partner": ("Solliciter {name}", "Ask {name}"),
    "fo.instrument": ("Instrument", "Instrument"),
    "fo.amount": ("Montant demandé", "Amount requested"),
    "fo.amount_granted": ("Montant accordé", "Amount granted"),
    "fo.amount_help": ("Par exemple 200 000,00.", "For example 200,000.00."),
    "fo.duration": ("Durée souhaitée (mois)", "Desired term (months)"),
    "fo.consent": (
        "J'accepte que mon dossier et ses pièces soient transmis à {name}, qui pourra les "
        "consulter pour instruire ma demande.",
        "I agree that my dossier and its documents be sent to {name}, who may read them to "
        "review my request."),
    "fo.consent_missing": ("Cochez l'accord de transmission à {name} pour le déposer.",
                           "Tick the consent box for {name} to submit to it."),
    "fo.save_choice": ("Enregistrer mon choix", "Save my choice"),
    "fo.submit": ("Déposer le dossier", "Submit the dossier"),
    "fo.submit_more": ("Transmettre aux nouveaux partenaires", "Send to the new partners"),
    "fo.eligible": ("Critères remplis", "Criteria met"),
    "fo.not_eligible": ("Critères non remplis", "Criteria not met"),
    "fo.requested": ("Sollicité", "Requested"),
    "fo.not_requested": ("Non sollicité", "Not requested"),
    "fo.why": ("Pourquoi", "Why"),
    "fo.criteria_ok": ("Critères remplis", "Criteria met"),
    "fo.criteria_ko": ("À régler", "To settle"),
    "fo.docs_missing": ("Pièces à fournir", "Documents to provide"),
    "fo.docs_complete": ("Toutes les pièces demandées sont fournies.",
                         "All the documents asked for are provided."),
    "fo.offers": ("Propose", "Offers"),
    "fo.sla": ("Réponse sous {days} jours environ", "Answer within about {days} days"),
    "fo.already_sent": ("Déjà transmis le {date}", "Already sent on {date}"),
    "fo.requested_not_sent": (
        "Sollicité dans une version modifiée du dossier, mais pas encore transmis : la "
        "transmission à un nouveau partenaire après le dépôt n'est pas encore possible ici.",
        "Requested in an amended version, but not sent yet: sending to a new partner after "
        "submission is not possible here yet."),
    "fo.choice_saved": ("Votre choix est enregistré.", "Your choice is saved."),
    "fo.submit_refused": ("Le dossier n'a pas été déposé : {count} point(s) à régler.",
                          "The dossier was not submitted: {count} point(s) to settle."),
    "fo.submitted_ok": ("Votre dossier est déposé et transmis aux partenaires choisis.",
                        "Your dossier is submitted and sent to the chosen partners."),
    "fo.go_fix": ("Corriger", "Fix it"),
    "fo.submit_warning": ("Après le dépôt, toute modification crée une nouvelle version "
                          "transmise aux partenaires.",
                          "After submission, any change creates a new version sent to the "
                          "partners."),
    # status
    "fo.status_title": ("Suivi du dossier", "Dossier follow-up"),
    "fo.version": ("Version", "Version"),
    "fo.submitted_on": ("Déposé le", "Submitted on"),
    "fo.hash": ("Empreinte du contenu (SHA-256)", "Content digest (SHA-256)"),
    "fo.amend": ("Modifier le dossier (avenant)", "Amend the dossier"),
    "fo.edit": ("Compléter le dossier", "Complete the dossier"),
    "fo.choose_partners": ("Choisir les partenaires et déposer", "Choose partners and submit"),
    "fo.add_partners": ("Solliciter d'autres partenaires", "Ask other partners"),
    "fo.pdf": ("Télécharger le dossier (PDF)", "Download the dossier (PDF)"),
    "fo.receipt": ("Télécharger l'accusé de dépôt (PDF)", "Download the deposit receipt (PDF)"),
    "fo.preview": ("Voir le dossier", "View the dossier"),
    "fo.plan": ("Plan de financement", "Funding plan"),
    "fo.plan_need": ("Besoin total", "Total need"),
    "fo.plan_obtained": ("Déjà obtenu", "Already obtained"),
    "fo.plan_covered": ("Couvert par les accords des partenaires",
                        "Covered by partners' approvals"),
    "fo.plan_remaining": ("Reste à financer", "Still to finance"),
    "fo.plan_closed": ("Le plan de financement est bouclé.", "The funding plan is closed."),
    "fo.plan_open": ("Le plan n'est pas encore bouclé.", "The plan is not closed yet."),
    "fo.plan_approved": ("Accordé", "Approved"),
    "fo.plan_share": ("Part du besoin", "Share of need"),
    "fo.plan_coverage": ("Couverture du besoin", "Coverage of the need"),
    "fo.source": ("Ressource", "Source"),
    "fo.status": ("Statut", "Status"),
    "fo.partner": ("Partenaire", "Partner"),
    "fo.routes": ("Vos partenaires", "Your partners"),
    "fo.routes_detail": ("Échanges avec chaque partenaire", "Exchanges with each partner"),
    "fo.plan_detail": ("Détail des ressources", "Sources in detail"),
    "fo.write": ("Écrire un message", "Write a message"),
    "fo.answer": ("Répondre à la demande", "Answer the request"),
    "fo.no_routes": ("Le dossier n'a encore été transmis à aucun partenaire.",
                     "The dossier has not been sent to any partner yet."),
    "fo.timeline": ("Historique", "History"),
    "fo.decision": ("Décision", "Decision"),
    "fo.terms": ("Conditions accordées", "Terms granted"),
    "fo.rate": ("Taux", "Rate"),
    "fo.duration_short": ("Durée", "Term"),
    "fo.months": ("{n} mois", "{n} months"),
    "fo.conditions": ("Conditions", "Conditions"),
    "fo.reason": ("Motif", "Reason"),
    "fo.comment": ("Commentaire", "Comment"),
    "fo.messages": ("Messages", "Messages"),
    "fo.no_messages": ("Aucun message.", "No messages."),
    "fo.you": ("Vous", "You"),
    "fo.your_message": ("Votre message à {name}", "Your message to {name}"),
    "fo.answer_request": ("Votre réponse à la demande de {name}",
                          "Your answer to {name}'s request"),
    "fo.send": ("Envoyer", "Send"),
    "fo.attach": ("Joindre des pièces du dossier (facultatif)",
                  "Attach documents of the dossier (optional)"),
    "fo.attach_more": ("Ajouter une pièce au dossier", "Add a document to the dossier"),
    "fo.message_sent": ("Message envoyé à {name}.", "Message sent to {name}."),
    "fo.withdraw": ("Retirer mon dossier de {name}", "Withdraw my dossier from {name}"),
    "fo.withdraw_confirm": ("Je confirme : {name} n'aura plus accès à mon dossier.",
                            "I confirm: {name} will no longer have access to my dossier."),
    "fo.withdraw_button": ("Confirmer le retrait", "Confirm the withdrawal"),
    "fo.withdraw_needs_confirm": ("Cochez la case de confirmation pour vous retirer.",
                                  "Tick the confirmation box to withdraw."),
    "fo.withdrawn_ok": ("Dossier retiré de {name}.", "Dossier withdrawn from {name}."),
    "fo.open_request": ("Demande d'information en attente de votre réponse",
                        "Information request awaiting your answer"),
    "fo.consent_on": ("Accord de transmission donné le {date} (version {n})",
                      "Consent to send given on {date} (version {n})"),
    "fo.draft_status": ("Ce dossier est un brouillon : complétez-le, puis choisissez vos "
                        "partenaires et déposez-le.",
                        "This dossier is a draft: complete it, then choose your partners and "
                        "submit it."),
    "fo.back_dashboard": ("Mes dossiers", "My dossiers"),
    "fo.follow_up": ("Suivi", "Follow-up"),
    # access log
    "fo.access_title": ("Qui a consulté votre dossier", "Who read your dossier"),
    "fo.access_intro": (
        "Chaque ouverture de votre dossier par un partenaire est enregistrée ici : la page "
        "du dossier, son PDF, ses pièces. Ce journal est scellé : une modification après "
        "coup se verrait.",
        "Every time a partner opens your dossier (its page, its PDF, its documents) it is "
        "recorded here. The log is sealed: a later change would show."),
    "fo.access_none": ("Aucun partenaire n'a encore consulté votre dossier.",
                       "No partner has read your dossier yet."),
    "fo.access_more": ("Les {shown} consultations les plus récentes sur {total}.",
                       "The {shown} most recent readings of {total}."),
    "fo.access_when": ("Date", "When"),
    "fo.access_who": ("Personne", "Who"),
    "fo.access_what": ("Consultation", "What"),
    "fo.access_staff": ("Équipe Dossier unique", "Dossier unique team"),
}

ACCESS_KINDS: dict[str, tuple[str, str]] = {
    "dossier": ("Dossier ouvert", "Dossier opened"),
    "pdf": ("PDF du dossier téléchargé", "Dossier PDF downloaded"),
    "attachment": ("Pièce consultée\u00a0: {name}", "Document read: {name}"),
    "attachments_zip": ("Toutes les pièces téléchargées (ZIP)", "All documents downloaded (ZIP)"),
}

ACCESS_VIA: dict[str, tuple[str, str]] = {
    "web": ("sur le portail", "on the portal"),
    "api": ("par l'API", "through the API"),
}

EVENTS: dict[str, tuple[str, str]] = {
    "submitted": ("Dossier déposé (version {version})", "Dossier submitted (version {version})"),
    "delivered": ("Dossier reçu par le partenaire", "Dossier delivered to the partner"),
    "delivery_failed": ("Envoi en échec ; nouvel essai automatique",
                        "Delivery failed; retried automatically"),
    "opened": ("Dossier ouvert par le partenaire", "Dossier opened by the partner"),
    "in_review": ("Dossier en cours d'examen", "Dossier in review"),
    "info_requested": ("Information demandée", "Information requested"),
    "info_answered": ("Vous avez répondu à la demande", "You answered the request"),
    "approved": ("Financement accordé", "Funding approved"),
    "declined": ("Demande refusée", "Request declined"),
    "withdrawn": ("Vous avez retiré votre dossier", "You withdrew your dossier"),
    "updated": ("Mise à jour transmise (version {version})", "Update sent (version {version})"),
    "message": ("Message", "Message"),
}


def _prefixed(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {f"{prefix}{k}": v for k, v in table.items()}


register(TEXTS)
register(_prefixed("fo.event.", EVENTS))
register(_prefixed("fo.access_kind.", ACCESS_KINDS))
register(_prefixed("fo.access_via.", ACCESS_VIA))
