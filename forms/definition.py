"""THE form definition: sections and fields in order, read by the web wizard and the PDF."""

from __future__ import annotations

from collections.abc import Iterator

from forms.enums import ENUMS, PARTNER
from forms.model import Field, Kind, Section
from forms.text import Text

K = Kind
EUR = Text("€", "€")
MONTHS = Text("mois", "months")
BYTES = Text("octets", "bytes")


def _f(path: str, kind: Kind, fr: str, en: str, help_fr: str | None = None,
       help_en: str | None = None, *, required: bool = True, **extra) -> Field:
    """A field; `required` means required at submission whenever its parent is present."""
    help_text = Text(help_fr, help_en or help_fr) if help_fr else None
    return Field(path, kind, Text(fr, en), help_text, required, **extra)


_ADDR = "company.address."
COMPANY = (
    _f("company.legal_name", K.TEXT, "Raison sociale", "Company name",
       "Le nom exact inscrit sur votre extrait Kbis.",
       "The exact name shown on your Kbis extract.", max_length=200),
    _f("company.siren", K.TEXT, "SIREN", "SIREN number",
       "9 chiffres, sur votre extrait Kbis ou sur l'avis de situation SIRENE de l'INSEE.",
       "9 digits, on your Kbis extract or the INSEE SIRENE registration notice."),
    _f("company.siret", K.TEXT, "SIRET du siège", "Head office SIRET",
       "14 chiffres : le SIREN suivi des 5 chiffres de l'établissement siège (Kbis).",
       "14 digits: the SIREN followed by the 5 digits of the head office (Kbis)."),
    _f("company.legal_form", K.ENUM, "Forme juridique", "Legal form",
       "Indiquée sur le Kbis et en tête de vos statuts.",
       "Shown on the Kbis and at the top of your articles of association.", enum="legal_form"),
    _f("company.creation_date", K.DATE, "Date de création", "Incorporation date",
       "La date d'immatriculation portée sur le Kbis.", "The registration date on the Kbis."),
    _f("company.naf_code", K.TEXT, "Code NAF/APE", "NAF/APE code",
       "Attribué par l'INSEE, par exemple 26.70Z ; il figure sur l'avis de situation SIRENE.",
       "Given by INSEE, e.g. 26.70Z; it is on the SIRENE registration notice."),
    _f(_ADDR + "line1", K.TEXT, "Adresse du siège", "Head office address",
       "Numéro et voie, comme sur le Kbis.", "Street number and name, as on the Kbis."),
    _f(_ADDR + "line2", K.TEXT, "Complément d'adresse", "Address line 2",
       "Bâtiment, étage, pépinière… (facultatif).", "Building, floor, incubator… (optional).",
       required=False),
    _f(_ADDR + "postal_code", K.TEXT, "Code postal", "Postcode", "5 chiffres.", "5 digits."),
    _f(_ADDR + "city", K.TEXT, "Ville", "City"),
    _f(_ADDR + "country", K.TEXT, "Pays", "Country",
       "Code pays à deux lettres (FR pour la France).", "Two-letter country code (FR for France)."),
    _f("company.share_capital_eur", K.MONEY, "Capital social", "Share capital",
       "Montant inscrit sur le Kbis et dans les statuts.",
       "The amount on the Kbis and in the articles of association.", unit=EUR),
    _f("company.headcount", K.INTEGER, "Effectif", "Headcount",
       "Nombre de salariés aujourd'hui, dirigeants salariés compris.",
       "Number of employees today, salaried managers included."),
    _f("company.website", K.URL, "Site web", "Website",
       "Adresse complète commençant par https://.", "Full address starting with https://.",
       required=False),
    _f("company.sector", K.ENUM, "Filière", "Sector",
       "La filière régionale la plus proche de votre activité principale.",
       "The regional sector closest to your main activity.", enum="sector"),
    _f("company.stage", K.ENUM, "Stade", "Stage",
       "Où en est le projet aujourd'hui : de l'idée aux premiers revenus, puis la croissance.",
       "Where the project stands today: from the idea to first revenue, then growth.",
       enum="stage"),
    _f("company.labels", K.MULTI_ENUM, "Labels", "Labels",
       "Cochez ceux que l'entreprise détient déjà (rescrit JEI, attestation CIR…).",
       "Tick those the company already holds (JEI ruling, CIR certificate…).",
       required=False, enum="label"),
    _f("company.cluster", K.ENUM, "Pôle de compétitivité", "Competitiveness cluster",
       "Le pôle dont l'entreprise est membre, s'il y en a un.",
       "The cluster the company is a member of, if any.", required=False, enum="cluster"),
    _f("company.support_program", K.TEXT, "Accompagnement", "Support programme",
       "Incubateur ou accélérateur qui vous accompagne (par exemple Belle de Mai, Impulse).",
       "Incubator or accelerator supporting you.", required=False, max_length=200),
)

