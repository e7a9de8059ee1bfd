"""Levers that change the cadre axis: bonding (return-and-serve) and a new cadre.

The transition (:func:`hrh.projection.stockflow.step`) is unchanged: both levers add
*model cadres* to the state and the rates, which the result sums back into the reported
cadres (:meth:`CadreAxis.collapse`), so the accounting identity and the conservation of
migrants hold as before.

``bonding`` (``years`` n, ``buyout_share`` b): graduates of the selected countries and
cadres who graduate from the lever's year on may not emigrate during their first n years of
work, except the share b who buy themselves out (their emigration rate × b). Exact without
tracking graduation cohorts: bonded graduates go to one model cadre per entry age e, where
years since graduation = age − e, so "the first n years" is an age profile (emigration ×
b at ages e … e + n − 1, × 1 after); they keep every other rate of their cadre (levers
included) and count in it.

``new_cadre`` (e.g. community health workers): a cadre with no stock at the start, an
absolute ``intake`` of trainees a year per selected country (its first graduates arrive in
the lever's year), ``completion_share``, ``duration_years``, ``attrition_rate`` (flat over
ages), ``retirement_age``, ``female_share`` (entry ages 20–29, uniform) and
``emigration_rate`` (0 by default: none emigrate; otherwise along the first cadre's
corridors). Its retirement hazard and return rates are the first cadre's.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hrh.errors import Invalid
from hrh.projection.levers import OPTIONS, Lever, World, _mask
from hrh.projection.model import AGES, FloatArray, IntArray, State
from hrh.projection.params import Assumption, AssumptionLog, Rates

NEW_CADRE_ENTRY_AGES = (20, 29)
"""Entry ages of a new cadre's graduates (uniform)."""

# Rates fields by the position of their cadre axis (0: [k, ...]; 1: [c|n, k]; 2: [y, c|n, k])
_CADRE_AXIS = {
    "attrition_profile": 0,
    "emigration_profile": 0,
    "entry": 0,
    "duration": 1,
}


@dataclass(frozen=True)
class CadreAxis:
    """The model's cadres and the reported cadre each one counts in.

    >>> axis = CadreAxis(("a", "b"), np.array([0, 1, 1]))
    >>> axis.collapse(np.array([[1.0, 2.0, 3.0]]), axis=1).tolist()
    [[1.0, 5.0]]
    """

    reported: tuple[str, ...]
    parent: IntArray

    @property
    def expanded(self) -> bool:
        """Tell whether the model has more cadres than the result reports."""
        return len(self.parent) != len(self.reported)

    def collapse(self, values: FloatArray, axis: int) -> FloatArray:
        """Sum ``values`` over the model cadres (on ``axis``) into the reported cadres."""
        if not self.expanded:
            return values
        moved = np.moveaxis(values, axis, 0)
        out = np.zeros((len(self.reported), *moved.shape[1:]))
        np.add.at(out, self.parent, moved)
        return np.moveaxis(out, 0, axis)


def expand_cadres(
    state: State,
    rates: Rates,
    levers: tuple[Lever, ...],
    world: World,
    cadres: tuple[str, ...],
    log: AssumptionLog,
) -> tuple[State, Rates, CadreAxis]:
    """Apply the ``bonding`` and ``new_cadre`` levers (in order) by adding model cadres.

    ``rates`` already carry the other levers; nothing given is changed.
    """
    axis = CadreAxis(cadres, np.arange(len(cadres)))
    todo = [lever for lever in levers if lever.kind in ("bonding", "new_cadre")]
    if not todo:
        return state, rates, axis
    new = rates.copy()
    home, abroad = state.home, state.abroad
    for lever in todo:
        selected = _mask(lever.countries, world, lever.where)
        if lever.kind == "bonding":
            new, home, abroad, axis = _bond(new, home, abroad, axis, lever, selected)
        else:
            new, home, abroad, axis = _new_cadre(
                new, home, abroad, axis, lever, selected, world, log
            )
    return State(state.year, home, abroad), new.frozen(), axis


def _append(rates: Rates, source: int, count: int) -> Rates:
    """Return rates with ``count`` model cadres appended, copies of cadre ``source``."""
    arrays: dict[str, Any] = {}
    for f in fields(rates):
        value = getattr(rates, f.name)
        if not isinstance(value, np.ndarray):
            continue
        k_axis = _CADRE_AXIS.get(f.name, value.ndim - 1)
        block = np.repeat(np.take(value, [source], axis=k_axis), count, axis=k_axis)
        arrays[f.name] = np.concatenate([value, block], axis=k_axis)
    return replace(rates, **arrays)


