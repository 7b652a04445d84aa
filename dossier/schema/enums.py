"""The closed lists of the dossier, with the exact codes of the spec."""

from __future__ import annotations

from enum import StrEnum

from dossier.catalogue import _l
from dossier.catalogue import lazy_pgettext as _p
from dossier.words import Words, declare


class LegalForm(StrEnum):
    """Forme juridique."""

    SAS = "SAS"
    SASU = "SASU"
    SARL = "SARL"
    EURL = "EURL"
    SA = "SA"
    SCOP = "SCOP"
    SCIC = "SCIC"
    EI = "EI"
    association = "association"
    other = "other"


class Sector(StrEnum):
    """Filière."""

    health = "health"
    digital = "digital"
    energy_environment = "energy_environment"
    aerospace_mechanics = "aerospace_mechanics"
    maritime_logistics = "maritime_logistics"
    creative_tourism = "creative_tourism"
    photonics = "photonics"
    other = "other"


SECTOR_LABELS = declare(Sector, {
    Sector.health: Words(_l("Health")),
    Sector.digital: Words(_l("Digital")),
    Sector.energy_environment: Words(_l("Energy and environment")),
    Sector.aerospace_mechanics: Words(_l("Aerospace and mechanics")),
    Sector.maritime_logistics: Words(_l("Maritime and logistics")),
    Sector.creative_tourism: Words(_l("Creative industries and tourism")),
    Sector.photonics: Words(_l("Photonics")),
    Sector.other: Words(_l("Other")),
})


class Stage(StrEnum):
    """Stade de développement."""

    idea = "idea"
    pre_seed = "pre_seed"
    seed = "seed"
    early = "early"
    growth = "growth"


STAGE_LABELS = declare(Stage, {
    Stage.idea: Words(_l("Idea")),
    Stage.pre_seed: Words(_l("Pre-seed")),
    Stage.seed: Words(_l("Seed")),
    Stage.early: Words(_l("Early stage")),
    Stage.growth: Words(_l("Growth")),
})


class Label(StrEnum):
    """Labels held by the company."""

    jei = "jei"
    french_tech_tremplin = "french_tech_tremplin"
    french_tech_120 = "french_tech_120"
    cir = "cir"
    cii = "cii"
    deeptech = "deeptech"


# Proper names: never lower-cased inside a sentence.
COMPANY_LABEL_LABELS = declare(Label, {
    Label.jei: Words(_l("JEI (young innovative company)")),
    Label.french_tech_tremplin: Words(_l("French Tech Tremplin")),
    Label.french_tech_120: Words(_l("French Tech 120")),
    Label.cir: Words(_l("CIR (research tax credit)")),
    Label.cii: Words(_l("CII (innovation tax credit)")),
    Label.deeptech: Words(_l("Deeptech")),
})


class Cluster(StrEnum):
    """Pôle de compétitivité."""

    optitec = "optitec"
    eurobiomed = "eurobiomed"
    mer_mediterranee = "mer_mediterranee"
    scs = "scs"
    capenergies = "capenergies"
    safe = "safe"
    none = "none"


class UseCategory(StrEnum):
    """What the money is for."""

    rd = "rd"
    hiring = "hiring"
    capex = "capex"
    working_capital = "working_capital"
    marketing = "marketing"
    ip = "ip"
    other = "other"


class SourceType(StrEnum):
    """Where the money comes from."""

    equity_founders = "equity_founders"
    equity_investors = "equity_investors"
    bank_loan = "bank_loan"
    honor_loan = "honor_loan"
    seed_fund = "seed_fund"
    public_grant = "public_grant"
    bpifrance = "bpifrance"
    crowdfunding = "crowdfunding"
    other = "other"


class SourceStatus(StrEnum):
    """Whether a source is already obtained or still requested."""

    requested = "requested"
    obtained = "obtained"


class Instrument(StrEnum):
    """What is asked of a partner."""

    bank_loan = "bank_loan"
    honor_loan = "honor_loan"
    equity = "equity"
    guarantee = "guarantee"
    grant = "grant"
    advice = "advice"


INSTRUMENT_LABELS = declare(Instrument, {
    Instrument.bank_loan: Words(_p("instrument", "Bank loan")),
    Instrument.honor_loan: Words(_p("instrument", "Honour loan")),
    Instrument.equity: Words(_p("instrument", "Equity")),
    Instrument.guarantee: Words(_p("instrument", "Guarantee")),
    Instrument.grant: Words(_p("instrument", "Grant")),
    Instrument.advice: Words(_p("instrument", "Guidance/advice")),
})


class AttachmentKind(StrEnum):
    """Pièces justificatives (uploaded separately, each with its kind)."""

    kbis = "kbis"
    statuts = "statuts"
    id_founder = "id_founder"
    business_plan = "business_plan"
    financial_statements = "financial_statements"
    forecast = "forecast"
    pitch_deck = "pitch_deck"
    rib = "rib"
    cap_table = "cap_table"
    other = "other"


ATTACHMENT_KIND_LABELS = declare(AttachmentKind, {
    AttachmentKind.kbis: Words(_l("Kbis extract")),
    AttachmentKind.statuts: Words(_l("Articles of association")),
    AttachmentKind.id_founder: Words(_l("Director's ID document")),
    AttachmentKind.business_plan: Words(_l("Business plan")),
    AttachmentKind.financial_statements: Words(_l("Tax returns / annual accounts")),
    AttachmentKind.forecast: Words(_l("Financial forecast")),
    AttachmentKind.pitch_deck: Words(_l("Pitch deck")),
    AttachmentKind.rib: Words(_l("Bank details (RIB)")),
    AttachmentKind.cap_table: Words(_l("Cap table")),
    AttachmentKind.other: Words(_l("Other")),
})
