"""The data dictionary docs/dossier.md: current, drawn from one schema that agrees with the form."""

from __future__ import annotations

import inspect
import re

from dossier.messages import MESSAGES
from dossier.schema import rules
from dossier.schema.jsonschema import dossier_json_schema
from forms import datadict
from forms.definition import SECTIONS


def test_docs_dossier_md_is_current():
    assert datadict.DOCS.read_text("utf-8") == datadict.render(), (
        f"docs/dossier.md is out of date: run `{datadict.REGENERATE}` and commit it")


def test_the_check_mode_says_whether_the_file_is_current(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(datadict, "DOCS", tmp_path / "dossier.md")
    assert datadict.main(["--check"]) == 1
    assert datadict.REGENERATE in capsys.readouterr().out
    assert datadict.main([]) == 0 and datadict.main(["--check"]) == 0


def test_every_cross_field_rule_is_described():
    source = inspect.getsource(rules)
    checks = source[source.index("def rule_errors"):source.index("# --- what submission")]
    raised = set(re.findall(r'"([a-z0-9_]+)"', checks)) & set(MESSAGES)
    assert raised == {r.code for r in rules.CROSS_FIELD_RULES}


def test_form_and_schema_agree_on_fields_required_and_closed_lists():
    schema = datadict.Schema(dossier_json_schema())
    assert datadict.check_enums(schema) == []
    for section in SECTIONS:
        if section.uploaded:
            continue
        for f in datadict.section_fields(section):
            found = schema.at(f.path)
            assert found is not None, f"{f.path} is in the form but not in the schema"
            assert found[1] == f.required, f"{f.path}: required differs (form {f.required})"
