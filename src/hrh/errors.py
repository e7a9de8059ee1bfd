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

    @classmethod
    def join(cls, parts: Iterable[Text], separator: str = "; ") -> Text:
        """Return ``parts`` as one text (each part translated alone; the separator as it is).

        >>> str(Text.join([Text.of("a %(n)s", n=1), Text("b")]))
        'a 1; b'
        """
        named = tuple((f"p{i}", part) for i, part in enumerate(parts))
        return cls(separator.join(f"%({name})s" for name, _ in named), named)

    def render(
        self,
        translate: Callable[[str], str | None],
        number: Callable[[Number], str] | None = None,
    ) -> str:
        """Return the text with ``translate`` applied to the template and to nested texts.

        ``number`` writes the :class:`Number` values (the page's locale); without it they are
        written as in English.
        """
        template = translate(self.template) or self.template
        if "%(" not in template:
            return template
        values = {k: _value(v, translate, number) for k, v in self.params}
        return template % values

    def sentence(self) -> Sentence:
        """Return the English as a plain string that keeps this text (a :class:`Sentence`)."""
        return Sentence(self)

    def __str__(self) -> str:
        return self.render(lambda _: None)


def _value(
    v: object, translate: Callable[[str], str | None], number: Callable[[Number], str] | None
) -> object:
    if isinstance(v, Text):
        return v.render(translate, number)
    if isinstance(v, Number) and number is not None:
        return number(v)
    return v


@dataclass(frozen=True)
class Number:
    """A number inside a :class:`Text`: English as ``format(value, spec)``, else the locale's way.

    >>> str(Number(12.345, ".1f")), str(Number(0.05, ".0%")), Number(0.05, ".0%").digits
    ('12.3', '5%', 0)
    """

    value: float
    spec: str = "g"

    @property
    def share(self) -> bool:
        """Whether the number is a share (0–1) written as a percentage."""
        return self.spec.endswith("%")

    @property
    def digits(self) -> int:
        """The decimals to show at most (from the spec's precision; 2 for ``g``)."""
        _, dot, rest = self.spec.partition(".")
        precision = rest.rstrip("f%g")
        return int(precision) if dot and precision.isdigit() else 2

    def __str__(self) -> str:
        return format(self.value, self.spec)


class Sentence(str):
    """An English sentence that is a plain ``str`` (for the API, the CLI, CSV) and keeps its Text.

    Results that carry a generated sentence in a ``str`` field (a reason, a note) hold a
    ``Sentence``: everything that reads the field sees the English, and the web pages say the
    kept :class:`Text` in the reader's language.

    >>> s = Text.of("no data for %(year)s", year=2020).sentence()
    >>> s == "no data for 2020", s.text.template
    (True, 'no data for %(year)s')
    """

    text: Text

    def __new__(cls, text: Text) -> Sentence:  # noqa: D102 - documented on the class
        self = super().__new__(cls, str(text))
        self.text = text
        return self

    def __reduce__(self) -> tuple[type[Sentence], tuple[Text]]:  # copy and pickle keep the text
        return (Sentence, (self.text,))


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
