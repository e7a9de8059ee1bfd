"""Compliance scorecards: per agency, employer, source country and destination, year by year.

Each row holds the totals (records, records with at least one finding, findings, rate) and
the same figures per recruitment year (the trend). Agency and employer rows also carry the
organisation's ethical-recruiter status as it was in each year, from the listing periods of
the organisations registry (as it is now), and its status on a day (default: today, UTC).

Scope is the findings' scope: a recruiter's scorecards cover its own organisation only, and
the filter is in the query, so nothing about another organisation can be read or inferred.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hrh.domain.policy import Principal, require, scope_of
from hrh.domain.recruitment import Organisation
from hrh.errors import Invalid
from hrh.services.compliance_registry import OrganisationStatus, organisations_by_name, status_on
from hrh.services.context import AppContext
from hrh.store import compliance as store

SCORECARD_GROUPS = ("agency", "employer", "source", "destination")
ORGANISATION_GROUPS = ("agency", "employer")
#: An organisation's status in a year: ``listed`` (every day of it), ``partly_listed``,
#: ``not_listed`` or ``not_in_registry``.
YEAR_STATUSES = ("listed", "partly_listed", "not_listed", "not_in_registry")


@dataclass(frozen=True)
class YearScore:
    """One group's figures for one recruitment year, and (organisations) its status that year."""

    year: int
    records: int
    flagged_records: int
    findings: int
    rate: float
    status: OrganisationStatus | None = None


@dataclass(frozen=True)
class ScoreRow:
    """A scorecard line: totals, the yearly rate (``trend``) and the years in full.

    ``status``: an agency's or employer's ethical-recruiter status on the scorecard's day.
    """

    group: str
    records: int
    flagged_records: int
    findings: int
    rate: float
    trend: dict[int, float]
    years: tuple[YearScore, ...] = ()
    status: OrganisationStatus | None = None


def _rate(flagged: int, records: int) -> float:
    return round(flagged / records, 4) if records else 0.0


def status_in_year(org: Organisation | None, year: int, today: date) -> OrganisationStatus:
    """Return ``org``'s ethical-recruiter status over ``year`` (up to ``today`` in its year).

    >>> from hrh.domain.recruitment import Listing
    >>> o = Organisation("acme", "GBR", "agency", (Listing(date(2022, 7, 1), None, "NHS"),))
    >>> [status_in_year(o, y, date(2024, 5, 1)).status for y in (2021, 2022, 2023, 2024)]
    ['not_listed', 'partly_listed', 'listed', 'listed']
    """
    if org is None:
        return OrganisationStatus("not_in_registry", "")
    start = date(year, 1, 1)
    end = min(date(year, 12, 31), today) if year == today.year else date(year, 12, 31)
    days = (end - start).days + 1
    covered: set[date] = set()
    sources: list[str] = []
    for p in org.listings:
        lo = max(start, p.valid_from)
        hi = min(end, p.valid_to or end)
        if lo > hi:
            continue
        covered.update(lo + timedelta(n) for n in range((hi - lo).days + 1))
        if p.source not in sources:
            sources.append(p.source)
    if not covered:
        return OrganisationStatus("not_listed", org.source)
    status = "listed" if len(covered) >= days else "partly_listed"
    return OrganisationStatus(status, "; ".join(sources))


def scorecard(
    ctx: AppContext, principal: Principal, by: str, *, on: date | None = None
) -> list[ScoreRow]:
    """Return the scorecard per agency, employer, source (residence) country or destination.

    Raises:
        Invalid: an unknown ``by``. Forbidden / Unauthorized: the caller may not read records.
    """
    if by not in SCORECARD_GROUPS:
        raise Invalid(f"Unknown scorecard {by!r}.", hint="Use " + "|".join(SCORECARD_GROUPS))
    require(principal, "recruitment.read")
    own = scope_of(principal, "recruitment.read") == "organisation"
    org = principal.organisation if own else None
    if own and not org:
        return []
    with ctx.unit() as s:
        cells = store.score_cells(s, by, org)
        orgs = organisations_by_name(s) if by in ORGANISATION_GROUPS else {}
    day = on or datetime.now(UTC).date()
    groups: dict[str, list[store.ScoreCell]] = defaultdict(list)
    for c in cells:
        groups[c.group].append(c)
    out = []
    for g, cs in sorted(groups.items()):
        is_org = by in ORGANISATION_GROUPS
        years = tuple(
            YearScore(
                c.year,
                c.records,
                c.flagged_records,
                c.findings,
                _rate(c.flagged_records, c.records),
                status_in_year(orgs.get(g), c.year, day) if is_org else None,
            )
            for c in sorted(cs, key=lambda c: c.year)
        )
        n = sum(y.records for y in years)
        flagged = sum(y.flagged_records for y in years)
        out.append(
            ScoreRow(
                g,
                n,
                flagged,
                sum(y.findings for y in years),
                _rate(flagged, n),
                {y.year: y.rate for y in years if y.records},
                years,
                status_on(orgs.get(g), day) if is_org else None,
            )
        )
    return out
