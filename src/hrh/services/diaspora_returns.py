"""Permanent returns (incentives, bonding) and the published figures of the assignments.

Returns are recorded by the officers of the country returned to. The published figures
count assignments that were confirmed (confirmed, started or completed) and the hours of
virtual return reported in outcomes, by country × cadre × mode; a cell with fewer than
:data:`~hrh.services.diaspora_matching.MIN_CELL` assignments is suppressed, hours included,
and so are complementary cells, so that no suppressed count can be derived from the others
and the totals by country × cadre or by mode (:func:`hrh.diaspora.disclosure.protect`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hrh.diaspora.disclosure import protect
from hrh.diaspora.workflow import HOLDS_SLOT, PermanentReturn, check_return
from hrh.domain.policy import Principal, require, scope_of
from hrh.errors import Invalid, NotFound
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.services.diaspora import iso_utc, known_countries
from hrh.services.diaspora_matching import MIN_CELL
from hrh.store import diaspora as profiles
from hrh.store import diaspora_assignments as store
from hrh.store.tables_diaspora_workflow import DiasporaReturn


@dataclass(frozen=True)
class IncentiveView:
    """One incentive received."""

    kind: str
    amount: float | None
    currency: str


@dataclass(frozen=True)
class ReturnView:
    """A permanent return as officers of its country see it."""

    return_id: int
    profile_id: str | None  # None once the person has been erased
    country: str
    cadre: str
    returned_on: str
    incentives: list[IncentiveView]
    bonding_months: int | None
    bonding_until: str | None
    recorded_at: str


def record_return(
    ctx: AppContext, principal: Principal, profile_id: str, r: PermanentReturn
) -> ReturnView:
    """Record a professional's permanent return home (officers of that country, admins)."""
    require(principal, "returns.write")
    check_return(r)
    require(principal, "returns.write", country=r.country)
    with ctx.unit() as s:
        if r.country not in known_countries(s):
            raise Invalid(f"Unknown country {r.country!r}: expected an ISO3 code such as GHA.")
        p = profiles.get_profile(s, profile_id)
        if p is None:
            raise NotFound(f"No profile {profile_id!r}.")
        row = store.add_return(
            s,
            DiasporaReturn(
                profile_pk=p.id,
                country=r.country,
                cadre=p.cadre,
                returned_on=r.returned_on,
                bonding_months=r.bonding_months,
                bonding_until=r.bonding_until,
                recorded_by=principal.label,
                recorded_at=datetime.now(UTC),
            ),
            [(i.kind.strip(), i.amount, i.currency.upper()) for i in r.incentives],
        )
        detail = {
            "country": r.country,
            "incentives": len(r.incentives),
            "bonding_months": r.bonding_months,
        }
        audit.record(s, principal, "returns.write", f"profile:{p.profile_id}", detail)
        key = row.id
    return next(v for v in list_returns(ctx, principal) if v.return_id == key)


def list_returns(ctx: AppContext, principal: Principal) -> list[ReturnView]:
    """Return the permanent returns the caller may see (officers: to their countries)."""
    require(principal, "returns.read")
    limited = scope_of(principal, "returns.read") == "countries"
    with ctx.unit() as s:
        rows = store.returns(s, principal.countries if limited else None)
        return [
            ReturnView(
                return_id=r.id,
                profile_id=p.profile_id if p is not None else None,
                country=r.country,
                cadre=r.cadre,
                returned_on=r.returned_on.isoformat(),
                incentives=[IncentiveView(i.kind, i.amount, i.currency) for i in incs],
                bonding_months=r.bonding_months,
                bonding_until=r.bonding_until.isoformat() if r.bonding_until else None,
                recorded_at=iso_utc(r.recorded_at),
            )
            for r, p, incs in rows
        ]


@dataclass(frozen=True)
class FigureCell:
    """Confirmed assignments and virtual hours in one cell (None: suppressed)."""

    country: str
    cadre: str
    mode: str
    assignments: int | None
    virtual_hours: float | None
    suppressed: bool


@dataclass(frozen=True)
class AssignmentFigures:
    """Published assignment figures, cells under ``min_cell`` assignments suppressed."""

    min_cell: int
    cells: list[FigureCell]


def figures(ctx: AppContext, principal: Principal) -> AssignmentFigures:
    """Return the public figures: assignments and hours of virtual return per cell."""
    require(principal, "aggregates.read")
    counts: dict[tuple[str, str, str], int] = {}
    hours: dict[tuple[str, str, str], float] = {}
    with ctx.unit() as s:
        for country, cadre, mode, status, h in store.figures(s):
            if status not in HOLDS_SLOT:
                continue
            key = (country, cadre, mode)
            counts[key] = counts.get(key, 0) + 1
            if mode == "virtual" and h is not None:
                hours[key] = hours.get(key, 0.0) + h
    table = {((country, cadre), mode): n for (country, cadre, mode), n in counts.items()}
    hidden = protect(table, MIN_CELL).suppressed
    cells = []
    for key, n in sorted(counts.items()):
        gone = ((key[0], key[1]), key[2]) in hidden
        virtual = round(hours.get(key, 0.0), 1) if key[2] == "virtual" else None
        cells.append(
            FigureCell(*key, None if gone else n, None if gone else virtual, suppressed=gone)
        )
    return AssignmentFigures(MIN_CELL, cells)
