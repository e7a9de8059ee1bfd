"""Small-cell suppression for published counts: primary and secondary (complementary).

A two-way table of counts is published with its row and column totals. Primary
suppression hides every cell under ``min_cell`` (a zero is published: it is what an absent
cell says anyway). That is not enough: a row with a single hidden cell gives it away by
subtraction from the row total, and longer chains (row, then column, then row …) do the
same. Secondary suppression hides more cells until none can be derived.

When is a hidden cell derivable? Take the bipartite graph whose nodes are the rows and
columns and whose edges are the hidden cells. The published totals are one equation per
node; two solutions of these equations differ by an alternating sum around a cycle. So a
hidden cell's value is fixed exactly when its edge lies on no cycle, i.e. it is a *bridge*.
A line whose total is itself hidden (a total under ``min_cell``) gives no equation: such
lines are merged into one node, since values can then shift along a path between them.

Complementary cells are chosen greedily, smallest first (ties by key, so the result does
not depend on input order): for the first derivable hidden cell, the smallest published
cell that closes a cycle through it, else the smallest cell in its row or column (a step
towards one); when its lines hold no published cell, its row total
(else its column total) is hidden too. This repeats until no hidden cell is derivable.

>>> cells = {("GHA", "GBR"): 3, ("GHA", "USA"): 12, ("NGA", "GBR"): 20, ("NGA", "USA"): 30}
>>> sorted(protect(cells, 5).suppressed)
[('GHA', 'GBR'), ('GHA', 'USA'), ('NGA', 'GBR'), ('NGA', 'USA')]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

_MERGED = ("*", "lines without a published total")


@dataclass(frozen=True)
class Protection(Generic[R, C]):
    """Which cells and totals to hide, and why."""

    primary: frozenset[tuple[R, C]]
    complementary: frozenset[tuple[R, C]]
    hidden_row_totals: frozenset[R]
    hidden_column_totals: frozenset[C]

    @property
    def suppressed(self) -> frozenset[tuple[R, C]]:
        """Every hidden cell (primary and complementary)."""
        return self.primary | self.complementary


def _node(kind: str, key: object, open_lines: set[tuple[str, object]]) -> tuple[str, object]:
    return _MERGED if (kind, key) in open_lines else (kind, key)


def derivable(
    hidden: frozenset[tuple[R, C]] | set[tuple[R, C]],
    open_lines: set[tuple[str, object]],
) -> list[tuple[R, C]]:
    """Return the hidden cells that the published totals fix exactly (bridges), sorted.

    ``open_lines`` holds ``("row", key)`` and ``("column", key)`` for lines whose total is
    not published.
    """
    return [e for e in sorted(hidden, key=repr) if _fixed(e, hidden, open_lines)]


def _fixed(
    cell: tuple[R, C],
    hidden: frozenset[tuple[R, C]] | set[tuple[R, C]],
    open_lines: set[tuple[str, object]],
) -> bool:
    """Tell whether a hidden cell lies on no cycle of the hidden cells' graph."""
    a, b = _node("row", cell[0], open_lines), _node("column", cell[1], open_lines)
    if a == b:  # both lines unpublished: a loop on the merged node, never fixed
        return False
    adjacency: dict[tuple[str, object], list[tuple[str, object]]] = {}
    for r, c in hidden:
        if (r, c) != cell:
            x, y = _node("row", r, open_lines), _node("column", c, open_lines)
            adjacency.setdefault(x, []).append(y)
            adjacency.setdefault(y, []).append(x)
    return not _connected(adjacency, a, b)


def _connected(
    adjacency: dict[tuple[str, object], list[tuple[str, object]]],
    a: tuple[str, object],
    b: tuple[str, object],
) -> bool:
    seen, stack = {a}, [a]
    while stack:
        x = stack.pop()
        if x == b:
            return True
        for y in adjacency.get(x, ()):
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return False


def protect(cells: Mapping[tuple[R, C], int], min_cell: int) -> Protection[R, C]:
    """Return the cells (and totals) to hide so that no hidden count can be derived.

    Args:
        cells: the counts of a two-way table, keyed by (row, column); absent cells are 0.
        min_cell: cells with ``0 < count < min_cell`` are hidden (primary suppression).
    """
    rows: dict[R, int] = {}
    cols: dict[C, int] = {}
    for (r, c), n in cells.items():
        rows[r] = rows.get(r, 0) + n
        cols[c] = cols.get(c, 0) + n
    hidden_rows = frozenset(r for r, n in rows.items() if 0 < n < min_cell)
    hidden_cols = frozenset(c for c, n in cols.items() if 0 < n < min_cell)
    open_lines: set[tuple[str, object]] = {("row", r) for r in hidden_rows}
    open_lines |= {("column", c) for c in hidden_cols}
    primary = frozenset(k for k, n in cells.items() if 0 < n < min_cell)
    hidden = set(primary)
    order = sorted((n, repr(k), k) for k, n in cells.items() if n > 0)
    while True:
        exposed = derivable(hidden, open_lines)
        if not exposed:
            break
        r, c = exposed[0]
        cell = _complement(r, c, order, hidden, open_lines)
        if cell is not None:
            hidden.add(cell)
        elif ("row", r) not in open_lines:
            open_lines.add(("row", r))
        else:
            open_lines.add(("column", c))
    return Protection(
        primary,
        frozenset(hidden - primary),
        frozenset(k for kind, k in open_lines if kind == "row"),  # type: ignore[misc]
        frozenset(k for kind, k in open_lines if kind == "column"),  # type: ignore[misc]
    )


def _complement(
    r: R,
    c: C,
    order: list[tuple[int, str, tuple[R, C]]],
    hidden: set[tuple[R, C]],
    open_lines: set[tuple[str, object]],
) -> tuple[R, C] | None:
    """Return the published cell to hide next for the exposed cell (r, c), if any.

    The smallest cell that protects it at once (one that closes a cycle through it), else
    the smallest cell in its row or column (a step towards a cycle); None when its lines
    hold no published cell.
    """
    for _, _, k in order:
        if k not in hidden and not _fixed((r, c), hidden | {k}, open_lines):
            return k
    line = [k for _, _, k in order if k not in hidden and (k[0] == r or k[1] == c)]
    return line[0] if line else None
