"""Candidate generation at scale: block on the hard constraints, then score with numpy.

The same rules as :mod:`hrh.diaspora.rules`, applied to arrays. Opportunities are grouped by
(cadre, mode, licence country, language, level), so a group is compared only with the
professionals who consent, have that cadre, accept that mode, hold a licence from that
country (when one is required) and speak that language at that level. Inside a group the
professionals are sorted by the start of their availability, so each opportunity reads a
prefix of them (those available before its end) and keeps those still available at its
start. No infeasible cadre, mode, language or licence is ever paired.

The surviving pairs are scored component by component with the very arithmetic of
:func:`hrh.diaspora.rules.score` (same operations in the same order, float64), so the scores
are identical to the explained ones, bit for bit (tested).

>>> from datetime import date
>>> p = Candidate("p1", "medical_doctors", "surgery", "GHA", "GBR", (("en", 6),), (),
...               10.0, None, None, frozenset({"short"}), True)
>>> o = Opening("o1", "GHA", "Korle Bu", "medical_doctors", "surgery", "short",
...             date(2027, 1, 1), date(2027, 2, 1), "en", 4, False, 1)
>>> pairs = feasible_pairs([p], [o])
>>> len(pairs), round(float(pairs.score[0]), 3)
(1, 0.875)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from hrh.diaspora.rules import (
    CEFR,
    EXPERIENCE_CAP_YEARS,
    WEIGHTS,
    Candidate,
    Opening,
    specialty_points,
)

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

_OPEN_START = 0  # before date.min (ordinal 1)
_OPEN_END = date.max.toordinal() + 1
_NO_LICENCE = -1
#: Pairs expanded at once inside a group (bounds the memory of the prefix expansion).
_CHUNK = 1 << 22
#: Up to this many (profile specialty, opportunity specialty) texts, score every combination.
_TABLE_LIMIT = 1 << 16


@dataclass(frozen=True)
class Pairs:
    """Every feasible pair as arrays, ordered by (opportunity id, profile id).

    ``profile`` and ``opening`` index ``profiles`` and ``openings`` (both sorted by id);
    ``points`` holds the components' points in the order of :data:`WEIGHTS`.
    """

    profiles: tuple[Candidate, ...]
    openings: tuple[Opening, ...]
    profile: I64
    opening: I64
    points: F64
    score: F64

    def __len__(self) -> int:
        return int(self.profile.size)


class _Table:
    """Profiles and opportunities encoded as one array per attribute (sorted by id)."""

    def __init__(self, profiles: tuple[Candidate, ...], openings: tuple[Opening, ...]) -> None:
        self.profiles, self.openings = profiles, openings
        countries = sorted({o.country for o in openings})
        self.country_index = {c: i for i, c in enumerate(countries)}
        languages = sorted({o.language for o in openings if o.language and o.language_level > 0})
        self.language_index = {code: i for i, code in enumerate(languages)}
        self._encode_profiles()
        self._encode_openings()

    def _encode_profiles(self) -> None:
        ps, ci, li = self.profiles, self.country_index, self.language_index
        n = len(ps)
        self.p_from = np.array(
            [_OPEN_START if p.available_from is None else p.available_from.toordinal() for p in ps],
            dtype=np.int64,
        )
        self.p_to = np.array(
            [_OPEN_END if p.available_to is None else p.available_to.toordinal() for p in ps],
            dtype=np.int64,
        )
        self.p_origin = np.array([ci.get(p.origin, -1) for p in ps], dtype=np.int64)
        years = np.array([p.experience_years for p in ps], dtype=np.float64)
        cap = EXPERIENCE_CAP_YEARS
        self.p_experience = np.minimum(np.maximum(0.0, years), cap) / cap
        self.p_any_preference = np.array([bool(p.preferred_countries) for p in ps], dtype=bool)
        self.p_prefers = np.zeros((n, len(ci)), dtype=bool)
        self.p_level = np.zeros((n, len(li)), dtype=np.int64)
        self.p_licence = np.full((n, len(ci)), _NO_LICENCE, dtype=np.int64)
        for i, p in enumerate(ps):
            for c in p.preferred_countries:
                if c in ci:
                    self.p_prefers[i, ci[c]] = True
            for code, level in p.languages:
                if code in li:
                    j = li[code]
                    self.p_level[i, j] = max(self.p_level[i, j], level)
            for c, until in p.licences:
                if c in ci:
                    j = ci[c]
                    self.p_licence[i, j] = max(self.p_licence[i, j], until.toordinal())
        by_cadre: dict[str, list[int]] = {}
        for i, p in enumerate(ps):
            if p.consent_matching:
                by_cadre.setdefault(p.cadre, []).append(i)
        self.by_cadre = {k: np.asarray(v, dtype=np.int64) for k, v in by_cadre.items()}
        self.accepts = {
            mode: np.array([mode in p.modes for p in ps], dtype=bool)
            for mode in sorted({o.mode for o in self.openings})
        }
        self.p_specialty, self.p_specialties = _codes(p.specialty for p in ps)

    def _encode_openings(self) -> None:
        os_, ci, li = self.openings, self.country_index, self.language_index
        self.o_start = np.array([o.start.toordinal() for o in os_], dtype=np.int64)
        self.o_end = np.array([o.end.toordinal() for o in os_], dtype=np.int64)
        self.o_country = np.array([ci[o.country] for o in os_], dtype=np.int64)
        self.o_language = np.array(
            [li[o.language] if o.language and o.language_level > 0 else -1 for o in os_],
            dtype=np.int64,
        )
        self.o_level = np.array(
            [o.language_level if o.language and o.language_level > 0 else 0 for o in os_],
            dtype=np.int64,
        )
        self.o_specialty, self.o_specialties = _codes(o.specialty for o in os_)

    def groups(self) -> Iterator[tuple[tuple[str, str, int, int, int], I64]]:
        """Yield (cadre, mode, licence country, language, level) and the openings of each."""
        found: dict[tuple[str, str, int, int, int], list[int]] = {}
        for j, o in enumerate(self.openings):
            licence = self.country_index[o.country] if o.licence_required else -1
            key = (o.cadre, o.mode, licence, int(self.o_language[j]), int(self.o_level[j]))
            found.setdefault(key, []).append(j)
        for key in sorted(found):
            yield key, np.asarray(found[key], dtype=np.int64)

    def eligible(self, key: tuple[str, str, int, int, int], first_start: int) -> I64:
        """Return the professionals a group's openings may pair with (all but the dates)."""
        cadre, mode, licence, language, level = key
        rows: I64 = self.by_cadre.get(cadre, np.empty(0, dtype=np.int64))
        rows = rows[self.accepts[mode][rows]]
        if language >= 0:
            rows = rows[self.p_level[rows, language] >= level]
        if licence >= 0:
            rows = rows[self.p_licence[rows, licence] >= first_start]
        return rows