FOUNDERS = (
    _f("founders", K.LIST, "Dirigeants et fondateurs", "Managers and founders",
       "De 1 à 10 personnes ; commencez par le dirigeant légal.",
       "1 to 10 people; start with the legal representative.", items=(
           _f("founders[].first_name", K.TEXT, "Prénom", "First name", max_length=100),
           _f("founders[].last_name", K.TEXT, "Nom", "Last name", max_length=100),
           _f("founders[].role", K.TEXT, "Fonction", "Role",
              "Par exemple Président, Directeur technique.", "For example CEO, CTO.",
              max_length=100),
           _f("founders[].email", K.EMAIL, "E-mail", "E-mail"),
           _f("founders[].phone", K.PHONE, "Téléphone", "Phone",
              "Format français (06 12 34 56 78) ou international (+33 6 12 34 56 78).",
              "French (06 12 34 56 78) or international (+33 6 12 34 56 78) format.",
              required=False),
           _f("founders[].equity_pct", K.PERCENT, "Part du capital", "Equity share",
              "En pourcentage du capital, selon la table de capitalisation ; 0 si aucune part.",
              "Percentage of the share capital, per the cap table; 0 if none."),
           _f("founders[].full_time", K.BOOLEAN, "Temps plein", "Full time",
              "Consacre-t-il ou elle tout son temps à l'entreprise ?",
              "Does this person work full time for the company?"),
       )),
)


def _text(key: str, fr: str, en: str, help_fr: str, help_en: str, *, limit: int = 5000,
          required: bool = True) -> Field:
    return _f(f"project.{key}", K.TEXTAREA, fr, en, help_fr, help_en, required=required,
              max_length=limit)


PROJECT = (
    _text("summary", "Résumé du projet", "Project summary",
          "En quelques phrases : le problème, votre solution, pour qui (1 000 caractères).",
          "In a few sentences: the problem, your solution, for whom (1,000 characters).",
          limit=1000),
    _text("innovation", "Innovation", "Innovation",
          "Ce qui est nouveau, techniquement ou dans l'usage, et où vous en êtes (prototype…).",
          "What is new, technically or in use, and how far you are (prototype…)."),
    _text("market", "Marché", "Market",
          "Vos clients, la taille du marché visé et comment vous l'avez estimée.",
          "Your customers, the size of the target market and how you estimated it."),
    _text("competition", "Concurrence", "Competition",
          "Les concurrents directs et indirects, et ce qui vous en distingue.",
          "Direct and indirect competitors, and what sets you apart."),
    _text("business_model", "Modèle économique", "Business model",
          "Qui paie, combien, comment : prix, marges, canaux de vente.",
          "Who pays, how much, how: prices, margins, sales channels."),
    _text("traction", "Traction", "Traction",
          "Les preuves : clients, chiffre d'affaires, lettres d'intention, pilotes, partenaires.",
          "The evidence: customers, revenue, letters of intent, pilots, partners."),
    _text("intellectual_property", "Propriété intellectuelle", "Intellectual property",
          "Brevets, licences, marques, logiciels déposés (facultatif).",
          "Patents, licences, trademarks, registered software (optional).", required=False),
)


def _money(path: str, fr: str, en: str, help_fr: str | None = None,
           help_en: str | None = None, **extra) -> Field:
    return _f(path, K.MONEY, fr, en, help_fr, help_en, unit=EUR, **extra)


