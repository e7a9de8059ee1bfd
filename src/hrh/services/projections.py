"""Projections: read the stored data into the model's inputs, run scenarios, compare them.

The country axis holds the requested countries, the countries of training of the workers
abroad in them (so that their immigration is complete) and the destinations of everyone's
emigrants; the result reports the requested countries only. Without a request, every
country with a headcount in the look-back window is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from hrh.domain.codes import DNM_CADRES
from hrh.domain.policy import LOCAL_ADMIN, Principal, require
from hrh.domain.records import Country
from hrh.errors import M_, Invalid, NotFound
from hrh.indicators.series import Point
from hrh.indicators.workforce import Bilateral
from hrh.ingest.worker_registry import read_worker_registry
from hrh.params.projection import ParameterSet, load_projection_parameters
from hrh.projection.agents.registry import Registry
from hrh.projection.defaults import DEFAULT_FROM as DEFAULT_FROM
from hrh.projection.defaults import DEFAULT_REPLICATES as DEFAULT_REPLICATES
from hrh.projection.defaults import DEFAULT_UNTIL as DEFAULT_UNTIL
from hrh.projection.model import Corridors, Inputs
from hrh.projection.need import PopulationByAge
from hrh.projection.results import ProjectionComparison, ProjectionResult, compare
from hrh.projection.runner import MAX_REPLICATES, MODES, Execution, run
from hrh.projection.scenarios import (
    Scenario,
    bundled_scenario,
    bundled_scenarios,
    load_scenario,
    read_scenario,
    scenario_from_document,
)
from hrh.services._inputs import SourceIndex, bilaterals, stock_series
from hrh.services._version import code_version
from hrh.services.context import AppContext
from hrh.services.ensembles import execution_for
from hrh.services.imports import country_index
from hrh.store import projections as store_projections
from hrh.store import reads

POPULATION_YEARS = (1950, 2100)
CADRES: tuple[str, ...] = DNM_CADRES


@dataclass(frozen=True)
class ScenarioSummary:
    """A bundled scenario: its name, base and one-line description."""

    name: str
    base: str | None
    levers: int
    description: str


def list_scenarios() -> list[ScenarioSummary]:
    """Return the bundled scenarios."""
    out = []
    for path in bundled_scenarios():
        doc = read_scenario(path)
        out.append(
            ScenarioSummary(doc["name"], doc["base"], len(doc["levers"]), doc["description"])
        )
    return out


def run_projection(
    ctx: AppContext,
    scenario: str,
    *,
    countries: Sequence[str] | None = None,
    from_year: int = DEFAULT_FROM,
    until: int = DEFAULT_UNTIL,
    mode: str = "deterministic",
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    principal: Principal = LOCAL_ADMIN,
    on_step: Callable[[int], None] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    registry: Path | None = None,
) -> ProjectionResult:
    """Run one scenario (a bundled name or a YAML path) over the stored data.

    In ``stochastic`` and ``agent`` modes, ``replicates`` replicates seeded from ``seed`` (a
    fresh seed, recorded in the result, when None); ``on_step`` is called once per
    replicate and year. The replicates run on the Dask cluster at ``scheduler`` when given,
    else on ``workers`` local processes (None: as many as the machine has cores for large
    ensembles, this process for small ones; see
    :func:`hrh.services.ensembles.execution_for`). The results do not depend on where the
    replicates run. ``registry`` is a file of individual workers
    (:mod:`hrh.ingest.worker_registry`) that replaces the stored stocks of its countries of
    training (by default the countries projected); their identifiers are not kept.
    """
    require(principal, "projections.run")
    check_run(mode, from_year, until, replicates, seed)
    params = load_projection_parameters()
    chosen = load_scenario(scenario, params)
    workforce = None
    if registry is not None:
        workforce = read_registry(ctx, registry)
        trained = workforce.training_countries()
        countries = list(countries) if countries else list(trained)
        absent = sorted(set(trained) - {c.strip().upper() for c in countries})
        if absent:
            raise Invalid(
                f"The worker registry has workers trained in {', '.join(absent)}, "
                "which the run does not project.",
                hint="Add them to --countries, or leave --countries out.",
            )
    if mode == "deterministic":
        return _run(
            ctx,
            chosen,
            countries,
            from_year,
            until,
            mode,
            replicates,
            seed,
            on_step=on_step,
            registry=workforce,
        )
    reported = len(countries) if countries else None
    with execution_for(replicates, from_year, until, workers, scheduler, reported) as execution:
        return _run(
            ctx,
            chosen,
            countries,
            from_year,
            until,
            mode,
            replicates,
            seed,
            on_step=on_step,
            execution=execution,
            registry=workforce,
        )


def read_registry(ctx: AppContext, path: Path) -> Registry:
    """Read a registry of individual workers (CSV, Excel) for a run; keep no identifiers."""
    read = read_worker_registry(path, country_index(ctx))
    return Registry(
        f"{read.file} (sha256 {read.sha256[:12]})",
        read.countries,
        read.cadres,
        read.origin,
        read.workplace,
        read.cadre,
        read.born,
        read.by_age,
        read.sex,
        read.graduated,
    )


def run_request(
    ctx: AppContext,
    principal: Principal,
    scenario: str | Mapping[str, Any],
    *,
    countries: Sequence[str] | None = None,
    from_year: int = DEFAULT_FROM,
    until: int = DEFAULT_UNTIL,
    mode: str = "deterministic",
    replicates: int = DEFAULT_REPLICATES,
    seed: int | None = None,
    max_cells: int | None = None,
) -> ProjectionResult:
    """Run a projection asked for over the API: a bundled name or an inline scenario.

    Never reads a file named by the request (inline scenarios may only build on bundled
    ones). ``max_cells`` bounds country-years × replicates of the run (checked once the
    country axis is known); larger runs raise :class:`Invalid` pointing to the CLI.
    """
    require(principal, "projections.run")
    check_run(mode, from_year, until, replicates, seed)
    params = load_projection_parameters()
    chosen = resolve_scenario(scenario, params, allow_files=False)
    return _run(
        ctx, chosen, countries, from_year, until, mode, replicates, seed, max_cells=max_cells
    )


def resolve_scenario(
    scenario: str | Mapping[str, Any], params: ParameterSet, *, allow_files: bool
) -> Scenario:
    """Return a scenario: a bundled name (or a YAML path when ``allow_files``) or a mapping.

    A mapping is shaped like a scenario file and may only build on a bundled base.
    """
    if isinstance(scenario, str):
        ref = scenario if allow_files else str(bundled_scenario(scenario))
        return load_scenario(ref, params)
    return scenario_from_document(dict(scenario), params, "scenario")


def _run(
    ctx: AppContext,
    chosen: Scenario,
    countries: Sequence[str] | None,
    from_year: int,
    until: int,
    mode: str,
    replicates: int,
    seed: int | None,
    *,
    max_cells: int | None = None,
    on_step: Callable[[int], None] | None = None,
    execution: Execution | None = None,
    registry: Registry | None = None,
) -> ProjectionResult:
    inputs = load_inputs(ctx, countries, from_year, {*chosen.ssl_editions()})
    if max_cells is not None:
        size = run_size(len(inputs.countries), from_year, until, mode, replicates)
        if size > max_cells:
            raise Invalid(
                f"This run is too large to answer directly: {len(inputs.countries)} countries "
                f"(with their migration partners) × {until - from_year + 1} years"
                + (f" × {replicates} replicates" if mode != "deterministic" else "")
                + f" = {size:,} country-years; the limit is {max_cells:,}.",
                hint="Ask for fewer countries, years or replicates, or run it with "
                "`hrh project run` on the command line.",
            )
    return compute_run(
        ctx,
        inputs,
        chosen,
        from_year,
        until,
        mode=mode,
        seed=seed,
        replicates=replicates,
        on_step=on_step,
        execution=execution,
        registry=registry,
    )


def compute_run(
    ctx: AppContext,
    inputs: Inputs,
    chosen: Scenario,
    from_year: int,
    until: int,
    *,
    mode: str,
    seed: int | None,
    replicates: int,
    on_step: Callable[[int], None] | None = None,
    execution: Execution | None = None,
    registry: Registry | None = None,
) -> ProjectionResult:
    """Run a resolved scenario over loaded inputs (reading what its need method needs)."""
    by_age = None
    if chosen.need.method == "utilisation":
        by_age = load_population_by_age(ctx, inputs, from_year, until)
    result = run(
        inputs,
        load_projection_parameters(),
        chosen,
        from_year,
        until,
        mode=mode,
        seed=seed,
        replicates=replicates,
        on_step=on_step,
        execution=execution,
        population_by_age=by_age,
        registry=registry,
    )
    return replace(result, code_version=code_version())


def load_population_by_age(
    ctx: AppContext, inputs: Inputs, from_year: int, until: int
) -> PopulationByAge:
    """Read UN WPP population by five-year age band ``[c, band, year]`` for the run's axis.

    Per cell an estimate beats a projection (median variant), then the newest vintage wins.

    Raises:
        NotFound: when no reported country has population by age for the base year.
    """
    iso3 = inputs.iso3
    index = {c: i for i, c in enumerate(iso3)}
    with ctx.unit() as s:
        src = SourceIndex.load(s)
        rows = store_projections.population_by_age(s, iso3, from_year, until)
    bands = sorted({r.age_band for r in rows}, key=lambda b: int(b.rstrip("+").split("-")[0]))
    band_index = {b: i for i, b in enumerate(bands)}
    shape = (len(iso3), len(bands), until - from_year + 1)
    values, rank = np.full(shape, np.nan), np.full(shape, -1)
    used: set[str] = set()
    for r in rows:
        cell = (index[r.country], band_index[r.age_band], r.year - from_year)
        score = src.ranks[r.source_id] + (1_000_000 if r.variant == "estimate" else 0)
        if score > rank[cell]:
            values[cell], rank[cell] = r.value, score
            used.add(src.labels[r.source_id])
    reported = np.nonzero(inputs.reported)[0]
    if not bands or np.isnan(values[reported, :, 0]).all():
        raise NotFound(
            f"No population by age group for {from_year} for the countries asked for: "
            "need by utilisation cannot be computed.",
            hint="Load UN WPP population by age (`hrh load reference`, un_wpp2022_age) or "
            "use need: {method: sdg_threshold}.",
        )
    parsed = tuple(_band(b) for b in bands)
    return PopulationByAge(parsed, from_year, values, tuple(sorted(used)))


def _band(label: str) -> tuple[int, int | None]:
    if label.endswith("+"):
        return int(label[:-1]), None
    lo, _, hi = label.partition("-")
    return int(lo), int(hi or lo)


def run_size(n_countries: int, from_year: int, until: int, mode: str, replicates: int) -> int:
    """Return the country-years a run steps through (times the replicates if stochastic/agent)."""
    return n_countries * (until - from_year + 1) * (replicates if mode != "deterministic" else 1)


def compare_projections(
    ctx: AppContext,
    a: str,
    b: str,
    *,
    countries: Sequence[str] | None = None,
    from_year: int = DEFAULT_FROM,
    until: int = DEFAULT_UNTIL,
    principal: Principal = LOCAL_ADMIN,
    on_step: Callable[[int], None] | None = None,
) -> ProjectionComparison:
    """Run two scenarios on the same inputs and return B − A."""
    require(principal, "projections.run")
    check_run("deterministic", from_year, until)
    params = load_projection_parameters()
    sa, sb = load_scenario(a, params), load_scenario(b, params)
    inputs = load_inputs(ctx, countries, from_year, sa.ssl_editions() | sb.ssl_editions())
    ra, rb = (  # compute_run reads the population by age for need by utilisation
        compute_run(
            ctx,
            inputs,
            s,
            from_year,
            until,
            mode="deterministic",
            seed=None,
            replicates=1,
            on_step=on_step,
        )
        for s in (sa, sb)
    )
    return compare(ra, rb)


def check_run(
    mode: str, from_year: int, until: int, replicates: int = 1, seed: int | None = None
) -> None:
    """Check a run's mode, replicates, seed and years (raise :class:`Invalid` naming them)."""
    if mode not in MODES:
        raise Invalid.of(
            M_("Mode %(mode)s: expected one of %(modes)s."), mode=repr(mode), modes=", ".join(MODES)
        )
    if mode != "deterministic" and not 1 <= replicates <= MAX_REPLICATES:
        raise Invalid.of(
            M_("Replicates %(n)s: expected 1 to %(max)s."), n=replicates, max=MAX_REPLICATES
        )
    if seed is not None and not 0 <= seed < 2**63:
        raise Invalid.of(
            M_("Seed %(seed)s: expected a whole number from 0 to 2^63 - 1."), seed=seed
        )
    hi = POPULATION_YEARS[1]
    if not (2000 <= from_year <= until <= hi):
        raise Invalid.of(
            M_(
                "Years %(start)s-%(end)s: expected 2000 <= from <= until <= %(last)s "
                "(population projections end in 2100)."
            ),
            start=from_year,
            end=until,
            last=hi,
        )
    if until - from_year > 100:
        raise Invalid.of(
            M_("Years %(start)s-%(end)s: at most 100 years at a time."), start=from_year, end=until
        )


