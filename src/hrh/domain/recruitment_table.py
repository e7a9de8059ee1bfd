"""Recruitment records as columns: one array per field, coded text, dates as ordinals.

The compliance engine reads a :class:`RecordTable` without building one object per record:
text fields are categorical (``codes`` into ``values``), numbers are float64 arrays, dates are
proleptic ordinals, flags are booleans. Any field of :class:`RecruitmentRecord` the table has
no column kind for (``record_id``, ``extra``, ``personal``, fields added later) is kept as a
plain list, so a table always gives back the records it was built from.

>>> from dataclasses import replace
>>> r = RecruitmentRecord("R1", "acme", "agency", "GBR", "KEN", "KEN", "nursing_professionals",
...                       "active", False, date(2024, 1, 1), 150.0, "KES")
>>> t = RecordTable.from_records([r, replace(r, record_id="R2", candidate_residence="NPL")])
>>> len(t), t.coded("candidate_residence").values, t[1].candidate_residence
(2, ('KEN', 'NPL'), 'NPL')
>>> list(t) == [r, replace(r, record_id="R2", candidate_residence="NPL")]
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from itertools import repeat
from operator import attrgetter, is_
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from hrh.domain.recruitment import RecruitmentRecord

__all__ = ["CODED", "DAYS", "FLAGS", "NUMBERS", "Coded", "RecordTable"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

#: text fields kept as categorical codes
CODED = (
    "organisation",
    "organisation_type",
    "destination",
    "candidate_residence",
    "candidate_nationality",
    "cadre",
    "route",
    "fee_currency",
)
#: number fields (float64); those that may be None keep a mask of where they are
NUMBERS = (
    "fee_charged_to_candidate",
    "repayment_clause_amount",
    "repayment_clause_months",
    "salary_offered",
    "domestic_salary",
)
#: date fields, as ordinals (0 where None)
DAYS = ("recruitment_date", "contract_start")
#: boolean fields
FLAGS = ("referral_bonus_paid",)
_FIELDS = tuple(f.name for f in fields(RecruitmentRecord))
_CHUNK = 512  # records read at a time by ``from_records``


class _Index(dict[str, int]):
    """Codes of text values in order of first appearance: a new value gets the next code."""

    def __missing__(self, key: str) -> int:
        self[key] = code = len(self)
        return code


@dataclass(frozen=True, eq=False)
class Coded:
    """A categorical column: ``values[codes[i]]`` is row ``i``'s text."""

    codes: Ints
    values: tuple[str, ...]

    @classmethod
    def of(cls, items: Sequence[str]) -> Coded:
        """Code ``items`` (values in order of first appearance)."""
        index = {v: i for i, v in enumerate(dict.fromkeys(items))}
        codes = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=len(items))
        return cls(codes, tuple(index))

    def table(self, test: Any) -> Flags:
        """Return ``test(value)`` per distinct value, as a boolean array indexed by code."""
        return np.array([bool(test(v)) for v in self.values], dtype=np.bool_).reshape(-1)

    def code(self, value: str) -> int:
        """Return the code of ``value``, or -1 when no row has it."""
        try:
            return self.values.index(value)
        except ValueError:
            return -1