_YEAR_HELP = ("Exercice comptable (année de clôture).", "Financial year (closing year).")
FINANCIALS = (
    _f("financials.history", K.LIST, "Historique", "Track record",
       "Vos trois derniers exercices clos, d'après les liasses fiscales ; vide si aucun.",
       "Your last three closed financial years, from the tax returns; empty if none.",
       required=False, items=(
           _f("financials.history[].year", K.INTEGER, "Année", "Year", *_YEAR_HELP,
              grouping=False),
           _money("financials.history[].revenue_eur", "Chiffre d'affaires", "Revenue"),
           _money("financials.history[].net_income_eur", "Résultat net", "Net income",
                  "Négatif en cas de perte.", "Negative for a loss."),
           _money("financials.history[].equity_eur", "Capitaux propres", "Equity",
                  "Peuvent être négatifs.", "May be negative."),
           _money("financials.history[].cash_eur", "Trésorerie", "Cash"),
           _money("financials.history[].debt_eur", "Dettes financières", "Financial debt"),
       )),
    _f("financials.forecast", K.LIST, "Prévisionnel", "Forecast",
       "De 1 à 5 années, en cohérence avec votre business plan.",
       "1 to 5 years, consistent with your business plan.", items=(
           _f("financials.forecast[].year", K.INTEGER, "Année", "Year", *_YEAR_HELP,
              grouping=False),
           _money("financials.forecast[].revenue_eur", "Chiffre d'affaires", "Revenue"),
           _money("financials.forecast[].ebitda_eur", "EBE", "EBITDA",
                  "Excédent brut d'exploitation ; négatif en phase d'investissement.",
                  "Negative while investing."),
           _f("financials.forecast[].headcount", K.INTEGER, "Effectif", "Headcount"),
       )),
)

FUNDING = (
    _money("funding.total_need_eur", "Besoin total", "Total need",
           "Tout ce que le projet doit financer ; égal à la somme des emplois et des ressources.",
           "Everything the project must finance; equals the sum of uses and of sources."),
    _f("funding.uses", K.LIST, "Emplois", "Uses of funds",
       "À quoi servira l'argent ; le total doit égaler le besoin, au centime près.",
       "What the money is for; the total must equal the need, to the cent.",
       total="amount_eur", items=(
           _f("funding.uses[].category", K.ENUM, "Catégorie", "Category", enum="use_category"),
           _f("funding.uses[].label", K.TEXT, "Description", "Description"),
           _money("funding.uses[].amount_eur", "Montant", "Amount"),
       )),
    _f("funding.sources", K.LIST, "Ressources", "Sources of funds",
       "D'où vient l'argent, obtenu ou sollicité ; le total doit égaler le besoin.",
       "Where the money comes from, obtained or requested; the total must equal the need.",
       total="amount_eur", share_of="funding.total_need_eur", items=(
           _f("funding.sources[].type", K.ENUM, "Type", "Type", enum="source_type"),
           _f("funding.sources[].label", K.TEXT, "Description", "Description"),
           _money("funding.sources[].amount_eur", "Montant", "Amount"),
           _f("funding.sources[].status", K.ENUM, "Statut", "Status", enum="source_status"),
           _f("funding.sources[].partner", K.ENUM, "Partenaire", "Partner",
              "Si la ressource vient d'un partenaire du catalogue.",
              "If the source comes from a partner of the catalogue.",
              required=False, enum=PARTNER),
       )),
)

REQUESTS = (
    _f("requests", K.LIST, "Partenaires sollicités", "Partners requested",
       "Au moins un ; chaque partenaire une seule fois, avec un instrument qu'il propose.",
       "At least one; each partner once, with an instrument it offers.", items=(
           _f("requests[].partner", K.ENUM, "Partenaire", "Partner", enum=PARTNER),
           _f("requests[].instrument", K.ENUM, "Instrument", "Instrument", enum="instrument"),
           _money("requests[].amount_eur", "Montant demandé", "Amount requested",
                  "Obligatoire, sauf pour une demande d'orientation/conseil.",
                  "Required, except for a guidance/advice request.", required=False),
           _f("requests[].duration_months", K.INTEGER, "Durée", "Duration",
              "Durée souhaitée du prêt, en mois (facultatif).",
              "Desired loan term, in months (optional).", required=False, unit=MONTHS),
       )),
)

