"""Workforce indicators: densities, the DNM aggregate, the SDG gap, migration shares.

Formulas follow ../DESIGN.md section 4. Every function is pure and returns
:class:`IndicatorValue` records that carry the year, the sources and the method used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hrh.errors import M_, Sentence, Text
from hrh.indicators.series import Series

SDG_THRESHOLD_PER_10K = 44.5


@dataclass(frozen=True)
class IndicatorValue:
    """An evaluated indicator.

    ``value`` is None when the inputs are missing; ``note`` then says which (in English, a
    :class:`~hrh.errors.Sentence` keeping its text for the pages).
    """

    id: str
    value: float | None
    unit: str
    year: int | None = None
    cadre: str | None = None
    sources: list[str] = field(default_factory=list)
    method: str = ""
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """Return the sources as one string."""
        return "; ".join(self.sources)


@dataclass(frozen=True, slots=True)
class DensityPoint:
    """A density for one year and how it was obtained."""

    year: int
    value: float
    method: str  # "published" or "computed"
    sources: tuple[str, ...]


def density_points(per_10k: Series, headcount: Series, population: Series) -> list[DensityPoint]:
    """Return densities per 10,000 for every year that has one.

    The published density wins where the source publishes one (WHO computes it with UN WPP
    population); otherwise headcount / population x 10,000.

    >>> from hrh.indicators.series import Point
    >>> d = density_points(Series.empty(), Series.from_points([Point(2020, 500, "h", 1)]),
    ...                    Series.from_points([Point(2020, 1_000_000, "p", 1)]))
    >>> d[0].value, d[0].method
    (5.0, 'computed')
    """
    out: dict[int, DensityPoint] = {}
    for year, hc in headcount.points.items():
        pop = population.at(year)
        if pop is not None and pop.value > 0:
            out[year] = DensityPoint(
                year, hc.value / pop.value * 10_000, "computed", (hc.source, pop.source)
            )
    for year, p in per_10k.points.items():
        out[year] = DensityPoint(year, p.value, "published", (p.source,))
    return [out[y] for y in sorted(out)]


def _latest(
    points: list[DensityPoint], until: int | None, since: int | None
) -> DensityPoint | None:
    for p in reversed(points):
        if until is not None and p.year > until:
            continue
        if since is not None and p.year < since:
            return None
        return p
    return None


def density_per_10k(
    cadre: str, points: list[DensityPoint], year: int | None, lookback: int
) -> IndicatorValue:
    """Return the cadre's density at ``year`` (the latest within the look-back window)."""
    since = None if year is None else year - lookback
    p = _latest(points, year, since)
    if p is None:
        return IndicatorValue(
            "density_per_10k",
            None,
            "per 10,000",
            cadre=cadre,
            note=_missing_note(
                M_("no density in the data"),
                M_("no density between %(start)s and %(end)s"),
                year,
                lookback,
            ),
        )
    return IndicatorValue(
        "density_per_10k", p.value, "per 10,000", p.year, cadre, list(p.sources), p.method
    )


def dnm_density(
    doctors: list[DensityPoint],
    nursing_midwifery: list[DensityPoint],
    year: int | None,
    lookback: int,
) -> IndicatorValue:
    """Return doctors + nurses and midwives per 10,000 for the latest year both exist.

    >>> a = [DensityPoint(2019, 2.0, "published", ("w",)),
    ...      DensityPoint(2020, 2.5, "published", ("w",))]
    >>> b = [DensityPoint(2019, 30.0, "published", ("w",))]
    >>> v = dnm_density(a, b, None, 7)
    >>> v.value, v.year
    (32.0, 2019)
    """
    by_year = {p.year: p for p in nursing_midwifery}
    since = None if year is None else year - lookback
    for d in reversed(doctors):
        if (year is not None and d.year > year) or (since is not None and d.year < since):
            continue
        n = by_year.get(d.year)
        if n is not None:
            methods = sorted({d.method, n.method})
            return IndicatorValue(
                "dnm_density_per_10k",
                d.value + n.value,
                "per 10,000",
                d.year,
                None,
                sorted(set(d.sources) | set(n.sources)),
                "+".join(methods),
                details={"medical_doctors": d.value, "nursing_midwifery": n.value},
            )
    return IndicatorValue(
        "dnm_density_per_10k",
        None,
        "per 10,000",
        note=_missing_note(
            M_("no doctor and nurse/midwife densities for a common year in the data"),
            M_(
                "no doctor and nurse/midwife densities for a common year "
                "between %(start)s and %(end)s"
            ),
            year,
            lookback,
        ),
    )


