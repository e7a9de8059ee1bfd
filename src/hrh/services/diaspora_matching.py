"""Opportunities, explained matching and the public statistics of the diaspora registry.

Programme officers see and post opportunities only in their countries. The assignment is
always solved over all open opportunities (so every officer sees the same optimum) and
then filtered to what the caller may see. Matching shows pseudonymous profile ids only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.diaspora.disclosure import protect
from hrh.diaspora.matching import Candidate, Explanation, MatchResult, Opening, assign, score_pairs
from hrh.domain.policy import Principal, require, scope_of
from hrh.errors import M_, Conflict, NotFound, Problem
from hrh.ingest import diaspora as reader
from hrh.ingest.diaspora import OpportunityRow
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.services.diaspora import known_countries, to_candidate
from hrh.store import diaspora as store
from hrh.store.tables_diaspora import DiasporaOpportunity

#: Published cells smaller than this are suppressed.
MIN_CELL = 5


@dataclass(frozen=True)
class OpportunityView:
    """An opportunity as listed to programme officers."""

    opportunity_id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: str
    end: str
    language: str
    language_level: int
    licence_required: bool
    slots: int
    support: str
    status: str


def _view(o: DiasporaOpportunity) -> OpportunityView:
    return OpportunityView(
        o.opportunity_id,
        o.country,
        o.facility,
        o.cadre,
        o.specialty,
        o.mode,
        o.starts_on.isoformat(),
        o.ends_on.isoformat(),
        o.language,
        o.language_level,
        o.licence_required,
        o.slots,
        o.support,
        o.status,
    )


def _row(r: OpportunityRow, principal: Principal, now: datetime) -> DiasporaOpportunity:
    return DiasporaOpportunity(
        opportunity_id=r.opportunity_id,
        country=r.country,
        facility=r.facility,
        cadre=r.cadre,
        specialty=r.specialty,
        mode=r.mode,
        starts_on=r.start,
        ends_on=r.end,
        language=r.language,
        language_level=r.language_level,
        licence_required=r.licence_required,
        slots=r.slots,
        support=r.support,
        status="open",
        extra=json.dumps(r.extra, sort_keys=True) if r.extra else "",
        created_by=principal.label,
        created_at=now,
    )


def _store_all(s: Session, principal: Principal, rows: list[OpportunityRow], file: str) -> None:
    for r in rows:
        require(principal, "opportunities.write", country=r.country)
    taken = store.existing_opportunity_ids(s, (r.opportunity_id for r in rows))
    if taken:
        raise Conflict(
            f"{file}: {len(taken)} opportunity id(s) already used; nothing imported.",
            problems=[
                Problem(file, r.line, "opportunity_id", r.opportunity_id, "a new id")
                for r in rows
                if r.opportunity_id in taken
            ],
        )
    now = datetime.now(UTC)
    for r in rows:
        store.add_opportunity(s, _row(r, principal, now))


def import_opportunities(ctx: AppContext, principal: Principal, path: Path) -> int:
    """Import an opportunities CSV atomically; return how many were stored."""
    require(principal, "opportunities.write")
    with ctx.unit() as s:
        rows = reader.read_opportunities(path, known_countries(s))
        _store_all(s, principal, rows, path.name)
        audit.record(
            s,
            principal,
            "opportunities.import",
            f"file:{path.name}",
            {"rows": len(rows), "ids": [r.opportunity_id for r in rows][:100]},
        )
    return len(rows)


def add_opportunity(
    ctx: AppContext, principal: Principal, cells: dict[str, str]
) -> OpportunityView:
    """Post one opportunity (cells as in the CSV template)."""
    require(principal, "opportunities.write")
    with ctx.unit() as s:
        r = reader.parse_opportunity(cells, known_countries(s), "opportunity")
        _store_all(s, principal, [r], "opportunity")
        audit.record(s, principal, "opportunities.write", f"opportunity:{r.opportunity_id}", {})
        row = store.get_opportunity(s, r.opportunity_id)
        assert row is not None
        return _view(row)


def _visible(principal: Principal, action: str) -> frozenset[str] | None:
    """Return the countries the caller is limited to (None: all)."""
    return principal.countries if scope_of(principal, action) == "countries" else None


def list_opportunities(ctx: AppContext, principal: Principal) -> list[OpportunityView]:
    """Return the open opportunities the caller may see."""
    require(principal, "opportunities.read")
    with ctx.unit() as s:
        return [
            _view(o) for o in store.list_opportunities(s, _visible(principal, "opportunities.read"))
        ]


def to_opening(o: DiasporaOpportunity) -> Opening:
    """Return the matching core's view of a stored opportunity."""
    return Opening(
        o.opportunity_id,
        o.country,
        o.facility,
        o.cadre,
        o.specialty,
        o.mode,
        o.starts_on,
        o.ends_on,
        o.language,
        o.language_level,
        o.licence_required,
        o.slots,
    )


