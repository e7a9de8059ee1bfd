"""The interface languages: gettext catalogs (Babel), language choice, locale formatting.

The catalogs are the ``.po`` files under ``hrh/web/locale/<lang>/LC_MESSAGES/messages.po``; they
are compiled in memory when the application starts (:func:`load_catalogs`), so no binary
``.mo`` file is kept in the repository. English is the source language (msgids are English).
The catalogs and locale formatting are :mod:`hrh.presentation.l10n`'s (no request needed).

A request's language (:func:`choose_language`) is, in order: ``?lang=`` in the URL (which
also sets the ``hrh_lang`` cookie), the ``hrh_lang`` cookie, the browser's
``Accept-Language``, then English.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

# The languages, catalogs and formatting need no request: they live in hrh.presentation.l10n
# (shared with `hrh report`) and are imported here under the same names.
from hrh.presentation.l10n import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from hrh.presentation.l10n import LANGUAGES as LANGUAGES
from hrh.presentation.l10n import N_ as N_
from hrh.presentation.l10n import Formatter as Formatter
from hrh.presentation.l10n import load_catalogs as load_catalogs
from hrh.presentation.l10n import read_catalog as read_catalog

LANG_COOKIE = "hrh_lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600


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