def _grow(home: FloatArray, abroad: FloatArray, count: int) -> tuple[FloatArray, FloatArray]:
    def grown(a: FloatArray) -> FloatArray:
        extra = np.zeros((a.shape[0], count, *a.shape[2:]))
        return np.concatenate([a, extra], axis=1)

    return grown(home), grown(abroad)


def _graduating_from(rates: Rates, start: int) -> FloatArray:
    """Return ``[intake year, c, k]``: 1 where that intake graduates in ``start`` or later."""
    years = rates.intake_first_year + np.arange(rates.intake.shape[0])
    return np.asarray(years[:, None, None] + rates.duration[None] >= start, dtype=np.float64)


def _bond(
    rates: Rates,
    home: FloatArray,
    abroad: FloatArray,
    axis: CadreAxis,
    lever: Lever,
    selected: NDArray[np.bool_],
) -> tuple[Rates, FloatArray, FloatArray, CadreAxis]:
    years, buyout = int(lever.value), lever.option("buyout_share")
    graduating = _graduating_from(rates, lever.start) * selected[None, :, None]
    parents = axis.parent
    for m in range(len(parents)):
        if lever.cadres is not None and axis.reported[parents[m]] not in lever.cadres:
            continue
        ages = np.flatnonzero(rates.entry[m].sum(axis=1) > 0)
        if not ages.size:
            continue
        first = rates.entry.shape[0]
        rates = _append(rates, m, len(ages))
        home, abroad = _grow(home, abroad, len(ages))
        moved = rates.intake[:, :, m] * graduating[:, :, m]
        for j, a in enumerate(ages):
            b = first + j
            share = rates.entry[m, a].sum()
            rates.entry[b] = 0.0
            rates.entry[b, a] = rates.entry[m, a] / share
            rates.intake[:, :, b] = moved * share
            bonded = (AGES[a] <= AGES) & (AGES[a] + years > AGES)
            rates.emigration_profile[b] = rates.emigration_profile[m] * np.where(bonded, buyout, 1)
        rates.intake[:, :, m] -= moved
        parents = np.concatenate([parents, np.full(len(ages), parents[m])])
    return rates, home, abroad, CadreAxis(axis.reported, parents)


def _new_cadre(
    rates: Rates,
    home: FloatArray,
    abroad: FloatArray,
    axis: CadreAxis,
    lever: Lever,
    selected: NDArray[np.bool_],
    world: World,
    log: AssumptionLog,
) -> tuple[Rates, FloatArray, FloatArray, CadreAxis]:
    if lever.cadre in axis.reported:
        raise Invalid(
            f"{lever.where}.cadre: {lever.cadre} is already projected; expected a cadre "
            "that is not (e.g. community_health_workers)."
        )
    b = len(axis.parent)
    rates = _append(rates, 0, 1)
    home, abroad = _grow(home, abroad, 1)
    o = lever.option
    rates.attrition_rate[..., b] = o("attrition_rate")
    rates.attrition_profile[b] = 1.0
    rates.emigration_rate[..., b] = o("emigration_rate")
    rates.emigration_profile[b] = 1.0
    rates.retirement_age[..., b] = o("retirement_age")
    rates.completion[..., b] = o("completion_share")
    rates.duration[:, b] = int(o("duration_years"))
    lo, hi = NEW_CADRE_ENTRY_AGES
    entry = np.where((lo <= AGES) & (hi >= AGES), 1.0, 0.0) / (hi - lo + 1)
    rates.entry[b] = np.stack([entry * o("female_share"), entry * (1 - o("female_share"))], 1)
    graduating = _graduating_from(rates, lever.start)[:, :, b]
    rates.intake[:, :, b] = lever.value * graduating * selected[None, :]
    given = dict(lever.options)
    used = [f"{n} {o(n):g}" for n in sorted(OPTIONS["new_cadre"]) if n not in given]
    if used:
        log.add(
            Assumption(
                f"levers.new_cadre.{lever.cadre}",
                f"{lever.cadre}, new cadre from {lever.start}",
                "; ".join(used),
                tuple(sorted(c.iso3 for c, s in zip(world.countries, selected, strict=True) if s)),
                note="Defaults of the new_cadre lever (docs/projections.md); give national "
                "figures in the scenario.",
            )
        )
    parent = np.append(axis.parent, len(axis.reported))
    return rates, home, abroad, CadreAxis((*axis.reported, lever.cadre), parent)