def check_explore(principal: Principal) -> None:
    """Authorise the public scenario explorer (one country, deterministic, bounded years).

    The explorer caches model inputs per process; this check runs on every request.
    """
    require(principal, "projections.explore")


def load_inputs(
    ctx: AppContext,
    requested: Sequence[str] | None,
    from_year: int,
    ssl_editions: set[str],
) -> Inputs:
    """Read headcounts, corridors, population and safeguards lists into model inputs."""
    params = load_projection_parameters()
    lookback = int(params.require("base.lookback_years", ("default",), "*", from_year).value)
    with ctx.unit() as s:
        known = {c.iso3: c for c in reads.load_countries(s)}
        src = SourceIndex.load(s)
        links = _corridors(s, src, set(known))
        wanted = _requested(requested, known)
        stocks = stock_series(
            s,
            src,
            countries=None if wanted is None else _axis(wanted, links),
            cadres=CADRES,
            measures=("headcount",),
        )
        headcount = {
            (c, k): p
            for (c, k, _m), series in stocks.items()
            if (p := series.latest(until=from_year, since=from_year - lookback)) is not None
        }
        with_data = {c for c, _k in headcount}
        reported = set(wanted) if wanted is not None else with_data
        axis = sorted(_axis(reported, links) | reported)
        population = _population(s, src, axis)
        ssl = {v: frozenset(r.country for r in reads.safeguard_rows(s, v)) for v in ssl_editions}
    if wanted is not None and not (reported & with_data):
        raise NotFound.of(
            M_(
                "No headcount of doctors or nurses and midwives within %(n)s years before "
                "%(year)s for %(countries)s."
            ),
            hint=M_("Load data with `hrh load reference` or `hrh import`."),
            n=lookback,
            year=from_year,
            countries=", ".join(sorted(reported)),
        )
    return _assemble(known, axis, reported, headcount, links, population, ssl)


