"""THE form definition: sections and fields in order, read by the web wizard and the PDF."""

from __future__ import annotations

from collections.abc import Iterator

from dossier.catalogue import LazyText as Text
from dossier.catalogue import _l, lazy_pgettext
from forms.enums import ENUMS, PARTNER
from forms.model import Field, Kind, Section

K = Kind
EUR = _l("€")
MONTHS = _l("months")
BYTES = _l("bytes")


def _f(path: str, kind: Kind, label: Text, help_text: Text | None = None, *,
       required: bool = True, **extra) -> Field:
    """A field; `required` means required at submission whenever its parent is present."""
    return Field(path, kind, label, help_text, required, **extra)


_ADDR = "company.address."
COMPANY = (
    _f("company.legal_name", K.TEXT, _l("Company name"),
       _l("The exact name shown on your Kbis extract."), max_length=200),
    _f("company.siren", K.TEXT, _l("SIREN number"),
       _l("9 digits, on your Kbis extract or the INSEE SIRENE registration notice.")),
    _f("company.siret", K.TEXT, _l("Head office SIRET"),
       _l("14 digits: the SIREN followed by the 5 digits of the head office (Kbis).")),
    _f("company.legal_form", K.ENUM, _l("Legal form"),
       _l("Shown on the Kbis and at the top of your articles of association."), enum="legal_form"),
    _f("company.creation_date", K.DATE, _l("Incorporation date"),
       _l("The registration date on the Kbis.")),
    _f("company.naf_code", K.TEXT, _l("NAF/APE code"),
       _l("Given by INSEE, e.g. 26.70Z; it is on the SIRENE registration notice.")),
    _f(_ADDR + "line1", K.TEXT, _l("Head office address"),
       _l("Street number and name, as on the Kbis.")),
    _f(_ADDR + "line2", K.TEXT, _l("Address line 2"),
       _l("Building, floor, incubator… (optional)."),
       required=False),
    _f(_ADDR + "postal_code", K.TEXT, _l("Postcode"), _l("5 digits.")),
    _f(_ADDR + "city", K.TEXT, _l("City")),
    _f(_ADDR + "country", K.TEXT, _l("Country"),
       _l("Two-letter country code (FR for France).")),
    _f("company.share_capital_eur", K.MONEY, _l("Share capital"),
       _l("The amount on the Kbis and in the articles of association."), unit=EUR),
    _f("company.headcount", K.INTEGER, _l("Headcount"),
       _l("Number of employees today, salaried managers included.")),
    _f("company.website", K.URL, _l("Website"),
       _l("Full address starting with https://."),
       required=False),
    _f("company.sector", K.ENUM, _l("Sector"),
       _l("The regional sector closest to your main activity."), enum="sector"),
    _f("company.stage", K.ENUM, _l("Stage"),
       _l("Where the project stands today: from the idea to first revenue, then growth."),
       enum="stage"),
    _f("company.labels", K.MULTI_ENUM, _l("Labels"),
       _l("Tick those the company already holds (JEI ruling, CIR certificate…)."),
       required=False, enum="label"),
    _f("company.cluster", K.ENUM, _l("Competitiveness cluster"),
       _l("The cluster the company is a member of, if any."), required=False, enum="cluster"),
    _f("company.support_program", K.TEXT, _l("Support programme"),
       _l("Incubator or accelerator supporting you."), required=False, max_length=200),
)

FOUNDERS = (
    _f("founders", K.LIST, _l("Managers and founders"),
       _l("1 to 10 people; start with the legal representative."), items=(
           _f("founders[].first_name", K.TEXT, _l("First name"), max_length=100),
           _f("founders[].last_name", K.TEXT, _l("Last name"), max_length=100),
           _f("founders[].role", K.TEXT, _l("Role"),
              _l("For example CEO, CTO."),
              max_length=100),
           _f("founders[].email", K.EMAIL, _l("E-mail")),
           _f("founders[].phone", K.PHONE, _l("Phone"),
              _l("French (06 12 34 56 78) or international (+33 6 12 34 56 78) format."),
              required=False),
           _f("founders[].equity_pct", K.PERCENT, _l("Equity share"),
              _l("Percentage of the share capital, per the cap table; 0 if none.")),
           _f("founders[].full_time", K.BOOLEAN, _l("Full time"),
              _l("Does this person work full time for the company?")),
       )),
)


def _text(key: str, label: Text, help_text: Text, *, limit: int = 5000,
          required: bool = True) -> Field:
    return _f(f"project.{key}", K.TEXTAREA, label, help_text, required=required,
              max_length=limit)


PROJECT = (
    _text("summary", _l("Project summary"),
          _l("In a few sentences: the problem, your solution, for whom (1,000 characters)."),
          limit=1000),
    _text("innovation", _l("Innovation"),
          _l("What is new, technically or in use, and how far you are (prototype…).")),
    _text("market", _l("Market"),
          _l("Your customers, the size of the target market and how you estimated it.")),
    _text("competition", _l("Competition"),
          _l("Direct and indirect competitors, and what sets you apart.")),
    _text("business_model", _l("Business model"),
          _l("Who pays, how much, how: prices, margins, sales channels.")),
    _text("traction", _l("Traction"),
          _l("The evidence: customers, revenue, letters of intent, pilots, partners.")),
    _text("intellectual_property", _l("Intellectual property"),
          _l("Patents, licences, trademarks, registered software (optional)."), required=False),
)


