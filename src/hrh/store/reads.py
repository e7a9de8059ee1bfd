"""Read queries returning plain rows and domain records. Never commit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.domain.records import Country, StoredSource
from hrh.store import tables as t


def load_countries(session: Session) -> list[Country]:
    """Return every stored country, ordered by ISO3."""
    c = t.Country  # plain rows, not ORM objects: every page reads this list, several times
    rows = session.execute(
        select(
            c.iso3, c.iso2, c.m49, c.name, c.who_region, c.who_member, c.wb_income, c.wb_region
        ).order_by(c.iso3)
    )
    return [Country(*r) for r in rows]


def load_aliases(session: Session) -> dict[str, str]:
    """Return alias → ISO3."""
    return {
        str(a): str(i)
        for a, i in session.execute(select(t.CountryAlias.alias, t.CountryAlias.iso3)).all()
    }


def load_aggregates(session: Session) -> dict[str, str]:
    """Return aggregate code → name."""
    return {
        str(c): str(n) for c, n in session.execute(select(t.Aggregate.code, t.Aggregate.name)).all()
    }


def list_sources(session: Session) -> list[StoredSource]:
    """Return every source vintage, oldest release first (the order that ranks vintages)."""
    rows = session.scalars(select(t.Source))
    out = [
        StoredSource(
            r.id,
            r.key,
            r.vintage,
            r.publisher,
            r.title,
            r.url,
            r.licence,
            r.released,
            r.imported_at.isoformat(),
        )
        for r in rows
    ]
    return sorted(out, key=lambda s: (s.released or s.imported_at[:10], s.id))


@dataclass(frozen=True, slots=True)
class StockRow:
    """A stored stock value with its source id."""

    country: str
    cadre: str
    year: int
    measure: str
    value: float
    source_id: int


def stock_rows(
    session: Session,
    *,
    countries: Collection[str] | None = None,
    cadres: Collection[str] | None = None,
    measures: Collection[str] | None = None,
    basis: str = "all",
    sex: str = "T",
    age_band: str = "total",
) -> list[StockRow]:
    """Return stock values for the filters, ordered by country, cadre, measure and year."""
    w = t.WorkforceStock
    q = select(w.country, w.cadre, w.year, w.measure, w.value, w.source_id).where(
        w.basis == basis, w.sex == sex, w.age_band == age_band
    )
    if countries is not None:
        q = q.where(w.country.in_(list(countries)))
    if cadres is not None:
        q = q.where(w.cadre.in_(list(cadres)))
    if measures is not None:
        q = q.where(w.measure.in_(list(measures)))
    q = q.order_by(w.country, w.cadre, w.measure, w.year, w.source_id)
    return [StockRow(c, k, y, m, v, s) for c, k, y, m, v, s in session.execute(q)]


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """A stored population total with its variant and source id."""

    country: str
    year: int
    variant: str
    value: float
    source_id: int


def population_totals(
    session: Session, countries: Collection[str] | None = None
) -> list[PopulationRow]:
    """Return total population (both sexes, all ages) estimates and median projections."""
    p = t.Population
    q = select(p.country, p.year, p.variant, p.value, p.source_id).where(
        p.sex == "T", p.age_band == "total", p.variant.in_(["estimate", "median"])
    )
    if countries is not None:
        q = q.where(p.country.in_(list(countries)))
    rows = session.execute(q.order_by(p.country, p.year))
    return [PopulationRow(c, y, var, v, s) for c, y, var, v, s in rows]


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """A stored UHC service coverage index value."""

    country: str
    year: int
    value: float
    source_id: int


def coverage_rows(session: Session, countries: Collection[str] | None = None) -> list[CoverageRow]:
    """Return UHC service coverage index values."""
    c = t.CoverageIndex
    q = select(c.country, c.year, c.value, c.source_id)
    if countries is not None:
        q = q.where(c.country.in_(list(countries)))
    rows = session.execute(q.order_by(c.country, c.year))
    return [CoverageRow(i, y, v, s) for i, y, v, s in rows]


@dataclass(frozen=True, slots=True)
class EconomicRow:
    """A stored country-level economic figure."""

    country: str
    measure: str
    year: int
    value: float
    source_id: int


def economic_rows(session: Session, country: str, measure: str) -> list[EconomicRow]:
    """Return one country's stored values of ``measure``, oldest year first."""
    e = t.EconomicValue
    q = select(e.country, e.measure, e.year, e.value, e.source_id).where(
        e.country == country, e.measure == measure
    )
    rows = session.execute(q.order_by(e.year, e.source_id))
    return [EconomicRow(c, m, y, v, s) for c, m, y, v, s in rows]


@dataclass(frozen=True, slots=True)
class FlowRow:
    """A stored bilateral figure."""

    origin: str
    destination: str
    cadre: str
    year: int
    kind: str
    basis: str
    value: float
    source_id: int


def flow_rows(
    session: Session,
    *,
    origin: str | None = None,
    destination: str | None = None,
    cadres: Collection[str] | None = None,
    year: int | None = None,
    kind: str = "stock_abroad",
) -> list[FlowRow]:
    """Return bilateral figures for the filters."""
    f = t.MigrationFlow
    q = select(
        f.origin, f.destination, f.cadre, f.year, f.kind, f.basis, f.value, f.source_id
    ).where(f.kind == kind)
    if origin:
        q = q.where(f.origin == origin)
    if destination:
        q = q.where(f.destination == destination)
    if cadres is not None:
        q = q.where(f.cadre.in_(list(cadres)))
    if year is not None:
        q = q.where(f.year == year)
    return [FlowRow(o, d, k, y, kd, b, v, s) for o, d, k, y, kd, b, v, s in session.execute(q)]


@dataclass(frozen=True, slots=True)
class SafeguardRow:
    """A country on a published safeguards list version."""

    version: str
    country: str
    grade: str
    source_id: int


def safeguard_rows(session: Session, version: str) -> list[SafeguardRow]:
    """Return the published list entries for ``version``."""
    s = t.SafeguardListEntry
    q = select(s.version, s.country, s.grade, s.source_id)
    rows = session.execute(q.where(s.version == version))
    return [SafeguardRow(v, c, g, i) for v, c, g, i in rows]


def imported_before(session: Session, fmt: str, sha256: str) -> bool:
    """Tell whether a file with this hash was imported successfully in this format."""
    log = t.ImportLog
    q = select(log.id).where(
        log.format == fmt, log.sha256 == sha256, log.status.in_(["imported", "unchanged"])
    )
    return session.scalar(q.limit(1)) is not None
