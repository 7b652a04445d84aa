"""The data dictionary docs/dossier.md, generated from the schema and the form definition.

The Pydantic models (dossier.schema, through their JSON Schema) say the types, constraints and
what submission requires; the form definition (forms.definition) says the order, the labels
and the help; forms.enums the labels of the closed lists; dossier.schema.rules the rules
between fields. Regenerate with `python -m forms.datadict`; `--check` fails when the file
is not current (tests/forms/test_datadict.py runs it).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel

from dossier.catalogue import _l
from dossier.schema.jsonschema import SCHEMA_ID, dossier_json_schema
from dossier.schema.models import DossierV1
from dossier.schema.rules import CROSS_FIELD_RULES
from forms.definition import SECTIONS, all_fields
from forms.enums import ENUMS, PARTNER
from forms.model import Field, Kind, Section

DOCS = Path(__file__).resolve().parents[1] / "docs" / "dossier.md"
REGENERATE = "python -m forms.datadict"

KINDS = {
    Kind.TEXT: _l("text"),
    Kind.TEXTAREA: _l("long text"),
    Kind.DATE: _l("date"),
    Kind.MONEY: _l("amount in euros"),
    Kind.PERCENT: _l("percentage"),
    Kind.INTEGER: _l("whole number"),
    Kind.ENUM: _l("choice from a list"),
    Kind.MULTI_ENUM: _l("multiple choice"),
    Kind.BOOLEAN: _l("yes / no"),
    Kind.URL: _l("web address"),
    Kind.EMAIL: _l("e-mail"),
    Kind.PHONE: _l("phone"),
    Kind.IBAN: _l("IBAN"),
    Kind.LIST: _l("list of objects"),
}
FORMATS = {"date": "date AAAA-MM-JJ", "email": "adresse e-mail", "uri": "URL"}
_TWO_DECIMALS = re.compile(r"\\\.\\d\{1,2\}")
# The checks of dossier/schema/types.py that the JSON Schema cannot say, by function name
# (None: the schema's pattern says it already); a new check without an entry stops the
# generator (KeyError).
CHECKS: dict[str, str | None] = {
    "_matching.<locals>.check": None,
    "_check_siren": "clé de contrôle du SIREN",
    "_check_siret": "clé de contrôle du SIRET",
    "_check_iban": "IBAN valide (clé et longueur du pays)",
    "_check_bic": "BIC valide",
    "_check_country": "code pays ISO 3166",
    "_check_email": "adresse e-mail valide",
    "_check_phone": "numéro de téléphone valide",
    "_check_url": "adresse http(s) valide",
    "_not_in_future": "pas dans le futur",
    "_year_not_in_future": "pas après l'année en cours",
}

HEAD = """# Dictionnaire des données du dossier unique

<!-- Généré par `{regenerate}` depuis dossier/schema (Pydantic) et forms/definition.py :
     ne pas modifier à la main. -->

Schéma `{schema_id}`, version 1 ; le JSON Schema complet est servi par
`GET /api/v1/schema/dossier`.

- **Chemin** : l'emplacement de la valeur dans le JSON du dossier ; `[]` désigne chaque
  élément d'une liste.
- **Obligatoire** : exigé au dépôt, dès que l'objet qui le contient est présent. Un brouillon
  accepte tout sous-ensemble des champs, chaque champ présent devant être valide.
- **Montants** : texte décimal à 2 décimales au plus (`"1329243.00"`) ou nombre JSON ;
  pourcentages de même.
