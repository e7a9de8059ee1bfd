"""The error hierarchy shared by every layer.

Each error has a stable ``code`` (used by the API envelope and the CLI exit path),
a human ``message`` saying what was wrong, and an optional ``hint`` saying what to do.

``message`` and ``hint`` are English (the API and the CLI show them as they are). An error
raised with :meth:`HrhError.of` also keeps them as :class:`Text`: an English template marked
with :func:`M_` (the gettext msgid) and its values, so the web pages can say the same thing in
the reader's language. A :class:`Problem`'s ``expected`` is kept the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Self


def M_(template: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a user-facing template for the catalogs (extracted; translated where it is shown)."""
    return template


@dataclass(frozen=True)
class Text:
    """A sentence for a user: an English template (a gettext msgid) and the values it names.

    A template with ``%(name)s`` placeholders is formatted with the values (a literal percent
    sign is then written ``%%``); one without is used as it is. A value that is itself a
    :class:`Text` (a field's label, say) is translated too; other values are shown verbatim.

    >>> str(Text.of("%(file)s is empty.", file="a.csv"))
    'a.csv is empty.'
    >>> Text.of("%(what)s: %(value)s is not a number.", what=Text("Cost"), value="'x'").render(
    ...     {"Cost": "Coût", "%(what)s: %(value)s is not a number.": "%(what)s : %(value)s ?"}.get
    ... )
    "Coût : 'x' ?"
    """

    template: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, template: str, /, **params: object) -> Text:
        """Build a text from its template and values."""
        return cls(template, tuple(params.items()))

    def render(self, translate: Callable[[str], str | None]) -> str:
        """Return the text with ``translate`` applied to the template and to nested texts."""
        template = translate(self.template) or self.template
        if "%(" not in template:
            return template
        values = {k: v.render(translate) if isinstance(v, Text) else v for k, v in self.params}
        return template % values

    def __str__(self) -> str:
        return self.render(lambda _: None)


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: file, line, column, the value and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    #: ``expected`` as a translatable text (None: ``expected`` itself is the msgid, if any)
    expected_text: Text | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        file: str,
        line: int | None,
        column: str | None,
        value: str | None,
        expected: str,
        /,
        **params: object,
    ) -> Problem:
        """Build a problem whose ``expected`` is a template (marked with :func:`M_`) and values."""
        text = Text.of(expected, **params)
        return cls(file, line, column, value, str(text), text)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        col = f", column {self.column!r}" if self.column else ""
        val = f": got {self.value!r}" if self.value is not None else ""
        return f"{where}{col}{val}; expected {self.expected}"

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the problem as a JSON-ready mapping."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


@dataclass
class HrhError(Exception):
    """Base class of every error the product reports to a user."""

    message: str
    hint: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: ``message`` and ``hint`` as translatable texts (set by :meth:`of`; None: English only)
    text: Text | None = field(default=None, compare=False, repr=False)
    hint_text: Text | None = field(default=None, compare=False, repr=False)
    code: ClassVar[str] = "error"
    status: ClassVar[int] = 500

    @classmethod
    def of(
        cls,
        template: str,
        /,
        *,
        hint: str = "",
        problems: Iterable[Problem] = (),
        **params: object,
    ) -> Self:
        """Raise-ready error from a message template (and hint template) marked with :func:`M_`.

        ``message`` and ``hint`` are the English texts, exactly as ``str.format`` of the
        templates would give them; the templates and ``params`` are kept for translation.

        >>> e = Invalid.of(M_("%(name)s is empty."), hint=M_("Fill it in."), name="a.csv")
        >>> str(e), e.text.template if e.text else None
        ('a.csv is empty. Fill it in.', '%(name)s is empty.')
        """
        text = Text.of(template, **params)
        hint_text = Text.of(hint, **params) if hint else None
        return cls(str(text), str(hint_text or ""), list(problems), text, hint_text)

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f" {self.hint}"
        return text


class Invalid(HrhError):
    """The input is malformed or does not satisfy a rule."""

    code = "invalid"
    status = 422


class NotFound(HrhError):
    """A named thing does not exist."""

    code = "not_found"
    status = 404


class Conflict(HrhError):
    """The request contradicts what is stored."""

    code = "conflict"
    status = 409


class ConfigError(HrhError):
    """The configuration is missing or wrong."""

    code = "config"
    status = 500


class Unauthorized(HrhError):
    """The caller is not authenticated."""

    code = "unauthorized"
    status = 401


class Forbidden(HrhError):
    """The caller is authenticated but not allowed to do this."""

    code = "forbidden"
    status = 403


class TooManyRequests(HrhError):
    """The caller sent too many requests of one kind; it may try again later."""

    code = "rate_limited"
    status = 429