BANK_ACCOUNT = (
    _f("bank_account.holder", K.TEXT, "Titulaire du compte", "Account holder",
       "Le nom exact du titulaire, comme sur le RIB.", "The holder's exact name, as on the RIB."),
    _f("bank_account.iban", K.IBAN, "IBAN", "IBAN",
       "Sur votre RIB : FR76 suivi de 23 caractères.", "On your RIB: FR76 and 23 characters."),
    _f("bank_account.bic", K.TEXT, "BIC", "BIC",
       "8 ou 11 caractères, sur le RIB (facultatif).", "8 or 11 characters, on the RIB.",
       required=False),
)

ATTACHMENTS = (
    _f("attachments", K.LIST, "Pièces justificatives", "Supporting documents",
       "PDF, images, tableurs ou documents texte ; chaque partenaire liste les pièces "
       "qu'il exige.", "PDF, images, spreadsheets or documents; each partner lists the "
       "documents it requires.", required=False, items=(
           _f("attachments[].kind", K.ENUM, "Type de pièce", "Document type",
              enum="attachment_kind"),
           _f("attachments[].filename", K.TEXT, "Fichier", "File"),
           _f("attachments[].size", K.INTEGER, "Taille", "Size", unit=BYTES),
           _f("attachments[].sha256", K.TEXT, "Empreinte SHA-256", "SHA-256 digest",
              "Empreinte du fichier : elle prouve que la pièce transmise n'a pas changé.",
              "The file's digest: it proves the document sent has not changed."),
       )),
)


def _s(key: str, fr: str, en: str, intro: Text | None, fields: tuple[Field, ...],
       **extra) -> Section:
    return Section(key, Text(fr, en), intro, fields, **extra)


SECTIONS: tuple[Section, ...] = (
    _s("company", "Entreprise", "Company", Text(
        "L'identité de l'entreprise : tout figure sur l'extrait Kbis de moins de 3 mois.",
        "The company's identity: all of it is on a Kbis extract less than 3 months old."),
       COMPANY),
    _s("founders", "Dirigeants et fondateurs", "Managers and founders", None, FOUNDERS),
    _s("project", "Projet", "Project", Text(
        "Du texte simple, lu par des chargés d'affaires : soyez concret et chiffré.",
        "Plain text, read by account managers: be concrete, give figures."), PROJECT),
    _s("financials", "Données financières", "Financial data", None, FINANCIALS),
    _s("funding", "Besoin et plan de financement", "Funding need and plan", Text(
        "Le plan est équilibré quand emplois et ressources égalent chacun le besoin total.",
        "The plan balances when uses and sources each equal the total need."), FUNDING),
    _s("requests", "Partenaires sollicités", "Partners requested", None, REQUESTS),
    _s("bank_account", "Coordonnées bancaires", "Bank details", Text(
        "Facultatif : le compte sur lequel verser les fonds accordés.",
        "Optional: the account to pay granted funds into."), BANK_ACCOUNT),
    _s("attachments", "Pièces justificatives", "Supporting documents", None, ATTACHMENTS,
       uploaded=True),
)


def _walk(items: tuple[Field, ...]) -> Iterator[Field]:
    for f in items:
        yield f
        yield from _walk(f.items)


_SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}
_FIELDS_BY_PATH = {f.path: f for s in SECTIONS for f in _walk(s.fields)}


def section(key: str) -> Section:
    """The section named `key` (KeyError if unknown)."""
    return _SECTIONS_BY_KEY[key]


def field(path: str) -> Field:
    """The field at `path`, e.g. `company.siret` or `founders[].email` (KeyError if unknown)."""
    return _FIELDS_BY_PATH[path]


def all_fields() -> Iterator[Field]:
    """Every field of every section in form order, each list before its item fields."""
    for s in SECTIONS:
        yield from _walk(s.fields)


def leaf_paths(*, content_only: bool = True) -> list[str]:
    """Paths of the fields holding a value (not lists of objects), in form order."""
    return [
        f.path for s in SECTIONS if not (content_only and s.uploaded)
        for f in _walk(s.fields) if f.kind is not Kind.LIST
    ]


def label(path: str, lang: str = "fr") -> str:
    """The label of the field at `path` in `lang`."""
    return field(path).label.get(lang)


def enum_label(enum_name: str, value: str, lang: str = "fr") -> str:
    """The label of one value of a closed list; the raw value if unknown (never fails)."""
    text = ENUMS.get(enum_name, {}).get(value)
    return text.get(lang) if text else str(value)
