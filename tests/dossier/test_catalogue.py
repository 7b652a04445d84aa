"""The text catalogue: current with the code, French for every message, placeholders kept."""

from __future__ import annotations

import re

import pytest

from app.catalogue import POT, extract, msgids, placeholder_mismatches, read, untranslated
from dossier.catalogue import LazyText, gettext, ngettext, template_functions
from dossier.catalogue import translations as compiled


def test_catalogue_is_current() -> None:
    """Extracting again gives the msgids of messages.pot and of each .po (run `make messages`)."""
    fresh = msgids(extract())
    with POT.open("rb") as pot:
        from babel.messages.pofile import read_po

        stored = msgids(read_po(pot))
    assert sorted(fresh - stored) == [], "new texts: run `make messages`"
    assert sorted(stored - fresh) == [], "texts gone from the code: run `make messages`"
    for lang in ("fr", "en"):
        assert msgids(read(lang)) == fresh, f"{lang} .po out of date: run `make messages`"


def test_every_message_has_french() -> None:
    assert untranslated(read("fr")) == []


def test_translations_keep_placeholders() -> None:
    assert placeholder_mismatches(read("fr")) == []
    assert placeholder_mismatches(read("en")) == []


def test_english_is_the_msgid_and_unknown_languages_get_french() -> None:
    fr = read("fr")
    message = next((m for m in fr if m.id and isinstance(m.id, str) and not m.context), None)
    if message is None:
        pytest.skip("empty catalogue")
    assert gettext(message.id, "en") == message.id
    assert gettext(message.id, "fr") == message.string
    assert gettext(message.id, "de") == message.string
    assert LazyText(message.id).get("fr") == message.string


def test_plural_forms_follow_french_rules() -> None:
    assert compiled("fr").plural(0) == 0 and compiled("fr").plural(2) == 1
    assert ngettext("{n} day", "{n} days", 1, "en") == "{n} day"
    assert ngettext("{n} day", "{n} days", 2, "en") == "{n} days"


def test_template_functions_fill_newstyle_variables() -> None:
    functions = template_functions("en")
    assert functions["_"]("Hello %(name)s", name="Ada") == "Hello Ada"
    assert functions["_"]("100 %") == "100 %"


def _french_texts() -> list[str]:
    """Every French msgstr of the catalogue (both forms of a plural)."""
    texts = []
    for message in read("fr"):
        if message.id:
            texts += list(message.string) if isinstance(message.string, tuple | list) \
                else [message.string]
    return [t for t in texts if t]


def test_no_french_message_hedges_a_plural() -> None:
    """'Label(s) détenu(s)' reads as a form letter: a count picks the form (ngettext)."""
    hedged = [t for t in _french_texts() if re.search(r"\w\((?:s|e|es|x)\)", t)]
    assert hedged == []


# One word per thing (issue 14): the word people read, and the synonyms it replaced.
ONE_WORD = {
    "accordé": r"\bapprouvée?s?\b",  # a partner's yes ("Accordé" on every page)
    "refusé": r"\bdéclinée?s?\b",  # a partner's no ("Refusé" on the plan and the pages)
    "filière": r"\bsecteurs?\b",  # the dossier's `sector`
    "évaluateur": r"\bexaminateurs?\b",  # a partner's reviewer
}


@pytest.mark.parametrize("word", sorted(ONE_WORD))
def test_one_word_per_thing(word: str) -> None:
    other = re.compile(ONE_WORD[word], re.IGNORECASE)
    assert [t for t in _french_texts() if other.search(t)] == [], f"say « {word} »"
