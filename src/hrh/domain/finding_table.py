"""Findings as columns: what the bulk compliance engine returns, materialised only at the edges.

A :class:`FindingTable` holds, per finding, the position of its record in the checked table
(``rows``) and one column per field of :class:`Finding` in dictionary form: ``values[codes[i]]``
is finding ``i``'s value, so findings that say the same share one explanation, source and
evidence (texts rendered once per distinct combination of what they name, never per finding).
It is a sequence of findings: reading one builds that :class:`Finding`; iterating, comparing
or :meth:`FindingTable.to_list` builds them all, once (they are kept for the next reader).

>>> t = FindingTable.of([Finding("R1", "acme", "candidate_fee", "high", "A fee.", "code")])
>>> len(t), t[0].record_id, t.column("severity"), t == [t[0]]
(1, 'R1', ['high'], True)
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import repeat
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from hrh.domain.recruitment import Finding

__all__ = ["FIELDS", "FindingTable"]

Ints = npt.NDArray[np.int64]
Col = tuple[Ints, Sequence[Any]]
"""A column in dictionary form: ``values[codes[i]]`` is item ``i``'s value."""

#: the fields of :class:`Finding`, in order: the columns of a table
FIELDS = tuple(f.name for f in fields(Finding))

_new, _put = object.__new__, object.__setattr__
_FAST = not hasattr(Finding, "__slots__") and FIELDS == (
    "record_id",
    "organisation",
    "rule_id",
    "severity",
    "explanation",
    "source",
    "evidence",
)
"""Whether findings can be built by filling their ``__dict__`` at once, as unpickling does
(a plain frozen dataclass: its ``__init__`` sets each field through ``object.__setattr__``,
which costs more than everything else; the objects are equal either way)."""


class FindingTable(Sequence[Finding]):
    """Findings as columns (see the module's docstring); equal to a list of the same findings."""

    __slots__ = ("_built", "_cols", "rows")

    def __init__(self, rows: Ints, columns: Mapping[str, Col]) -> None:
        if set(columns) != set(FIELDS):
            raise ValueError(f"a finding table needs the columns {', '.join(FIELDS)}")
        if any(len(codes) != len(rows) for codes, _ in columns.values()):
            raise ValueError("the columns of a finding table must have one code per finding")
        self.rows: Ints = rows
        self._cols = {name: columns[name] for name in FIELDS}
        self._built: list[Finding] | None = None

    @classmethod
    def of(cls, findings: Sequence[Finding], rows: Sequence[int] | None = None) -> FindingTable:
        """Hold ``findings`` as columns (``rows``: their records' positions; default 0…n-1)."""
        n = len(findings)
        index = np.arange(n, dtype=np.int64)
        at = index if rows is None else np.array(rows, dtype=np.int64).reshape(-1)
        cols = {name: (index, [getattr(f, name) for f in findings]) for name in FIELDS}
        return cls(at, cols)

    @classmethod
    def empty(cls) -> FindingTable:
        """A table of no findings."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, dict.fromkeys(FIELDS, (none, [])))

    # --- columns -------------------------------------------------------------------------

    def coded(self, name: str) -> Col:
        """Return a column in dictionary form (``codes``, ``values``) without building it."""
        return self._cols[name]

    def column(self, name: str) -> list[Any]:
        """Return one field of every finding, in order."""
        codes, values = self._cols[name]
        return list(map(values.__getitem__, codes.tolist()))

    # --- the sequence of findings --------------------------------------------------------

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> Finding: ...

    @overload
    def __getitem__(self, i: slice) -> list[Finding]: ...

    def __getitem__(self, i: int | slice) -> Finding | list[Finding]:
        if self._built is not None or isinstance(i, slice):
            return self._findings()[i]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return Finding(*(values[int(codes[i])] for codes, values in self._cols.values()))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._findings())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FindingTable):
            other = other._findings()
        if isinstance(other, list | tuple):
            return len(self) == len(other) and self._findings() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FindingTable({len(self)} findings)"

    def to_list(self) -> list[Finding]:
        """Build every finding (once; later calls return a new list of the same objects)."""
        return list(self._findings())

    def _findings(self) -> list[Finding]:
        if self._built is None:
            was = gc.isenabled()
            gc.disable()  # no cycles here, yet each full collection would walk every finding
            try:
                self._built = self._build()
            finally:
                if was:
                    gc.enable()
        return self._built

    def _build(self) -> list[Finding]:
        at = [(codes.tolist(), values) for codes, values in self._cols.values()]
        if not _FAST:
            return list(map(Finding, *(map(values.__getitem__, c) for c, values in at)))
        (
            (a_at, a_of),
            (b_at, b_of),
            (c_at, c_of),
            (d_at, d_of),
            (e_at, e_of),
            (f_at, f_of),
            (
                g_at,
                g_of,
            ),
        ) = at
        dicts = [
            {
                "record_id": a_of[a],
                "organisation": b_of[b],
                "rule_id": c_of[c],
                "severity": d_of[d],
                "explanation": e_of[e],
                "source": f_of[f],
                "evidence": g_of[g],
            }
            for a, b, c, d, e, f, g in zip(a_at, b_at, c_at, d_at, e_at, f_at, g_at, strict=True)
        ]
        out = list(map(_new, repeat(Finding, len(dicts))))
        deque(map(_put, out, repeat("__dict__"), dicts), maxlen=0)
        return out
