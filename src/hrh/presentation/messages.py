"""Messages from the services, said in the page's language.

The services raise :class:`~hrh.errors.HrhError` with an English ``message`` (what the API and
the CLI show). Errors built with :meth:`HrhError.of` also carry the message as a
:class:`~hrh.errors.Text` (an English template marked with ``M_()`` and its values); a
:class:`~hrh.errors.Problem` carries what was expected the same way. :func:`say` translates
them with the page's catalog, keeping the values (file names, columns, what was typed) as they
are; a value given as a :class:`~hrh.errors.Number` is written the page's way (``12,3`` in
French). A result's generated sentence (a reason, a note) is a :class:`~hrh.errors.Sentence`:
English wherever it is read as a string, said here from the text it keeps. Text that has no
translation stays English and is marked ``lang="en"`` on French and Spanish pages, so screen
readers pronounce it right.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable

from markupsafe import Markup, escape

from hrh.errors import HrhError, Number, Problem, Sentence, Text
from hrh.presentation.l10n import DEFAULT_LANGUAGE, Formatter

Sayable = HrhError | Problem | Text | str | None


def _lookup(catalog: gettext.NullTranslations) -> Callable[[str], str | None]:
    """Return a lookup answering None where the catalog has no translation."""

    def translate(msgid: str) -> str | None:
        found = catalog.gettext(msgid)
        return found if found != msgid else None

    return translate


def _numbers(lang: str | None) -> Callable[[Number], str] | None:
    """Return how ``lang`` writes a :class:`~hrh.errors.Number` (None: as in English)."""
    if lang is None or lang == DEFAULT_LANGUAGE:
        return None
    formatter = Formatter(lang)

    def write(n: Number) -> str:
        return (
            formatter.percent(n.value, n.digits) if n.share else formatter.number(n.value, n.digits)
        )

    return write


def _render(
    text: Text | str,
    translate: Callable[[str], str | None],
    number: Callable[[Number], str] | None = None,
) -> tuple[str, bool]:
    """Return the text in the page's language and whether it was translated."""
    if isinstance(text, Sentence):
        text = text.text
    if isinstance(text, Text):
        translated = translate(text.template) is not None
        return text.render(translate, number if translated else None), translated
    found = translate(text)
    return (found, True) if found is not None else (text, False)


def _pieces(
    catalog: gettext.NullTranslations, thing: Sayable, lang: str | None = None
) -> list[tuple[str, bool]]:
    """Return what ``thing`` says, piece by piece, each with whether it was translated.

    An error is its message and its hint; a problem is what was expected. A
    :class:`~hrh.errors.Sentence` is the text it keeps.
    """
    translate, number = _lookup(catalog), _numbers(lang)
    if thing is None or thing == "":
        return []
    if isinstance(thing, HrhError):
        pieces = [_render(thing.text or thing.message, translate, number)]
        if thing.hint_text is not None or thing.hint:
            pieces.append(_render(thing.hint_text or thing.hint, translate, number))
        return pieces
    if isinstance(thing, Problem):
        return [_render(thing.expected_text or thing.expected, translate, number)]
    return [_render(thing, translate, number)]


def say_text(catalog: gettext.NullTranslations, thing: Sayable, lang: str | None = None) -> str:
    """Return what ``thing`` says in the catalog's language, as plain text.

    With ``lang``, numbers given as :class:`~hrh.errors.Number` are written that locale's way.
    """
    return " ".join(text for text, _ in _pieces(catalog, thing, lang))


def say(catalog: gettext.NullTranslations, lang: str, thing: Sayable) -> Markup:
    """Return ``thing`` in ``lang`` as escaped HTML; an untranslated piece in a ``lang="en"`` span.

    >>> from hrh.errors import M_, Invalid
    >>> str(say(gettext.NullTranslations(), "fr", Invalid.of(M_("%(n)s is bad."), n="<x>")))
    '<span lang="en">&lt;x&gt; is bad.</span>'
    >>> str(say(gettext.NullTranslations(), "en", "Fine."))
    'Fine.'
    """
    out = []
    for text, translated in _pieces(catalog, thing, lang):
        if translated or lang == DEFAULT_LANGUAGE:
            out.append(escape(text))
        else:
            out.append(Markup('<span lang="en">%s</span>') % text)
    return Markup(" ").join(out)