def _inputs(
    s: Session, principal: Principal, opportunity_id: str | None
) -> tuple[list[Opening], set[str]]:
    """Return every open opportunity and the ids the caller may see."""
    allowed = _visible(principal, "matches.read")
    openings = [to_opening(o) for o in store.list_opportunities(s)]
    shown = {o.id for o in openings if allowed is None or o.country in allowed}
    if opportunity_id is not None:
        if opportunity_id not in shown:
            raise NotFound.of(
                M_("No open opportunity %(id)s in your countries."), id=repr(opportunity_id)
            )
        shown = {opportunity_id}
    return openings, shown


def _candidates(s: Session) -> list[Candidate]:
    consents = store.current_consents(s)
    return [to_candidate(p, consents.get(p.id, {})) for p in store.list_profiles(s)]


def scores(
    ctx: AppContext, principal: Principal, opportunity_id: str | None = None
) -> list[Explanation]:
    """Return every feasible pair (for the caller's opportunities) with explained scores."""
    require(principal, "matches.read")
    with ctx.unit() as s:
        openings, shown = _inputs(s, principal, opportunity_id)
        pairs = score_pairs(_candidates(s), [o for o in openings if o.id in shown])
    return pairs


def match(ctx: AppContext, principal: Principal, opportunity_id: str | None = None) -> MatchResult:
    """Return the optimal assignment over all open opportunities, limited to the caller's."""
    require(principal, "matches.read")
    with ctx.unit() as s:
        openings, shown = _inputs(s, principal, opportunity_id)
        result = assign(_candidates(s), openings)
    kept = tuple(a for a in result.assignments if a.opportunity_id in shown)
    return MatchResult(kept, sum(a.score for a in kept))


@dataclass(frozen=True)
class StatCell:
    """Registered professionals in one origin × cadre × residence cell (None: suppressed)."""

    origin: str
    cadre: str
    residence: str
    count: int | None
    suppressed: bool


@dataclass(frozen=True)
class Statistics:
    """Published counts, with cells under ``min_cell`` suppressed."""

    min_cell: int
    cells: list[StatCell]


def statistics(ctx: AppContext, principal: Principal) -> Statistics:
    """Return counts of professionals who consented to anonymous statistics.

    Profiles erased later stay counted through de-identified tallies, so erasure does not
    change published figures. Cells under ``MIN_CELL`` are suppressed, and so are
    complementary cells, so that no suppressed count can be derived from the others and the
    totals by origin × cadre (rows) and by residence (columns)
    (:func:`hrh.diaspora.disclosure.protect`).
    """
    require(principal, "aggregates.read")
    with ctx.unit() as s:
        counts = raw_counts(s)
    table = {((o, c), r): n for (o, c, r), n in counts.items()}
    hidden = protect(table, MIN_CELL).suppressed
    cells = [
        StatCell(o, c, r, None if ((o, c), r) in hidden else n, ((o, c), r) in hidden)
        for (o, c, r), n in sorted(counts.items())
    ]
    return Statistics(MIN_CELL, cells)


def raw_counts(s: Session) -> dict[tuple[str, str, str], int]:
    """Return unsuppressed counts per cell (for services only, never published as is)."""
    consents = store.current_consents(s)
    counts: dict[tuple[str, str, str], int] = {}
    for p in store.list_profiles(s):
        if consents.get(p.id, {}).get("statistics", False):
            key = (p.origin, p.cadre, p.residence)
            counts[key] = counts.get(key, 0) + 1
    for o, c, r, n in store.tallies(s):
        counts[(o, c, r)] = counts.get((o, c, r), 0) + n
    return counts