class RecordTable(Sequence[RecruitmentRecord]):
    """Recruitment records, one column per field; a sequence of records when read as one.

    Reading an item builds that record; the compliance engine reads the columns instead.
    """

    __slots__ = ("_coded", "_days", "_flags", "_missing", "_numbers", "_objects", "_size")

    def __init__(
        self,
        size: int,
        coded: dict[str, Coded],
        numbers: dict[str, Floats],
        missing: dict[str, Flags],
        days: dict[str, Ints],
        flags: dict[str, Flags],
        objects: dict[str, list[Any]],
    ) -> None:
        self._size = size
        self._coded, self._numbers, self._missing = coded, numbers, missing
        self._days, self._flags, self._objects = days, flags, objects

    @classmethod
    def from_records(cls, records: Sequence[RecruitmentRecord]) -> RecordTable:
        """Build the columns of ``records``.

        The fields are read a few hundred records at a time, every field of a chunk while its
        records are in the processor's cache, and text is coded as it is read (for records
        spread over memory, as a parser leaves them, this costs a third of reading one field
        at a time over all of them).
        """
        if isinstance(records, RecordTable):
            return records
        n = len(records)
        index = {name: _Index() for name in CODED}
        codes: dict[str, list[int]] = {name: [] for name in CODED}
        items: dict[str, list[Any]] = {name: [] for name in _FIELDS if name not in CODED}
        to_code = [(attrgetter(name), index[name], codes[name]) for name in CODED]
        to_keep = [(attrgetter(name), values) for name, values in items.items()]
        for start in range(0, n, _CHUNK):
            chunk = records[start : start + _CHUNK]
            for get, coder, coded_to in to_code:
                coded_to.extend(map(coder.__getitem__, map(get, chunk)))
            for get, kept in to_keep:
                kept.extend(map(get, chunk))
        coded = {
            name: Coded(np.array(codes[name], dtype=np.int64).reshape(-1), tuple(index[name]))
            for name in CODED
        }
        numbers: dict[str, Floats] = {}
        missing: dict[str, Flags] = {}
        days: dict[str, Ints] = {}
        flags: dict[str, Flags] = {}
        objects: dict[str, list[Any]] = {}
        for name, values in items.items():
            if name in NUMBERS:
                none = np.fromiter(map(is_, values, repeat(None)), dtype=np.bool_, count=n)
                if none.any():
                    missing[name] = none
                    values = [np.nan if v is None else v for v in values]
                numbers[name] = np.array(values, dtype=np.float64).reshape(-1)
            elif name in DAYS:
                ordinals = {d: (0 if d is None else d.toordinal()) for d in set(values)}
                days[name] = np.fromiter(map(ordinals.__getitem__, values), np.int64, count=n)
                if None in ordinals:
                    missing[name] = days[name] == 0
            elif name in FLAGS:
                flags[name] = np.fromiter(map(bool, values), dtype=np.bool_, count=n)
            else:
                objects[name] = values
        return cls(n, coded, numbers, missing, days, flags, objects)

    # --- columns -------------------------------------------------------------------------

    def coded(self, name: str) -> Coded:
        """Return a text column (``CODED``)."""
        return self._coded[name]

    def number(self, name: str) -> Floats:
        """Return a number column (``NUMBERS``; NaN where the value is None)."""
        return self._numbers[name]

    def given(self, name: str) -> Flags:
        """Tell, per row, whether a number or date field holds a value (not None)."""
        none = self.missing(name)
        return np.ones(self._size, dtype=np.bool_) if none is None else ~none

    def missing(self, name: str) -> Flags | None:
        """Where a number or date field is None (None: it has a value in every row)."""
        return self._missing.get(name)

    def ordinals(self, name: str) -> Ints:
        """Return a date column as proleptic ordinals (0 where None)."""
        return self._days[name]

    def flag(self, name: str) -> Flags:
        """Return a boolean column (``FLAGS``)."""
        return self._flags[name]

    def objects(self, name: str) -> list[Any]:
        """Return a column kept as a plain list (e.g. ``record_id``)."""
        return self._objects[name]

    # --- the sequence of records ---------------------------------------------------------

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> RecruitmentRecord: ...

    @overload
    def __getitem__(self, i: slice) -> list[RecruitmentRecord]: ...

    def __getitem__(self, i: int | slice) -> RecruitmentRecord | list[RecruitmentRecord]:
        if isinstance(i, slice):
            return [self._record(k) for k in range(*i.indices(self._size))]
        if not -self._size <= i < self._size:
            raise IndexError(i)
        return self._record(i % self._size if self._size else i)

    def __iter__(self) -> Iterator[RecruitmentRecord]:
        return (self._record(k) for k in range(self._size))

    def _record(self, k: int) -> RecruitmentRecord:
        values: dict[str, Any] = {}
        for name in _FIELDS:
            if name in self._coded:
                col = self._coded[name]
                values[name] = col.values[col.codes[k]]
            elif name in self._numbers:
                none = self._missing.get(name)
                absent = none is not None and bool(none[k])
                values[name] = None if absent else float(self._numbers[name][k])
            elif name in self._days:
                day = int(self._days[name][k])
                values[name] = None if day == 0 else date.fromordinal(day)
            elif name in self._flags:
                values[name] = bool(self._flags[name][k])
            else:
                values[name] = self._objects[name][k]
        return RecruitmentRecord(**values)
