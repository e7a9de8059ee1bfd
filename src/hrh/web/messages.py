"""Messages from the services, said in the page's language.

The services raise :class:`~hrh.errors.HrhError` with an English ``message`` (what the API and
the CLI show). Errors built with :meth:`HrhError.of` also carry the message as a
:class:`~hrh.errors.Text` (an English template marked with ``M_()`` and its values); a
:class:`~hrh.errors.Problem` carries what was expected the same way. :func:`say` translates
them with the page's catalog, keeping the values (file names, columns, what was typed) as they
are. Text that has no translation stays English and is marked ``lang="en"`` on French and
Spanish pages, so screen readers pronounce it right.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable

from markupsafe import Markup, escape

from hrh.errors import HrhError, Problem, Text
from hrh.web.i18n import DEFAULT_LANGUAGE

Sayable = HrhError | Problem | Text | str | None


def _lookup(catalog: gettext.NullTranslations) -> Callable[[str], str | None]:
    """Return a lookup answering None where the catalog has no translation."""

    def translate(msgid: str) -> str | None:
        found = catalog.gettext(msgid)
        return found if found != msgid else None

    return translate


def _render(text: Text | str, translate: Callable[[str], str | None]) -> tuple[str, bool]:
    """Return the text in the page's language and whether it was translated."""
    if isinstance(text, Text):
        return text.render(translate), translate(text.template) is not None
    found = translate(text)
    return (found, True) if found is not None else (text, False)


def _pieces(catalog: gettext.NullTranslations, thing: Sayable) -> list[tuple[str, bool]]:
    """Return what ``thing`` says, piece by piece, each with whether it was translated.

    An error is its message and its hint; a problem is what was expected.
    """
    translate = _lookup(catalog)
    if thing is None or thing == "":
        return []
    if isinstance(thing, HrhError):
        pieces = [_render(thing.text or thing.message, translate)]
        if thing.hint_text is not None or thing.hint:
            pieces.append(_render(thing.hint_text or thing.hint, translate))
        return pieces
    if isinstance(thing, Problem):
        return [_render(thing.expected_text or thing.expected, translate)]
    return [_render(thing, translate)]


def say_text(catalog: gettext.NullTranslations, thing: Sayable) -> str:
    """Return what ``thing`` says in the catalog's language, as plain text."""
    return " ".join(text for text, _ in _pieces(catalog, thing))


def say(catalog: gettext.NullTranslations, lang: str, thing: Sayable) -> Markup:
    """Return ``thing`` in ``lang`` as escaped HTML; an untranslated piece in a ``lang="en"`` span.

    >>> from hrh.errors import M_, Invalid
    >>> str(say(gettext.NullTranslations(), "fr", Invalid.of(M_("%(n)s is bad."), n="<x>")))
    '<span lang="en">&lt;x&gt; is bad.</span>'
    >>> str(say(gettext.NullTranslations(), "en", "Fine."))
    'Fine.'
    """
    out = []
    for text, translated in _pieces(catalog, thing):
        if translated or lang == DEFAULT_LANGUAGE:
            out.append(escape(text))
        else:
            out.append(Markup('<span lang="en">%s</span>') % text)
    return Markup(" ").join(out)
