"""The interface languages: gettext catalogs (Babel) and locale formatting, without a request.

The catalogs are the ``.po`` files under ``hrh/web/locale/<lang>/LC_MESSAGES/messages.po``
(beside the web templates, where :mod:`hrh.web.catalog` keeps them in step); they are compiled
in memory (:func:`load_catalogs`), so no binary ``.mo`` file is kept in the repository. English
is the source language (msgids are English). Choosing a request's language is the web's part
(:mod:`hrh.web.i18n`); ``hrh report`` takes ``--lang``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from io import BytesIO

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

#: The interface languages, in the order the switcher shows them, with their own names.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


def locale_dir() -> str:
    """Return the folder of the ``.po`` catalogs inside the package."""
    return str(files("hrh") / "web" / "locale")


def read_catalog(lang: str) -> gettext.NullTranslations:
    """Compile ``<lang>``'s ``.po`` catalog in memory (English needs none)."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    po = files("hrh") / "web" / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs() -> dict[str, gettext.NullTranslations]:
    """Compile every language's catalog (once, when the application starts)."""
    return {lang: read_catalog(lang) for lang in LANGUAGES}


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@dataclass(frozen=True)
class Formatter:
    r"""Numbers, shares and dates written for one locale.

    >>> fr = Formatter("fr")
    >>> fr.number(37.4), fr.number(12345.678, 0), fr.percent(0.197), fr.number(None)
    ('37,4', '12\u202f346', '19,7\xa0%', '—')
    >>> Formatter("en").number(37.4), Formatter("es").number(1234.5)
    ('37.4', '1.234,5')
    """

    lang: str

    def number(self, value: float | None, digits: int = 1) -> str:
        """Format a number with at most ``digits`` decimals (``—`` for no value)."""
        if value is None:
            return "—"
        pattern = parse_pattern(self.locale.decimal_formats[None].pattern)
        pattern.frac_prec = (0, digits)
        return str(pattern.apply(value, self.locale))

    def percent(self, share: float | None, digits: int = 1) -> str:
        """Format a share (0–1) as a percentage, the locale's way (``19,7 %`` in French)."""
        if share is None:
            return "—"
        pattern = parse_pattern(self.locale.percent_formats[None].pattern)
        pattern.frac_prec = (0, digits)
        return str(pattern.apply(share, self.locale))

    def date(self, value: date | str | None) -> str:
        """Format an ISO date (``YYYY-MM-DD``) in the locale's medium style; else as given."""
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return str(value)
        return str(format_date(value, format="medium", locale=self.lang))

    @property
    def locale(self) -> Locale:
        """The Babel locale."""
        return _locale(self.lang)
