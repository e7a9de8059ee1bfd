"""Read queries returning plain rows and domain records. Never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hrh.domain.records import Country
from hrh.store import tables as t


def load_countries(session: Session) -> list[Country]:
    """Return every stored country, ordered by ISO3."""
    rows = session.scalars(select(t.Country).order_by(t.Country.iso3))
    return [
        Country(
            r.iso3, r.iso2, r.m49, r.name, r.who_region, r.who_member, r.wb_income, r.wb_region
        )
        for r in rows
    ]


def load_aliases(session: Session) -> dict[str, str]:
    """Return alias → ISO3."""
    return {a: i for a, i in session.execute(select(t.CountryAlias.alias, t.CountryAlias.iso3))}


def load_aggregates(session: Session) -> dict[str, str]:
    """Return aggregate code → name."""
    return {c: n for c, n in session.execute(select(t.Aggregate.code, t.Aggregate.name))}
