"""Exact assignment on the sparse candidate graph: maximum total score under slot capacities.

Each opportunity with ``s`` slots and ``d`` feasible professionals becomes ``min(s, d)``
identical slot rows; each slot row also has its own "left empty" column. Every slot row is
then matched to exactly one column (a professional or its empty column), each professional
to at most one slot, and the total weight is maximised by the sparse Jonker–Volgenant
algorithm (LAPJVsp, :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`), which
only ever looks at the feasible pairs. Weights are ``score + 1`` for a professional and ``1``
for an empty slot (the solver wants non-zero weights; every slot row takes exactly one
column, so the shift adds the same constant to every solution). Connected parts of the
feasibility graph are independent problems: they are solved in batches of whole parts, which
bounds the memory of the solver's graph.

The graph is built from inputs sorted by id, and the solver is deterministic, so the same
pairs always give the same assignment, whatever the order of the original inputs.

>>> import numpy as np
>>> chosen = assign_pairs(np.array([0, 0, 1]), np.array([0, 1, 0]),
...                       np.array([0.9, 0.8, 0.7]), np.array([1, 1]))
>>> chosen.tolist()  # pair indices: 0 → 1 and 1 → 0 (total 1.5) beat 0 → 0 alone (0.9)
[1, 2]
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


#: Slot-row entries solved at once: connected parts are batched up to this size (a part is
#: never split), which bounds the memory of the solver's graph.
_BATCH_ENTRIES = 1 << 24


def assign_pairs(profile: I64, opening: I64, score: F64, slots: I64) -> I64:
    """Return the indices of the chosen pairs, in increasing order.

    Args:
        profile: the professional of each feasible pair (0 … n−1).
        opening: the opportunity of each pair (0 … m−1; ``slots`` has one entry each).
        score: the score of each pair (all positive).
        slots: the capacity of each opportunity (a negative one counts as 0).

    Each professional is in at most one chosen pair and each opportunity ``j`` in at most
    ``slots[j]``; the sum of the chosen scores is the largest possible. Connected parts of
    the graph are independent; they are solved in batches, in a fixed order.
    """
    if profile.size == 0:
        return np.empty(0, dtype=np.int64)
    n, m = int(profile.max()) + 1, int(slots.size)
    keys = opening * n + profile
    ordered = keys.size < 2 or bool(np.all(keys[1:] > keys[:-1]))
    by_key = np.arange(keys.size) if ordered else np.argsort(keys, kind="stable")
    degree = np.bincount(opening, minlength=m).astype(np.int64)
    copies = np.minimum(np.maximum(slots, 0), degree)
    graph = _Graph(profile[by_key], score[by_key], degree, copies, n)
    chosen = [graph.solve(batch) for batch in _batches(profile, opening, graph, m)]
    if not chosen:
        return np.empty(0, dtype=np.int64)
    at = np.searchsorted(keys[by_key], np.concatenate(chosen))
    return np.sort(by_key[at])


def _batches(profile: I64, opening: I64, g: _Graph, m: int) -> list[I64]:
    """Group the opportunities with slots by connected part, parts batched up to a size."""
    n = g.n
    adjacency = csr_matrix(
        (np.ones(profile.size, dtype=np.int8), (profile, opening + n)), shape=(n + m, n + m)
    )
    _, label = connected_components(adjacency, directed=False)
    part = label[n:]
    wanted = np.flatnonzero(g.copies)
    if wanted.size == 0:
        return []
    wanted = wanted[np.argsort(part[wanted], kind="stable")]
    size = g.copies[wanted] * (g.degree[wanted] + 1)
    # each part is a run of ``wanted``; a batch takes whole parts while it stays small
    cuts = np.flatnonzero(np.diff(part[wanted])) + 1
    bounds = [0, *cuts.tolist(), int(wanted.size)]
    ends = np.cumsum(size)
    out: list[I64] = []
    lo = 0
    for a, b in itertools.pairwise(bounds):
        taken = int(ends[a - 1] - (ends[lo - 1] if lo else 0)) if a > lo else 0
        whole = int(ends[b - 1] - (ends[a - 1] if a else 0))
        if taken and taken + whole > _BATCH_ENTRIES:
            out.append(wanted[lo:a])
            lo = a
    if wanted.size > lo:
        out.append(wanted[lo:])
    return out


class _Graph:
    """The feasible pairs by opportunity (then profile), and each opportunity's slot rows."""

    def __init__(self, profile: I64, score: F64, degree: I64, copies: I64, n: int) -> None:
        self.profile, self.score, self.degree, self.copies, self.n = (
            profile,
            score,
            degree,
            copies,
            n,
        )
        self.seg_end = np.cumsum(degree)
        self.seg_start = self.seg_end - degree

    def solve(self, openings: I64) -> I64:
        """Solve the slot rows of these opportunities; return the chosen pairs' keys."""
        n = self.n
        copies = self.copies[openings]
        row_opening = np.repeat(openings, copies)
        rows = row_opening.size
        row_length = self.degree[row_opening] + 1
        indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(row_length, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        data = np.empty(int(indptr[-1]), dtype=np.float64)
        first_row = np.cumsum(copies) - copies
        for j, c, r0 in zip(openings.tolist(), copies.tolist(), first_row.tolist(), strict=True):
            seg = slice(int(self.seg_start[j]), int(self.seg_end[j]))
            d = int(self.degree[j])
            block = slice(int(indptr[r0]), int(indptr[r0 + c]))
            cols = np.empty((c, d + 1), dtype=np.int32)
            cols[:, :d] = self.profile[seg]
            cols[:, d] = n + r0 + np.arange(c)
            weights = np.empty((c, d + 1), dtype=np.float64)
            weights[:, :d] = self.score[seg] + 1.0
            weights[:, d] = 1.0
            indices[block] = cols.ravel()
            data[block] = weights.ravel()
        graph = csr_matrix((data, indices, indptr), shape=(rows, n + rows))
        row_ind, col_ind = min_weight_full_bipartite_matching(graph, maximize=True)
        real = col_ind < n
        chosen: I64 = row_opening[row_ind[real]] * n + col_ind[real].astype(np.int64)
        return chosen
