"""What the staff pages share: the staff-only dependency, their texts, number wording."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from app.web.common.deps import page_area
from app.web.common.texts import register
from dossier.access import Action
from dossier.models import User
from forms.text import babel_locale

PARIS = ZoneInfo("Europe/Paris")


StaffUser = Annotated[User, page_area(Action.staff_pages)]
ExportsUser = Annotated[User, page_area(Action.exports)]
CatalogueUser = Annotated[User, page_area(Action.partner_catalogue)]


def number(value: int | None, lang: str) -> str:
    """A count with thousands separators."""
    return "—" if value is None else format_decimal(value, "#,##0", locale=babel_locale(lang))


def days(value: float | None, lang: str) -> str:
    """A number of days with one decimal (`3,5`), or a dash when there is none."""
    return "—" if value is None else format_decimal(value, "#,##0.0", locale=babel_locale(lang))


KINDS = {
    "public_advisor": ("Conseil public", "Public advisor"),
    "bank": ("Banque", "Bank"),
    "seed_fund": ("Fonds d'amorçage", "Seed fund"),
    "honor_loan": ("Prêt d'honneur", "Honour loan"),
}
CHANNELS = {
    "portal": ("Portail (boîte de réception dans l'application)",
               "Portal (inbox in the application)"),
    "webhook": ("Webhook signé vers le système du partenaire",
                "Signed webhook to the partner's own system"),
}

TEXTS: dict[str, tuple[str, str]] = {
    "staff_nav": ("Espace French Tech", "French Tech area"),
    "staff_dashboard": ("Tableau de bord", "Dashboard"),
    "staff_exports": ("Exports", "Exports"),
    "staff_partners": ("Partenaires", "Partners"),
    "staff_dashboard_title": ("Le parcours des dossiers", "The dossiers' pipeline"),
    "staff_dashboard_lead": (
        "Où en est chaque dossier, à quelle vitesse chaque partenaire répond, et combien "
        "de financement est demandé et accordé.",
        "Where each dossier stands, how fast each partner answers, and how much funding is "
        "requested and approved."),
    "staff_generated": ("Chiffres au", "Figures as of"),
    "staff_funnel": ("Entonnoir", "Funnel"),
    "staff_funnel_title": ("Du brouillon à la décision", "From draft to decision"),
    "staff_funnel_caption": (
        "Brouillons et dossiers déposés comptent des dossiers ; les étapes suivantes "
        "comptent les demandes adressées aux partenaires (un dossier peut en viser plusieurs). "
        "« Remises » : demandes arrivées chez le partenaire ou plus loin (hors retraits).",
        "Drafts and submitted count dossiers; the next steps count requests sent to partners "
        "(one dossier may go to several). \"Delivered\": requests that reached the partner "
        "or went further (withdrawals excluded)."),
    "staff_stage": ("Étape", "Step"),
    "staff_count": ("Nombre", "Count"),
    "staff_unit": ("Unité", "Unit"),
    "staff_unit_dossiers": ("dossiers", "dossiers"),
    "staff_unit_routes": ("demandes", "requests"),
    "staff_legend_dossiers": ("Dossiers", "Dossiers"),
    "staff_legend_routes": ("Demandes aux partenaires", "Requests to partners"),
    "staff_f_drafts": ("Brouillons", "Drafts"),
    "staff_f_submitted": ("Déposés", "Submitted"),
    "staff_f_delivered": ("Remises", "Delivered"),
    "staff_f_in_review": ("En instruction", "In review"),
    "staff_f_decided": ("Décidées", "Decided"),
    "staff_by_partner": ("Par partenaire", "By partner"),
    "staff_by_partner_help": (
        "Délais en jours depuis la remise du dossier ; médianes, pas moyennes. « Ouvertes » "
        "compte les demandes sur lesquelles le partenaire a agi au moins une fois.",
        "Times in days from delivery; medians, not means. \"Opened\" counts the requests "
        "the partner acted on at least once."),
    "staff_partner": ("Partenaire", "Partner"),
    "staff_routed": ("Reçues", "Routed"),
    "staff_opened": ("Ouvertes", "Opened"),
    "staff_in_review": ("En instruction", "In review"),
    "staff_info_requested": ("Compléments demandés", "Info requested"),
    "staff_approved": ("Accordées", "Approved"),
    "staff_declined": ("Refusées", "Declined"),
    "staff_median_first": ("Médiane avant 1re action (j)", "Median to first action (days)"),
    "staff_median_decision": ("Médiane avant décision (j)", "Median to decision (days)"),
    "staff_sla_breaches": ("Hors délai (SLA)", "SLA breaches"),
    "staff_total": ("Total", "Total"),
    "staff_amounts": ("Montants par partenaire", "Amounts by partner"),
    "staff_amounts_help": (
        "Montants demandés dans les dossiers transmis et montants accordés par décision.",
        "Amounts requested in the dossiers sent, and amounts approved by decision."),
    "staff_requested_eur": ("Demandé", "Requested"),
    "staff_approved_eur": ("Accordé", "Approved"),
    "staff_coverage": ("Part accordée", "Share approved"),
    "staff_amounts_chart": ("Montants demandés et accordés, par partenaire",
                            "Amounts requested and approved, by partner"),
    "staff_stuck": ("Demandes en retard", "Stuck requests"),
    "staff_stuck_help": (
        "Demandes qui attendent la réponse du partenaire au-delà de son délai (SLA), les "
        "plus anciennes d'abord ; une demande d'informations au porteur de projet suspend "
        "le retard tant qu'il n'a pas répondu.",
        "Requests awaiting the partner's answer past its answer time (SLA), longest waiting "
        "first; while the founder owes an answer, the request is not late."),
    "staff_stuck_more": ("Les {shown} demandes qui attendent depuis le plus longtemps, sur "
                         "{total} en retard (toutes les demandes : export CSV).",
                         "The {shown} requests waiting longest, of {total} past their SLA "
                         "(every request: CSV export)."),
    "staff_stuck_none": ("Aucune demande en retard.", "No request is past its SLA."),
    "staff_company": ("Entreprise", "Company"),
    "staff_state": ("État", "State"),
    "staff_waiting": ("Attente (j)", "Waiting (days)"),
    "staff_sla": ("SLA (j)", "SLA (days)"),
    "staff_download": ("Télécharger", "Download"),
    "staff_export_csv": ("Export CSV", "CSV export"),
    "staff_export_xlsx": ("Export Excel (XLSX)", "Excel export (XLSX)"),
    "staff_export_help": (
        "Une ligne par demande. Pour un gros volume, lancez l'export en arrière-plan et "
        "suivez sa progression.",
        "One line per request. For a large volume, run the export in the background and "
        "follow its progress."),
    "staff_exports_title": ("Exports en arrière-plan", "Background exports"),
    "staff_exports_lead": (
        "L'export est préparé pendant que vous continuez ; revenez sur sa page pour le "
        "télécharger (il reste disponible une heure).",
        "The export is prepared while you carry on; come back to its page to download it "
        "(it stays available for an hour)."),
    "staff_format": ("Format", "Format"),
    "staff_start_export": ("Lancer l'export", "Start the export"),
    "staff_your_exports": ("Vos exports récents", "Your recent exports"),
    "staff_no_exports": ("Aucun export lancé.", "No export started."),
    "staff_started": ("Lancé", "Started"),
    "staff_progress": ("Progression", "Progress"),
    "staff_export_job": ("Export", "Export"),
    "staff_job_running": ("Préparation en cours…", "Being prepared…"),
    "staff_job_pending": ("En attente…", "Waiting…"),
    "staff_job_done": ("Export prêt.", "Export ready."),
    "staff_job_failed": ("L'export a échoué ; relancez-le.", "The export failed; start it again."),
    "staff_rows_done": ("lignes écrites sur", "rows written out of"),
    "staff_refresh": ("Actualiser la progression", "Refresh the progress"),
    "staff_back_exports": ("Retour aux exports", "Back to the exports"),
    "staff_catalogue_title": ("Le catalogue des partenaires", "The partner catalogue"),
    "staff_catalogue_lead": (
        "Chaque banque ou fonds : ce qu'il propose, les pièces qu'il exige, son délai de "
        "réponse et ses critères. Le catalogue est chargé depuis banks/catalogue.json "
        "(« dossier partners load ») et modifiable ici.",
        "Each bank or fund: what it offers, the attachments it requires, its answer time "
        "and its criteria. The catalogue is loaded from banks/catalogue.json "
        "(\"dossier partners load\") and can be edited here."),
    "staff_kind": ("Type", "Kind"),
    "staff_instruments": ("Instruments", "Instruments"),
    "staff_required_attachments": ("Pièces exigées", "Required attachments"),
    "staff_sla_days": ("Délai de réponse (SLA)", "Answer time (SLA)"),
    "staff_days_unit": ("jours", "days"),
    "staff_eligibility": ("Critères d'éligibilité", "Eligibility rules"),
    "staff_no_rules": ("Aucun critère : tout dossier est éligible.",
                       "No rule: every dossier is eligible."),
    "staff_delivery": ("Canal de remise", "Delivery channel"),
    "staff_edit": ("Modifier", "Edit"),
    "staff_inactive": ("inactif", "inactive"),
    "staff_edit_title": ("Modifier le partenaire", "Edit the partner"),
    "staff_none": ("Aucune", "None"),
    "staff_sla_help": ("Nombre de jours, de 1 à 365, pour répondre après la remise du dossier.",
                       "Days, from 1 to 365, to answer after the dossier is delivered."),
    "staff_instruments_help": ("Au moins un.", "At least one."),
    "staff_eligibility_help": (
        "Objet JSON. Règles possibles : territory (\"metropole_amp\", \"france\" ou liste de "
        "départements), min_company_age_years, max_company_age_years, stages, sectors, "
        "amount_min_eur, amount_max_eur (montants en chaîne, ex. \"10000.00\"), "
        "min_founders_full_time, labels_any. {} : aucun critère.",
        "A JSON object. Possible rules: territory (\"metropole_amp\", \"france\" or a list of "
        "departments), min_company_age_years, max_company_age_years, stages, sectors, "
        "amount_min_eur, amount_max_eur (amounts as strings, e.g. \"10000.00\"), "
        "min_founders_full_time, labels_any. {}: no rule."),
    "staff_save": ("Enregistrer", "Save"),
    "staff_cancel": ("Annuler", "Cancel"),
    "staff_saved": ("Modifications enregistrées.", "Changes saved."),
    "staff_form_invalid": ("Rien n'a été enregistré : corrigez ces points.",
                           "Nothing was saved: fix these points."),
}
register(TEXTS)