@dataclass(frozen=True)
class _Population:
    index: dict[str, int]
    values: np.ndarray
    sources: set[str]


def _population(s: Session, src: SourceIndex, axis: list[str]) -> _Population:
    """Return total population ``[country, year]`` for 1950-2100 (NaN where unknown).

    For each year the estimate beats the projection (median variant); then the newest
    vintage wins.
    """
    first, last = POPULATION_YEARS
    index = {c: i for i, c in enumerate(axis)}
    values = np.full((len(axis), last - first + 1), np.nan)
    rank = np.full(values.shape, -1)
    source = np.full(values.shape, -1)
    for r in reads.population_totals(s, axis):
        if not first <= r.year <= last:
            continue
        i, y = index[r.country], r.year - first
        score = src.ranks[r.source_id] + (1_000_000 if r.variant == "estimate" else 0)
        if score > rank[i, y]:
            values[i, y], rank[i, y], source[i, y] = r.value, score, r.source_id
    used = {src.labels[int(i)] for i in np.unique(source) if i >= 0}
    return _Population(index, values, used)


def _requested(requested: Sequence[str] | None, known: dict[str, Country]) -> set[str] | None:
    if not requested:
        return None
    codes = {c.strip().upper() for c in requested if c.strip()}
    unknown = sorted(codes - set(known))
    if unknown:
        raise NotFound(f"Unknown country {unknown[0]!r}.", hint="Use ISO3 codes such as GHA.")
    return codes