def _money(path: str, label: Text, help_text: Text | None = None, **extra) -> Field:
    return _f(path, K.MONEY, label, help_text, unit=EUR, **extra)


_YEAR_HELP = _l("Financial year (closing year).")
FINANCIALS = (
    _f("financials.history", K.LIST, _l("Track record"),
       _l("Your last three closed financial years, from the tax returns; empty if none."),
       required=False, items=(
           _f("financials.history[].year", K.INTEGER, _l("Year"), _YEAR_HELP,
              grouping=False),
           _money("financials.history[].revenue_eur", _l("Revenue")),
           _money("financials.history[].net_income_eur", _l("Net income"),
                  _l("Negative for a loss.")),
           _money("financials.history[].equity_eur", lazy_pgettext("balance sheet", "Equity"),
                  _l("May be negative.")),
           _money("financials.history[].cash_eur", _l("Cash")),
           _money("financials.history[].debt_eur", _l("Financial debt")),
       )),
    _f("financials.forecast", K.LIST, _l("Forecast"),
       _l("1 to 5 years, consistent with your business plan."), items=(
           _f("financials.forecast[].year", K.INTEGER, _l("Year"), _YEAR_HELP,
              grouping=False),
           _money("financials.forecast[].revenue_eur", _l("Revenue")),
           _money("financials.forecast[].ebitda_eur", _l("EBITDA"),
                  _l("Negative while investing.")),
           _f("financials.forecast[].headcount", K.INTEGER, _l("Headcount")),
       )),
)

FUNDING = (
    _money("funding.total_need_eur", _l("Total need"),
           _l("Everything the project must finance; equals the sum of uses and of sources.")),
    _f("funding.uses", K.LIST, _l("Uses of funds"),
       _l("What the money is for; the total must equal the need, to the cent."),
       total="amount_eur", items=(
           _f("funding.uses[].category", K.ENUM, _l("Category"), enum="use_category"),
           _f("funding.uses[].label", K.TEXT, _l("Description")),
           _money("funding.uses[].amount_eur", _l("Amount")),
       )),
    _f("funding.sources", K.LIST, _l("Sources of funds"),
       _l("Where the money comes from, obtained or requested; the total must equal the need."),
       total="amount_eur", share_of="funding.total_need_eur", items=(
           _f("funding.sources[].type", K.ENUM, _l("Type"), enum="source_type"),
           _f("funding.sources[].label", K.TEXT, _l("Description")),
           _money("funding.sources[].amount_eur", _l("Amount")),
           _f("funding.sources[].status", K.ENUM, _l("Status"), enum="source_status"),
           _f("funding.sources[].partner", K.ENUM, _l("Partner"),
              _l("If the source comes from a partner of the catalogue."),
              required=False, enum=PARTNER),
       )),
)

REQUESTS = (
    _f("requests", K.LIST, _l("Partners requested"),
       _l("At least one; each partner once, with an instrument it offers."), items=(
           _f("requests[].partner", K.ENUM, _l("Partner"), enum=PARTNER),
           _f("requests[].instrument", K.ENUM, _l("Instrument"), enum="instrument"),
           _money("requests[].amount_eur", _l("Amount requested"),
                  _l("Required, except for a guidance/advice request."), required=False),
           _f("requests[].duration_months", K.INTEGER, _l("Duration"),
              _l("Desired loan term, in months (optional)."), required=False, unit=MONTHS),
       )),
)

BANK_ACCOUNT = (
    _f("bank_account.holder", K.TEXT, _l("Account holder"),
       _l("The holder's exact name, as on the RIB.")),
    _f("bank_account.iban", K.IBAN, _l("IBAN"),
       _l("On your RIB: FR76 and 23 characters.")),
    _f("bank_account.bic", K.TEXT, _l("BIC"),
       _l("8 or 11 characters, on the RIB."),
       required=False),
)

ATTACHMENTS = (
    _f("attachments", K.LIST, _l("Supporting documents"),
       _l("PDF, images, spreadsheets or documents; each partner lists the documents it requires."),
       required=False, items=(
           _f("attachments[].kind", K.ENUM, _l("Document type"),
              enum="attachment_kind"),
           _f("attachments[].filename", K.TEXT, _l("File")),
           _f("attachments[].size", K.INTEGER, _l("Size"), unit=BYTES),
           _f("attachments[].sha256", K.TEXT, _l("SHA-256 digest"),
              _l("The file's digest: it proves the document sent has not changed.")),
       )),
)


def _s(key: str, label: Text, intro: Text | None, fields: tuple[Field, ...],
       **extra) -> Section:
    return Section(key, label, intro, fields, **extra)


SECTIONS: tuple[Section, ...] = (
    _s("company", _l("Company"), _l("The company's identity: all of it is on a Kbis extract "
                                    "less than 3 months old."),
       COMPANY),
    _s("founders", _l("Managers and founders"), None, FOUNDERS),
    _s("project", _l("Project"), _l("Plain text, read by account managers: be concrete, "
                                    "give figures."), PROJECT),
    _s("financials", _l("Financial data"), None, FINANCIALS),
    _s("funding", _l("Funding need and plan"), _l("The plan balances when uses and sources "
                                                  "each equal the total need."), FUNDING),
    _s("requests", _l("Partners requested"), None, REQUESTS),
    _s("bank_account", _l("Bank details"), _l("Optional: the account to pay granted funds into."),
       BANK_ACCOUNT),
    _s("attachments", _l("Supporting documents"), None, ATTACHMENTS,
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