def _codes(texts: Iterable[str]) -> tuple[I64, list[str]]:
    """Return integer codes of the texts and the distinct texts (in order of appearance)."""
    index: dict[str, int] = {}
    codes = [index.setdefault(t, len(index)) for t in texts]
    return np.asarray(codes, dtype=np.int64), list(index)


def _prefix_pairs(counts: I64, starts: I64) -> tuple[I64, I64]:
    """Expand per-item prefixes: item k gets positions 0 … counts[k]−1 (vectorised)."""
    total = int(counts.sum())
    item = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    position = np.arange(total, dtype=np.int64) - offsets[item]
    return starts[item], position


def _group_pairs(t: _Table, key: tuple[str, str, int, int, int], group: I64) -> list[I64]:
    """Return the feasible (profile, opening) pairs of one group, as [profiles, openings]."""
    rows = t.eligible(key, int(t.o_start[group].min()))
    if rows.size == 0:
        return []
    rows = rows[np.argsort(t.p_from[rows], kind="stable")]
    begins = t.p_from[rows]
    counts = np.searchsorted(begins, t.o_end[group], side="right").astype(np.int64)
    licence = key[2]
    out_p: list[I64] = []
    out_o: list[I64] = []
    bounds = np.cumsum(counts)
    lo = 0
    while lo < group.size:
        # the largest run of openings whose prefixes fit in one chunk (at least one)
        base = int(bounds[lo] - counts[lo])
        hi = max(lo + 1, int(np.searchsorted(bounds, base + _CHUNK, side="right")))
        opening, position = _prefix_pairs(counts[lo:hi], group[lo:hi])
        profile = rows[position]
        start = t.o_start[opening]
        keep = t.p_to[profile] >= start
        if licence >= 0:
            keep &= t.p_licence[profile, licence] >= start
        out_p.append(profile[keep])
        out_o.append(opening[keep])
        lo = hi
    return [np.concatenate(out_p), np.concatenate(out_o)]