"""


def _cell(text: Any) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: Any) -> str:
    return f"`{text}`"


def _number(value: Any) -> str:
    """A bound in French notation: 2100, 1 000 000, 999 999 999 999,99."""
    number = float(value)
    if number.is_integer() and abs(number) < 10_000:
        return str(int(number))  # years and small counts are not grouped
    if number.is_integer():
        return f"{int(number):,}".replace(",", "\u202f")
    whole, _, cents = f"{number:,.2f}".partition(".")
    return f"{whole.replace(',', chr(0x202F))},{cents}"


class Schema:
    """The JSON Schema of a complete dossier, read by form path."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema
        self.defs = schema.get("$defs", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node behind a $ref, and the non-null branch of a draft-optional one."""
        if "$ref" in node:
            return self.resolve(self.defs[node["$ref"].rsplit("/", 1)[-1]])
        branches = [b for b in node.get("anyOf", []) if b != {"type": "null"}]
        if len(branches) == 1 and len(node["anyOf"]) == 2:
            rest = {k: v for k, v in node.items() if k not in ("anyOf", "default")}
            return self.resolve({**branches[0], **rest})
        return node

    def at(self, path: str) -> tuple[dict[str, Any], bool] | None:
        """The property node at a form path and whether its object requires it (None if absent)."""
        node, required = self.root, False
        for part in path.split("."):
            many = part.endswith("[]")
            name = part.removesuffix("[]")
            obj = self.resolve(node)
            prop = obj.get("properties", {}).get(name)
            if prop is None:
                return None
            required = name in obj.get("required", [])
            node = self.resolve(prop)
            if many:
                node = self.resolve(node.get("items", {}))
        return node, required

    def enum_codes(self, node: dict[str, Any]) -> list[str] | None:
        """The codes of a closed list (or of a list's items)."""
        if "items" in node:
            node = self.resolve(node["items"])
        return node.get("enum")


def _leaf(annotation: Any) -> Any:
    """The model or value type inside `X | None` and `list[X]`."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType, list):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _leaf(inner[0]) if len(inner) == 1 else annotation
    return annotation


def checks(path: str) -> list[str]:
    """The model's own checks (validators) on the value at a form path, in words."""
    cls: Any = DossierV1
    for part in path.replace("[]", "").split("."):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or \
                part not in cls.model_fields:
            return []
        cls = _leaf(cls.model_fields[part].annotation)
    found = []
    for a in [cls, *get_args(cls)]:
        if get_origin(a) is Annotated:
            found += [m for m in a.__metadata__ if isinstance(m, AfterValidator)]
    return [w for m in found if (w := CHECKS[m.func.__qualname__])]


def _sizes(node: dict[str, Any]) -> Iterator[str]:
    for low, high, unit in (("minLength", "maxLength", "caractères"),
                            ("minItems", "maxItems", "éléments")):
        if low in node and high in node:
            yield f"{_number(node[low])} à {_number(node[high])} {unit}"
        elif high in node:
            yield f"{_number(node[high])} {unit} au plus"


def _bounds(node: dict[str, Any]) -> Iterator[str]:
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤")):
        if key in node:
            yield f"{sign} {_number(node[key])}"


def constraints(node: dict[str, Any]) -> list[str]:
    """The schema's constraints on one value, in words."""
    branches = node.get("anyOf")
    if branches:  # amounts and percents: a decimal text or a number
        out = [c for b in branches if b.get("type") == "number" for c in constraints(b)]
        if any(_TWO_DECIMALS.search(b.get("pattern", "")) for b in branches):
            out.append("2 décimales au plus")
        return out
    out = [f"= {node['const']}"] if "const" in node else []
    out += [*_sizes(node), *_bounds(node)]
    if "format" in node:
        out.append(FORMATS.get(node["format"], node["format"]))
    if "pattern" in node:
        out.append(f"motif {_code(node['pattern'])}")
    if node.get("default") is not None:
        out.append(f"par défaut {_code(node['default'])}")
    return out


def _rules(f: Field, node: dict[str, Any] | None) -> str:
    out = [] if node is None else constraints(node) + checks(f.path)
    if f.enum == PARTNER:
        out.insert(0, "un code du catalogue des partenaires")
    elif f.enum:
        out.insert(0, f"liste [{f.enum}](#liste-{f.enum})")
    if f.total:
        out.append(f"total des `{f.total}` affiché sous la liste")
    if f.share_of:
        out.append(f"chaque montant en part de `{f.share_of}`")
    return " ; ".join(out) or "—"


def _field_row(f: Field, schema: Schema, section: Section) -> str:
    found = None if section.uploaded else schema.at(f.path)
    node, required = found if found else (None, f.required)
    help_text = f.help.fr if f.help else ""
    cells = (_code(f.path), f.label.fr, f.label.en, KINDS[f.kind].fr,
             "oui" if required else "non", _rules(f, node), help_text)
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _section(number: int, s: Section, schema: Schema) -> Iterator[str]:
    yield f"## {number}. {s.title.fr} — {s.title.en}"
    yield ""
    if s.intro:
        yield f"{s.intro.fr}"
        yield ""
    if s.uploaded:
        yield ("Pièces téléversées à part, hors du JSON du dossier ; chaque partenaire liste "
               "celles qu'il exige.")
        yield ""
    yield ("| Chemin | Libellé | Label (en) | Type | Obligatoire | Règles | Aide |")
    yield "|---|---|---|---|---|---|---|"
    for f in section_fields(s):
        yield _field_row(f, schema, s)
    yield ""


def section_fields(s: Section) -> Iterator[Field]:
    """A section's fields in form order, each list before its item fields."""
    stack = list(reversed(s.fields))
    while stack:
        f = stack.pop()
        yield f
        stack.extend(reversed(f.items))


def _enums(schema: Schema) -> Iterator[str]:
    yield "## Listes fermées — Closed lists"
    yield ""
    used: dict[str, list[str]] = {}
    for f in all_fields():
        if f.enum and f.enum != PARTNER:
            used.setdefault(f.enum, []).append(f.path)
    for name, paths in used.items():
        yield f"### Liste `{name}`"
        yield ""
        yield "Utilisée par " + ", ".join(_code(p) for p in paths) + "."
        yield ""
        yield "| Code | Libellé | Label (en) |"
        yield "|---|---|---|"
        for code, text in ENUMS[name].items():
            yield f"| {_code(code)} | {_cell(text.fr)} | {_cell(text.en)} |"
        yield ""


def _cross_field() -> Iterator[str]:
    yield "## Règles entre champs — Cross-field rules"
    yield ""
    yield ("Vérifiées au dépôt (et signalées dès le brouillon) lorsque tous leurs champs sont "
           "présents ; le code est celui de l'erreur renvoyée par l'API.")
    yield ""
    yield "| Code | Champs | Règle | Rule (en) |"
    yield "|---|---|---|---|"
    for rule in CROSS_FIELD_RULES:
        paths = ", ".join(_code(p) for p in rule.paths)
        cells = (_code(rule.code), paths, rule.text.fr, rule.text.en)
        yield "| " + " | ".join(_cell(c) for c in cells) + " |"
    yield ""


def check_enums(schema: Schema) -> list[str]:
    """Where the form's closed lists and the schema's disagree (codes or order)."""
    problems = []
    for f in all_fields():
        found = schema.at(f.path) if f.enum and f.enum != PARTNER else None
        if found is None:
            continue
        codes = schema.enum_codes(found[0])
        if codes is not None and codes != list(ENUMS[f.enum]):
            problems.append(f"{f.path}: schema {codes} != form {list(ENUMS[f.enum])}")
    return problems


def render() -> str:
    """The whole data dictionary, as Markdown."""
    schema = Schema(dossier_json_schema())
    lines = [HEAD.format(regenerate=REGENERATE, schema_id=SCHEMA_ID), "## Sommaire", ""]
    lines += [f"{i}. {s.title.fr}" for i, s in enumerate(SECTIONS, 1)]
    lines += ["", "Puis les [listes fermées](#listes-fermées--closed-lists) et les "
              "[règles entre champs](#règles-entre-champs--cross-field-rules).", ""]
    for i, s in enumerate(SECTIONS, 1):
        lines += _section(i, s, schema)
    lines += _enums(schema)
    lines += _cross_field()
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/dossier.md, or with `--check` say whether it is current."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = DOCS.exists() and DOCS.read_text("utf-8") == text
        print("docs/dossier.md is current" if current else
              f"docs/dossier.md is out of date: run `{REGENERATE}`")
        return 0 if current else 1
    DOCS.write_text(text, "utf-8")
    print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
