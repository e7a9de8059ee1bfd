"""Secondary suppression: no hidden count can be derived from published cells and totals."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.diaspora.disclosure import derivable, protect

K = 5

_tables = st.dictionaries(
    st.tuples(st.sampled_from("abcde"), st.sampled_from("vwxyz")),
    st.one_of(st.integers(1, 4), st.integers(5, 40)),
    max_size=14,
)


def _determined(
    cells: dict[tuple[str, str], int],
    hidden: frozenset[tuple[str, str]],
    hidden_rows: frozenset[str],
    hidden_cols: frozenset[str],
) -> list[tuple[str, str]]:
    """Hidden cells fixed by the published totals, by linear algebra (rank test)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return []
    equations = []
    for r in sorted({k[0] for k in cells} - hidden_rows):
        equations.append([1.0 if u[0] == r else 0.0 for u in unknowns])
    for c in sorted({k[1] for k in cells} - hidden_cols):
        equations.append([1.0 if u[1] == c else 0.0 for u in unknowns])
    a = np.array(equations).reshape(-1, len(unknowns))
    rank = np.linalg.matrix_rank(a) if a.size else 0
    out = []
    for k, u in enumerate(unknowns):
        unit = np.zeros((1, len(unknowns)))
        unit[0, k] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(u)
    return out


@settings(max_examples=400, deadline=None)
@given(_tables)
def test_no_suppressed_cell_is_derivable(cells: dict[tuple[str, str], int]) -> None:
    p = protect(cells, K)
    assert _determined(cells, p.suppressed, p.hidden_row_totals, p.hidden_column_totals) == []
    # every small cell and every small total is hidden
    assert {k for k, n in cells.items() if n < K} == set(p.primary)
    assert p.primary.isdisjoint(p.complementary)
    rows: dict[str, int] = {}
    cols: dict[str, int] = {}
    for (r, c), n in cells.items():
        rows[r] = rows.get(r, 0) + n
        cols[c] = cols.get(c, 0) + n
    assert {r for r, n in rows.items() if n < K} <= p.hidden_row_totals
    assert {c for c, n in cols.items() if n < K} <= p.hidden_column_totals


@settings(max_examples=200, deadline=None)
@given(_tables)
def test_the_bridge_rule_agrees_with_linear_algebra(cells: dict[tuple[str, str], int]) -> None:
    hidden = frozenset(k for k, n in cells.items() if n < K)
    rows = frozenset(
        r for r in {k[0] for k in cells} if sum(n for k, n in cells.items() if k[0] == r) < K
    )
    open_lines: set[tuple[str, object]] = {("row", r) for r in rows}
    assert derivable(hidden, open_lines) == _determined(cells, hidden, rows, frozenset())


@settings(max_examples=100, deadline=None)
@given(_tables, st.integers(0, 2**32 - 1))
def test_the_same_cells_are_hidden_in_any_order(
    cells: dict[tuple[str, str], int], seed: int
) -> None:
    items = list(cells.items())
    random.Random(seed).shuffle(items)
    assert protect(dict(items), K) == protect(cells, K)


def test_a_lone_small_cell_in_a_row_takes_a_complement() -> None:
    cells = {("GHA", "GBR"): 3, ("GHA", "USA"): 12, ("NGA", "GBR"): 20, ("NGA", "USA"): 30}
    p = protect(cells, K)
    assert p.primary == {("GHA", "GBR")}
    # a whole cycle is needed: GHA's row, GBR's column, and the cell closing both
    assert p.complementary == {("GHA", "USA"), ("NGA", "GBR"), ("NGA", "USA")}
    assert not p.hidden_row_totals and not p.hidden_column_totals


def test_nothing_small_nothing_hidden() -> None:
    cells = {("a", "x"): 5, ("a", "y"): 9, ("b", "x"): 7}
    p = protect(cells, K)
    assert p.suppressed == frozenset()
    assert not p.hidden_row_totals and not p.hidden_column_totals


def test_two_small_cells_on_a_cycle_protect_each_other() -> None:
    cells = {
        ("a", "x"): 2,
        ("a", "y"): 3,
        ("b", "x"): 3,
        ("b", "y"): 2,
        ("a", "z"): 50,
        ("b", "z"): 60,
    }
    p = protect(cells, K)
    assert p.suppressed == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    assert p.complementary == frozenset()