def sdg_threshold_gap(dnm: IndicatorValue, population: Series) -> IndicatorValue:
    """Return the workers missing to reach 44.5 DNM per 10,000: max(0, 44.5 − d) × pop / 10,000.

    >>> from hrh.indicators.series import Point
    >>> dnm = IndicatorValue("dnm_density_per_10k", 34.5, "per 10,000", 2020)
    >>> sdg_threshold_gap(dnm, Series.from_points([Point(2020, 1e6, "p", 1)])).value
    1000.0
    """
    if dnm.value is None or dnm.year is None:
        note = Text(M_("no DNM density")).sentence()
        return IndicatorValue("sdg_threshold_gap", None, "workers", note=note)
    pop = population.at(dnm.year)
    if pop is None:
        note = Text.of(M_("no population for %(year)s"), year=dnm.year).sentence()
        return IndicatorValue("sdg_threshold_gap", None, "workers", dnm.year, note=note)
    gap = max(0.0, SDG_THRESHOLD_PER_10K - dnm.value) * pop.value / 10_000
    return IndicatorValue(
        "sdg_threshold_gap",
        round(gap, 1),
        "workers",
        dnm.year,
        None,
        sorted(set(dnm.sources) | {pop.source}),
        "max(0, 44.5 − dnm) × population / 10,000",
        details={"threshold_per_10k": SDG_THRESHOLD_PER_10K, "population": pop.value},
    )


@dataclass(frozen=True, slots=True)
class Bilateral:
    """A stock abroad between one origin and one destination."""

    origin: str
    destination: str
    year: int
    value: float
    source: str


def foreign_trained_share(
    cadre: str,
    inflows_by_year: Mapping[int, list[Bilateral]],
    foreign_total: Series,
    total: Series,
    year: int | None,
    lookback: int,
) -> IndicatorValue:
    """Return foreign-trained stock / total stock for a destination.

    The foreign-trained stock is the destination's reported total where there is one, else
    the sum over the countries of training reported (stated in ``details``).
    """
    years = sorted(set(inflows_by_year) | set(foreign_total.years), reverse=True)
    for y in years:
        if year is not None and (y > year or y < year - lookback):
            continue
        tot = total.latest(until=y, since=y - 2)
        if tot is None:
            continue
        ft_point = foreign_total.at(y)
        flows = inflows_by_year.get(y, [])
        if ft_point is not None:
            ft, srcs, how = ft_point.value, [ft_point.source], "reported total foreign-trained"
        else:
            ft = sum(f.value for f in flows)
            srcs = sorted({f.source for f in flows})
            how = f"sum over {len(flows)} countries of training reported"
        return IndicatorValue(
            "foreign_trained_share",
            ft / tot.value if tot.value else None,
            "share",
            y,
            cadre,
            sorted(set(srcs) | {tot.source}),
            how,
            details={
                "foreign_trained": ft,
                "total": tot.value,
                "total_year": tot.year,
                "origins_reported": len(flows),
            },
        )
    return IndicatorValue(
        "foreign_trained_share",
        None,
        "share",
        cadre=cadre,
        note=Text(
            M_(
                "no foreign-trained stock with a total stock for the same period "
                "(OECD data cover OECD destinations only)"
            )
        ).sentence(),
    )


def emigration_rate(
    cadre: str,
    outflows: list[Bilateral],
    home: Series,
    year: int | None,
    lookback: int,
) -> IndicatorValue:
    """Return abroad / (abroad + at home) for an origin, over the destinations with data.

    For each destination the latest year (not after ``year``) is used; the home stock is
    taken at the latest of those years (within the look-back window).
    """
    latest: dict[str, Bilateral] = {}
    for f in outflows:
        if year is not None and (f.year > year or f.year < year - lookback):
            continue
        cur = latest.get(f.destination)
        if cur is None or f.year > cur.year:
            latest[f.destination] = f
    if not latest:
        return IndicatorValue(
            "emigration_rate",
            None,
            "share",
            cadre=cadre,
            note=Text(
                M_("no stock abroad recorded for this origin (OECD destinations only)")
            ).sentence(),
        )
    ref_year = max(f.year for f in latest.values())
    at_home = home.latest(until=ref_year, since=ref_year - lookback)
    if at_home is None:
        return IndicatorValue(
            "emigration_rate",
            None,
            "share",
            ref_year,
            cadre,
            note=Text.of(
                M_("no headcount at home within %(n)s years before %(year)s"),
                n=lookback,
                year=ref_year,
            ).sentence(),
        )
    abroad = sum(f.value for f in latest.values())
    covered = sorted(latest.values(), key=lambda f: (-f.value, f.destination))
    return IndicatorValue(
        "emigration_rate",
        abroad / (abroad + at_home.value),
        "share",
        ref_year,
        cadre,
        sorted({f.source for f in covered} | {at_home.source}),
        "abroad / (abroad + at home), by country of training",
        details={
            "abroad": abroad,
            "at_home": at_home.value,
            "at_home_year": at_home.year,
            "destinations_covered": [
                {"destination": f.destination, "year": f.year, "value": f.value} for f in covered
            ],
        },
    )


def _missing_note(anywhere: str, window: str, year: int | None, lookback: int) -> Sentence:
    """Say that nothing was found: ``anywhere`` (no year asked) or in ``window`` (a template)."""
    if year is None:
        return Text(anywhere).sentence()
    return Text.of(window, start=year - lookback, end=year).sentence()