def _specialty(t: _Table, profile: I64, opening: I64) -> F64:
    """Return the specialty points of each pair (computed once per distinct text pair)."""
    width = len(t.o_specialties)
    combo = t.p_specialty[profile] * width + t.o_specialty[opening]
    if len(t.p_specialties) * width <= _TABLE_LIMIT:
        distinct = np.arange(len(t.p_specialties) * width, dtype=np.int64)
        inverse = combo
    else:
        distinct, inverse = np.unique(combo, return_inverse=True)
    table = np.array(
        [
            specialty_points(t.o_specialties[int(c) % width], t.p_specialties[int(c) // width])
            for c in distinct
        ],
        dtype=np.float64,
    )
    return table[inverse.reshape(-1)] if distinct.size else np.zeros(0, dtype=np.float64)


def _points(t: _Table, profile: I64, opening: I64) -> F64:
    """Return the points of each pair, one column per component (order of WEIGHTS)."""
    points = np.empty((profile.size, len(WEIGHTS)), dtype=np.float64, order="F")  # by column
    points[:, 0] = _specialty(t, profile, opening)
    language = t.o_language[opening]
    asked = language >= 0
    required = t.o_level[opening][asked]
    held = t.p_level[profile[asked], language[asked]]
    extra = np.maximum(0, held - required)
    room = np.maximum(1, CEFR["NATIVE"] - required)
    points[:, 1] = 1.0
    points[asked, 1] = 0.5 + 0.5 * np.minimum(1.0, extra / room)
    points[:, 2] = t.p_experience[profile]
    country = t.o_country[opening]
    points[:, 3] = (t.p_origin[profile] == country).astype(np.float64)
    fits = ~t.p_any_preference[profile] | t.p_prefers[profile, country]
    points[:, 4] = fits.astype(np.float64)
    return points


def weighted_sum(points: F64) -> F64:
    """Return Σ weight × points per row, in the order and arithmetic of the scalar score."""
    total = np.zeros(points.shape[0], dtype=np.float64)
    for k, weight in enumerate(WEIGHTS.values()):
        total = total + weight * points[:, k]
    return total


def feasible_pairs(candidates: Iterable[Candidate], openings: Iterable[Opening]) -> Pairs:
    """Return every feasible pair with its points and score, by opportunity then profile id.

    Equal to filtering all pairs with :func:`hrh.diaspora.rules.failures` (tested on random
    instances), but only the pairs of matching blocks are ever compared.
    """
    t = _Table(
        tuple(sorted(candidates, key=lambda p: p.id)),
        tuple(sorted(openings, key=lambda o: o.id)),
    )
    parts_p: list[I64] = [np.empty(0, dtype=np.int64)]
    parts_o: list[I64] = [np.empty(0, dtype=np.int64)]
    for key, group in t.groups():
        found = _group_pairs(t, key, group)
        if found:
            parts_p.append(found[0])
            parts_o.append(found[1])
    # one sort of unique integer keys puts the pairs in (opportunity, professional) order
    width = max(1, len(t.profiles))
    keys = np.sort(np.concatenate(parts_o) * width + np.concatenate(parts_p))
    opening, profile = np.divmod(keys, width)
    points = _points(t, profile, opening)
    return Pairs(t.profiles, t.openings, profile, opening, points, weighted_sum(points))
