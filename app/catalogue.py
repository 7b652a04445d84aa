"""Keep the text catalogue current: extract the msgids of the code and templates, update the .po."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from dossier.catalogue import DOMAIN, LANGS, LOCALE_DIR, po_path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "babel.cfg"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_plural": (1, 2),
            "lazy_pgettext": ((1, "c"), 2), "_p": ((1, "c"), 2)}
WIDTH = 100
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # no date churn in the files: they merge cleanly
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\([a-z_0-9]+\)s")


def extract() -> Catalog:
    """Every msgid of the product, as the code and templates say them today."""
    method_map, options_map = parse_mapping_cfg(CONFIG.open(encoding="utf-8"))
    template = Catalog(domain=DOMAIN, fuzzy=False)
    for _file, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(_file, lineno)], auto_comments=comments, context=context)
    return template


def _dump(catalog: Catalog) -> bytes:
    catalog.project, catalog.version = "dossier-unique", "1"
    catalog.copyright_holder = catalog.msgid_bugs_address = ""
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.header_comment = "# The text catalogue of Dossier unique (msgids in English)."
    if catalog.locale is not None:
        headers = [(k, v) for k, v in catalog.mime_headers if k != "Plural-Forms"]
        catalog.mime_headers = [*headers, ("Plural-Forms", PLURAL_FORMS[str(catalog.locale)])]
    out = BytesIO()
    write_po(out, catalog, width=WIDTH, no_location=True, omit_header=False, sort_output=True,
             ignore_obsolete=True, include_previous=False)
    return out.getvalue()


def read(lang: str) -> Catalog:
    """The `.po` catalogue of `lang` as stored."""
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, fuzzy=False)
    with path.open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


def update() -> list[str]:
    """Write messages.pot and merge it into each language's `.po`; the msgids still to translate."""
    template = extract()
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_bytes(_dump(template))
    missing = []
    for lang in LANGS:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_dump(catalog))
        if lang == "fr":
            missing = untranslated(catalog)
    return missing


def msgids(catalog: Catalog) -> set[tuple[str | None, str]]:
    """(context, singular msgid) of every message in a catalogue."""
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def untranslated(catalog: Catalog) -> list[str]:
    """Msgids with no (or a fuzzy) translation."""
    out = []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        if m.fuzzy or not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Msgids whose translation does not keep the same {placeholders}."""
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for s in strings:
            if s and set(PLACEHOLDER.findall(s)) - wanted:
                out.append(ids[0])
    return out
