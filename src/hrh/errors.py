"""The error hierarchy shared by every layer.

Each error has a stable ``code`` (used by the API envelope and the CLI exit path),
a human ``message`` saying what was wrong, and an optional ``hint`` saying what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: file, line, column, the value and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

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
    code: ClassVar[str] = "error"
    status: ClassVar[int] = 500

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
