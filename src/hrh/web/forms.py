"""Form fields the pages read: parsed, or refused with a message the reader can act on."""

from __future__ import annotations

from datetime import date

from hrh.errors import M_, Invalid


def form_date(text: str, field: str) -> date | None:
    """Return the date typed in ``field`` (YYYY-MM-DD), None when empty.

    >>> form_date(" 2026-01-31 ", "since"), form_date("", "since")
    (datetime.date(2026, 1, 31), None)
    >>> form_date("31/01/2026", "since")
    Traceback (most recent call last):
    hrh.errors.Invalid: since: '31/01/2026' is not a date (YYYY-MM-DD).
    """
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid.of(
            M_("%(field)s: %(value)s is not a date (YYYY-MM-DD)."),
            field=field,
            value=repr(text[:20]),
        ) from None