Links = dict[tuple[str, str], dict[str, Bilateral]]


def _corridors(s: Session, src: SourceIndex, known: set[str]) -> Links:
    """Return (origin, destination) → cadre → the latest stock abroad (non-zero only)."""
    out: Links = {}
    for cadre in CADRES:
        for b in bilaterals(s, src, cadres=[cadre]):
            if b.origin == b.destination or b.value <= 0 or not {b.origin, b.destination} <= known:
                continue
            cur = out.setdefault((b.origin, b.destination), {}).get(cadre)
            if cur is None or b.year > cur.year:
                out[(b.origin, b.destination)][cadre] = b
    return out


def _axis(reported: set[str], links: Links) -> set[str]:
    """Return the reported countries, the origins into them and every kept corridor's ends."""
    origins = set(reported) | {o for o, d in links if d in reported}
    return origins | {d for o, d in links if o in origins}


def _assemble(
    known: dict[str, Country],
    axis: list[str],
    reported: set[str],
    headcount: dict[tuple[str, str], Point],
    links: Links,
    population: _Population,
    ssl: dict[str, frozenset[str]],
) -> Inputs:
    index = {c: i for i, c in enumerate(axis)}
    n_c, n_k = len(axis), len(CADRES)
    hc = np.full((n_c, n_k), np.nan)
    hc_year = np.zeros((n_c, n_k), dtype=np.intp)
    sources: set[str] = set()
    for (c, k), p in headcount.items():
        if c in index:
            hc[index[c], CADRES.index(k)] = p.value
            hc_year[index[c], CADRES.index(k)] = p.year
            sources.add(p.source)
    kept = sorted((o, d) for o, d in links if o in index and d in index)
    abroad = np.full((len(kept), n_k), np.nan)
    abroad_year = np.zeros((len(kept), n_k), dtype=np.intp)
    for n, key in enumerate(kept):
        for cadre, b in links[key].items():
            abroad[n, CADRES.index(cadre)] = b.value
            abroad_year[n, CADRES.index(cadre)] = b.year
            sources.add(b.source)
    pop = population.values[[population.index[c] for c in axis]]
    sources.update(population.sources)
    corridors = Corridors(
        np.array([index[o] for o, _ in kept], dtype=np.intp),
        np.array([index[d] for _, d in kept], dtype=np.intp),
        n_c,
    )
    return Inputs(
        countries=tuple(known[c] for c in axis),
        cadres=CADRES,
        headcount=hc,
        headcount_year=hc_year,
        corridors=corridors,
        abroad=abroad,
        abroad_year=abroad_year,
        population=pop,
        population_first_year=POPULATION_YEARS[0],
        ssl={v: m for v, m in ssl.items() if m},
        reported=np.array([c in reported for c in axis]),
        sources=tuple(sorted(sources)),
    )
