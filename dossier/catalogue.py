"""The one text catalogue: gettext through Babel, English msgids, French in locale/fr."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).with_name("locale")


def po_path(lang: str) -> Path:
    """Where the `.po` file of a language lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of `lang`, built in memory from its `.po` at first use."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    path = po_path(lang)
    if not path.exists():
        return Translations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def gettext(message: str, lang: str = DEFAULT_LANG) -> str:
    """`message` (an English msgid) in `lang`."""
    return translations(lang).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int, lang: str = DEFAULT_LANG) -> str:
    """The singular or plural form for `n`, in `lang`."""
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str = DEFAULT_LANG) -> str:
    """`message` in `lang`, told apart from the same English words by `context`."""
    return translations(lang).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for extraction; translated later, where the language is known."""
    return message


def N_plural(singular: str, plural: str, count: str) -> tuple[str, str, str]:
    """Mark a plural pair for extraction; `count` names the number that picks the form."""
    return singular, plural, count


class LazyText:
    """A msgid translated when shown, for labels declared at import time."""

    __slots__ = ("context", "message")

    def __init__(self, message: str, context: str | None = None):
        self.message = message
        self.context = context

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in `lang` (French for a language we do not have)."""
        if self.context is not None:
            return pgettext(self.context, self.message, lang)
        return gettext(self.message, lang)

    @property
    def fr(self) -> str:
        """The French text."""
        return self.get("fr")

    @property
    def en(self) -> str:
        """The English text."""
        return self.get("en")

    def __str__(self) -> str:
        return self.get()

    def __repr__(self) -> str:
        return f"LazyText({self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, LazyText) and other.message == self.message
                and other.context == self.context)

    def __hash__(self) -> int:
        return hash((self.message, self.context))


def lazy_gettext(message: str) -> LazyText:
    """A label translated when shown (`.get(lang)`)."""
    return LazyText(message)


_l = lazy_gettext


def lazy_pgettext(context: str, message: str) -> LazyText:
    """A label with a context, translated when shown."""
    return LazyText(message, context)


def template_functions(lang: str) -> dict[str, Callable[..., str]]:
    """`_`, `gettext`, `ngettext`, `pgettext` for a template rendered in `lang`.

    Newstyle like jinja2.ext.i18n (keyword variables fill `%(name)s`), but they return plain
    strings so autoescaping treats translated words exactly as any other text.
    """
    tr = translations(lang)

    def _gettext(message: str, **variables: Any) -> str:
        text = tr.gettext(message)
        return text % variables if variables else text

    def _ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
        text = tr.ngettext(singular, plural, n)
        return text % {"num": n, **variables} if variables else text

    def _pgettext(context: str, message: str, **variables: Any) -> str:
        text = tr.pgettext(context, message)
        return text % variables if variables else text

    return {"_": _gettext, "gettext": _gettext, "ngettext": _ngettext, "pgettext": _pgettext}
