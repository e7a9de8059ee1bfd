"""Vectorised candidate masks for the hot rules: numpy arrays per field, one mask per rule.

A mask selects the records a rule *may* find something about (a superset of its hits); the
engine then runs the rule's own pure check on those records only, so the findings, their
explanations and their evidence are exactly those of the per-record loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from hrh.compliance.rules import Context, Rule
from hrh.domain.recruitment import RecruitmentRecord

Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Columns:
    """The fields the masks read, one array per field (dates as ordinals)."""

    on: Ints
    residence: Ints
    residence_codes: tuple[str, ...]
    route: npt.NDArray[np.str_]
    bonus: Mask
    fee: npt.NDArray[np.float64]
    repay_amount: npt.NDArray[np.float64]
    repay_months: npt.NDArray[np.float64]

    @classmethod
    def of(cls, records: Sequence[RecruitmentRecord], ctx: Context) -> Columns:
        """Build the columns of ``records`` (``ctx.as_of`` replaces every record's date)."""
        n = len(records)
        if n == 0:
            empty = np.zeros(0)
            return cls(
                np.zeros(0, np.int64), np.zeros(0, np.int64), (), np.array([], np.str_),
                empty.astype(np.bool_), empty, empty, empty,
            )  # fmt: skip

        def column(name: str) -> list[Any]:
            return list(map(attrgetter(name), records))

        days, residences = column("recruitment_date"), column("candidate_residence")
        if ctx.as_of is not None:
            on = np.full(n, ctx.as_of.toordinal(), dtype=np.int64)
        else:
            ordinals = {d: d.toordinal() for d in set(days)}
            on = np.array(list(map(ordinals.__getitem__, days)), dtype=np.int64)
        codes = {c: i for i, c in enumerate(dict.fromkeys(residences))}
        return cls(
            on,
            np.array(list(map(codes.__getitem__, residences)), dtype=np.int64),
            tuple(codes),
            np.array(column("route"), dtype=np.str_),
            np.array(column("referral_bonus_paid"), dtype=np.bool_),
            np.array(column("fee_charged_to_candidate"), dtype=np.float64),
            np.array(column("repayment_clause_amount"), dtype=np.float64),
            np.array(column("repayment_clause_months"), dtype=np.float64),
        )

    def member(self, version: Ints, sets: Sequence[frozenset[str]]) -> Mask:
        """Tell, per record, whether its residence is in ``sets[version]`` (-1: in none)."""
        out = np.zeros(len(self.on), dtype=np.bool_)
        for i, countries in enumerate(sets):
            table = np.array([c in countries for c in self.residence_codes], dtype=np.bool_)
            if table.size:
                out |= (version == i) & table[self.residence]
        return out


def _in_force(effective: Sequence[int], on: Ints) -> Ints:
    """Index of the latest of ``effective`` (sorted) on or before each date, -1 when none."""
    return np.searchsorted(np.asarray(effective, dtype=np.int64), on, side="right") - 1


def _amber(rule: Rule, cols: Columns, ctx: Context) -> Mask:
    eds = sorted((e for e in ctx.editions if e.code == rule.code), key=lambda e: e.effective)
    idx = _in_force([e.effective.toordinal() for e in eds], cols.on)
    return cols.member(idx, [e.amber for e in eds])


def _not_passive(cols: Columns) -> Mask:
    referral: Mask = cols.route == "referral"
    return ~(referral & ~cols.bonus)


def mask_ssl(rule: Rule, cols: Columns, ctx: Context) -> Mask:
    """Resident in a listed country, not graded amber, not a referral without a bonus."""
    lists = sorted(ctx.ssl_lists, key=lambda s: s.effective)
    idx = _in_force([s.effective.toordinal() for s in lists], cols.on)
    listed = cols.member(idx, [s.countries for s in lists])
    return listed & ~_amber(rule, cols, ctx) & _not_passive(cols)


def mask_amber(rule: Rule, cols: Columns, ctx: Context) -> Mask:
    """Resident in an amber country, actively recruited."""
    direct: Mask = cols.route == "direct_application"
    return _amber(rule, cols, ctx) & _not_passive(cols) & ~direct


def mask_fee(rule: Rule, cols: Columns, ctx: Context) -> Mask:
    """Any fee charged to the candidate."""
    hits: Mask = ~(cols.fee <= 0)
    return hits  # written as the check reads it, so NaN answers alike


def mask_repayment(rule: Rule, cols: Columns, ctx: Context) -> Mask:
    """A repayment clause with an amount, longer than the edition's limit."""
    eds = sorted((e for e in ctx.editions if e.code == rule.code), key=lambda e: e.effective)
    idx = _in_force([e.effective.toordinal() for e in eds], cols.on)
    limits = np.array(
        [np.inf if e.repayment_max_months is None else e.repayment_max_months for e in eds]
        + [np.inf],  # index -1: no edition in force
        dtype=np.float64,
    )
    hits: Mask = ~(cols.repay_amount <= 0) & ~(cols.repay_months <= limits[idx])
    return hits


MaskFn = Callable[[Rule, Columns, Context], Mask]
MASKS: dict[str, MaskFn] = {
    "ssl_active_recruitment": mask_ssl,
    "amber_outside_agreement": mask_amber,
    "candidate_fee": mask_fee,
    "repayment_clause": mask_repayment,
}
"""Rule id → candidate mask; a rule with no mask is checked on every record."""
