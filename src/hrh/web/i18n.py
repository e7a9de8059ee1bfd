"""The interface languages: gettext catalogs (Babel), language choice, locale formatting.

The catalogs are the ``.po`` files under ``hrh/web/locale/<lang>/LC_MESSAGES/messages.po``; they
are compiled in memory when the application starts (:func:`load_catalogs`), so no binary
``.mo`` file is kept in the repository. English is the source language (msgids are English).

A request's language (:func:`choose_language`) is, in order: ``?lang=`` in the URL (which
also sets the ``hrh_lang`` cookie), the ``hrh_lang`` cookie, the browser's
``Accept-Language``, then English.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from io import BytesIO
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

#: The interface languages, in the order the switcher shows them, with their own names.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "hrh_lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


def locale_dir() -> str:
    """Return the folder of the ``.po`` catalogs inside the package."""
    return str(files("hrh.web") / "locale")


def read_catalog(lang: str) -> gettext.NullTranslations:
    """Compile ``<lang>``'s ``.po`` catalog in memory (English needs none)."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    po = files("hrh.web") / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs() -> dict[str, gettext.NullTranslations]:
    """Compile every language's catalog (once, when the application starts)."""
    return {lang: read_catalog(lang) for lang in LANGUAGES}


def parse_accept_language(header: str | None) -> str | None:
    """Return the best of our languages for an ``Accept-Language`` header, or None.

    >>> parse_accept_language("es-ES,es;q=0.9,en;q=0.8")
    'es'
    >>> parse_accept_language("de-DE, fr;q=0.5, en;q=0.4")
    'fr'
    >>> parse_accept_language("de, it") is None
    True
    """
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in LANGUAGES and q > 0:
            ranked.append((-q, i, lang))
    return min(ranked)[2] if ranked else None


def choose_language(
    query: str | None, cookie: str | None, accept_language: str | None
) -> tuple[str, bool]:
    """Return the request's language and whether the cookie must be (re)set.

    >>> choose_language("fr", None, "en"), choose_language(None, "es", "fr")
    (('fr', True), ('es', False))
    >>> choose_language("xx", None, "fr-CA"), choose_language(None, None, None)
    (('fr', False), ('en', False))
    """
    if query and query.lower() in LANGUAGES:
        lang = query.lower()
        return lang, lang != cookie
    if cookie in LANGUAGES:
        return str(cookie), False
    return parse_accept_language(accept_language) or DEFAULT_LANGUAGE, False


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


def language_links(path: str, query: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """Return ``(lang, own name, URL)`` for the switcher: the same page in each language.

    >>> language_links("/ssl", {"region": "AFR", "lang": "en"})[1]
    ('fr', 'Français', '/ssl?region=AFR&lang=fr')
    """
    kept = [(k, v) for k, v in query.items() if k != "lang"]
    return [
        (lang, name, f"{path}?{urlencode([*kept, ('lang', lang)])}")
        for lang, name in LANGUAGES.items()
    ]
