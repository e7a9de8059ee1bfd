"""The scenario explorer: levers from a GET form, run against the cached baseline.

The form's values become an in-memory scenario built on the bundled ``baseline`` (through
:func:`hrh.projection.scenarios.scenario_from_document`, the same checks as a scenario file)
and run by the deterministic projection engine for one country. The model's inputs and the
baseline result are cached per process and country, so a lever move costs one run.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response

from hrh.domain.records import StoredSource
from hrh.errors import Invalid, NotFound
from hrh.params.projection import load_projection_parameters
from hrh.presentation.charts import supply_spec, translate
from hrh.presentation.l10n import Formatter
from hrh.presentation.labels import CADRES as CADRE_LABELS
from hrh.presentation.labels import country_name
from hrh.presentation.vegalite import Points
from hrh.projection.model import Inputs
from hrh.projection.results import ProjectionResult
from hrh.projection.runner import run
from hrh.projection.scenarios import Scenario, bundled_scenario, load_scenario
from hrh.projection.scenarios import scenario_from_document as build_scenario
from hrh.services.context import AppContext
from hrh.services.observatory import list_countries, list_sources
from hrh.services.projections import check_explore, load_inputs
from hrh.web.auth import WebAuth, request_language
from hrh.web.chartfiles import bad_format, no_chart, spec_file
from hrh.web.exports import FORMATS, Cell, Table, table_response, used_sources
from hrh.web.i18n import N_

FROM_YEAR, UNTIL_YEAR = 2025, 2050
LEVER_YEAR = 2026
TABLE_YEARS = (2025, 2030, 2035, 2040, 2045, 2050)
CADRES = ("medical_doctors", "nursing_midwifery")
DEFAULT_COUNTRY = "GHA"

#: Name shown for each line of a scenario chart.
LINE_NAMES = {
    "baseline": N_("Supply, baseline"),
    "scenario": N_("Supply, this scenario"),
    "need": N_("Need (SDG threshold)"),
}
EXPLORER = N_("Scenario explorer")
#: How the chart's subtitle names each moved lever (the form's labels).
LEVER_NOTES = {
    "training": N_("Training intake, change in %%"),
    "retention": N_("Emigration × factor (retention)"),
    "returns": N_("Returns × factor (return incentive)"),
    "retirement": N_("Retirement age"),
    "ethical": N_("OECD destinations stop active recruitment from this country"),
    "compliance": N_("Destinations that comply, %%"),
}
BAD_LEVER = N_("A lever's value is outside its range: %(code)s. Use the form to choose it.")
BAD_FILTER_TITLE = N_("Filter not understood")
BAD_TABLE_FORMAT = N_("This download has no format %(code)s: use csv or xlsx.")
NO_PROJECTION = N_(
    "There is no projection for %(code)s: the country is unknown or has no recent count of "
    "doctors, nurses and midwives. Pick another country from the list."
)


@dataclass(frozen=True)
class Levers:
    """The explorer's form values (defaults: the baseline)."""

    country: str = DEFAULT_COUNTRY
    training: int = 0  # % change of training intake
    retention: float = 1.0  # emigration × factor
    returns: float = 1.0  # return rate × factor
    retirement: int | None = None  # retirement age, None = unchanged
    ethical: bool = False  # OECD destinations stop active recruitment from the country
    compliance: int = 100  # % of destinations that comply

    def query(self) -> str:
        """The query string that reproduces these levers (for links and the CSV)."""
        from urllib.parse import urlencode

        items: list[tuple[str, str]] = [
            ("country", self.country),
            ("training", str(self.training)),
            ("retention", f"{self.retention:g}"),
            ("returns", f"{self.returns:g}"),
            ("retirement", "" if self.retirement is None else str(self.retirement)),
        ]
        if self.ethical:
            items.append(("ethical", "1"))
        items.append(("compliance", str(self.compliance)))
        return urlencode(items)

    def is_baseline(self) -> bool:
        """Whether no lever is moved."""
        return not self.document()["levers"]

    def document(self) -> dict[str, Any]:
        """The scenario document: baseline plus this country's levers from 2026."""
        where = {"iso3": [self.country]}
        levers: list[dict[str, Any]] = []
        if self.training:
            levers.append(
                {"lever": "training_intake", "from": LEVER_YEAR, "where": where,
                 "change_pct": self.training}
            )  # fmt: skip
        if self.retention != 1.0:
            levers.append(
                {"lever": "retention", "from": LEVER_YEAR, "where": where,
                 "factor": self.retention}
            )  # fmt: skip
        if self.returns != 1.0:
            levers.append(
                {"lever": "return_incentive", "from": LEVER_YEAR, "where": where,
                 "factor": self.returns}
            )  # fmt: skip
        if self.retirement is not None:
            levers.append(
                {"lever": "retirement_age", "from": LEVER_YEAR, "where": where,
                 "age": self.retirement}
            )  # fmt: skip
        if self.ethical and self.compliance:
            levers.append(
                {"lever": "ethical_recruitment", "from": LEVER_YEAR,
                 "destinations": {"oecd": True}, "origins": where,
                 "compliance": self.compliance / 100}
            )  # fmt: skip
        return {
            "name": "web-scenario-explorer",
            "description": "Scenario built in the web scenario explorer.",
            "base": "baseline",
            "levers": levers,
        }


#: Each lever's form field: (min, max, step).
RANGES: dict[str, tuple[float, float, float]] = {
    "training": (-50, 200, 10),
    "retention": (0, 2, 0.1),
    "returns": (0, 10, 0.5),
    "retirement": (55, 70, 1),
    "compliance": (0, 100, 10),
}


def parse_levers(query: Mapping[str, str]) -> Levers:
    """Read the form's values; raise :class:`Invalid` (naming the field) for a bad one."""

    def number(name: str, default: float) -> float:
        raw = (query.get(name) or "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise Invalid(name) from None
        lo, hi, _ = RANGES[name]
        if not math.isfinite(value) or not lo <= value <= hi:
            raise Invalid(name)
        return value

    country = (query.get("country") or DEFAULT_COUNTRY).strip().upper()
    if not (len(country) == 3 and country.isascii() and country.isalpha()):
        raise Invalid("country")
    retirement = number("retirement", 0.0)
    return Levers(
        country=country,
        training=round(number("training", 0)),
        retention=round(number("retention", 1.0), 2),
        returns=round(number("returns", 1.0), 2),
        retirement=round(retirement) if retirement else None,
        ethical=(query.get("ethical") or "") in ("1", "on", "true"),
        compliance=round(number("compliance", 100)),
    )


@dataclass(frozen=True)
class CadreView:
    """One cadre's chart and table rows."""

    cadre: str
    #: The chart's lines, (key, [(year, value)]): baseline supply, scenario supply, need.
    lines: list[tuple[str, Points]]
    rows: list[tuple[int, float, float, float | None, float | None]]  # year, base, scen, need, gap


@dataclass(frozen=True)
class Outcome:
    """A scenario and its baseline for one country."""

    levers: Levers
    baseline: ProjectionResult
    scenario: ProjectionResult
    cadres: list[CadreView]


class Explorer:
    """Runs the explorer's scenarios; caches inputs and baselines per country."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.params = load_projection_parameters()
        self._baseline_scenario: Scenario = load_scenario(
            str(bundled_scenario("baseline")), self.params
        )
        self._inputs: dict[str, Inputs] = {}
        self._baselines: dict[str, ProjectionResult] = {}
        self._lock = threading.Lock()

    def inputs(self, iso3: str) -> Inputs:
        """The model's inputs for one country (read once per process)."""
        with self._lock:
            if iso3 not in self._inputs:
                if len(self._inputs) > 64:
                    self._inputs.clear()
                self._inputs[iso3] = load_inputs(self.ctx, [iso3], FROM_YEAR, set())
            return self._inputs[iso3]

    def _run(self, scenario: Scenario, iso3: str) -> ProjectionResult:
        return run(self.inputs(iso3), self.params, scenario, FROM_YEAR, UNTIL_YEAR)

    def baseline(self, iso3: str) -> ProjectionResult:
        """The baseline for one country (run once per process)."""
        if iso3 not in self._baselines:
            self._baselines[iso3] = self._run(self._baseline_scenario, iso3)
        return self._baselines[iso3]

    def explore(self, levers: Levers) -> Outcome:
        """Run the levers' scenario for their country, next to the baseline."""
        base = self.baseline(levers.country)
        if levers.is_baseline():
            scen = base
        else:
            doc = levers.document()
            scen = self._run(build_scenario(doc, self.params, "scenario explorer"), levers.country)
        views = []
        for cadre in CADRES:
            if cadre not in scen.cadres or levers.country not in scen.countries:
                continue
            c, k = scen.countries.index(levers.country), scen.cadres.index(cadre)
            if not bool(scen.covered[c, k]):
                continue
            b = base.value("supply", levers.country, cadre)
            s = scen.value("supply", levers.country, cadre)
            need = scen.value("need", levers.country, cadre)
            years = scen.years
            lines: list[tuple[str, Points]] = [
                ("baseline", [(y, float(v)) for y, v in zip(years, b, strict=True)]),
                ("scenario", [(y, float(v)) for y, v in zip(years, s, strict=True)]),
            ]
            if not all(math.isnan(v) for v in need):
                lines.append(
                    ("need", [(y, float(v)) for y, v in zip(years, need, strict=True)
                              if not math.isnan(v)])
                )  # fmt: skip
            rows = []
            for y in TABLE_YEARS:
                i = years.index(y)
                n = None if math.isnan(need[i]) else float(need[i])
                rows.append(
                    (y, float(b[i]), float(s[i]), n, None if n is None else float(s[i]) - n)
                )
            views.append(CadreView(cadre, lines, rows))
        return Outcome(levers, base, scen, views)


def lever_notes(levers: Levers, lang: str) -> list[str]:
    """The moved levers as lines of text in ``lang`` (the chart's subtitle)."""
    t, number = translate, Formatter(lang).number
    notes = []
    if levers.training:
        notes.append(f"{t(lang, LEVER_NOTES['training'])}: {number(levers.training, 0)}")
    if levers.retention != 1:
        notes.append(f"{t(lang, LEVER_NOTES['retention'])}: {number(levers.retention, 2)}")
    if levers.returns != 1:
        notes.append(f"{t(lang, LEVER_NOTES['returns'])}: {number(levers.returns, 2)}")
    if levers.retirement is not None:
        notes.append(f"{t(lang, LEVER_NOTES['retirement'])}: {levers.retirement}")
    if levers.ethical:
        share = f"{t(lang, LEVER_NOTES['compliance'])}: {levers.compliance}"
        notes.append(f"{t(lang, LEVER_NOTES['ethical'])} ({share})")
    return notes


def scenario_spec(
    outcome: Outcome, view: CadreView, place: str, lang: str
) -> dict[str, Any] | None:
    """One cadre's chart of the explorer as a Vega-Lite spec (the levers in the subtitle)."""
    years = outcome.scenario.years
    return supply_spec(
        view.cadre,
        view.lines,
        LINE_NAMES,
        lang,
        years=(years[0], years[-1]),
        place=place,
        subtitle=[translate(lang, EXPLORER), *lever_notes(outcome.levers, lang)],
    )


OUTCOME_COLUMNS = (
    "country", "cadre", "year", "baseline_supply", "scenario_supply", "need",
    "baseline_gap", "scenario_gap",
)  # fmt: skip


def outcome_table(outcome: Outcome, stored: Mapping[str, StoredSource]) -> Table:
    """The outcome by cadre and year (full precision; gap = supply − need), with its sources.

    The levers are written into the workbook's "Inputs" sheet, so a download says what it shows.
    """
    rows: list[list[Cell]] = []
    iso3 = outcome.levers.country
    for view in outcome.cadres:
        b = outcome.baseline.value("supply", iso3, view.cadre)
        s = outcome.scenario.value("supply", iso3, view.cadre)
        need = outcome.scenario.value("need", iso3, view.cadre)
        for i, year in enumerate(outcome.scenario.years):
            n = None if math.isnan(need[i]) else float(need[i])
            rows.append(
                [iso3, view.cadre, int(year), float(b[i]), float(s[i]), n,
                 None if n is None else float(b[i]) - n,
                 None if n is None else float(s[i]) - n]
            )  # fmt: skip
    levers = [(k, v, "", "the scenario explorer's lever") for k, v in _lever_items(outcome.levers)]
    sources = used_sources(outcome.scenario.sources, stored)
    return Table(f"{iso3}-scenario", OUTCOME_COLUMNS, rows, sources, levers)


def _lever_items(levers: Levers) -> list[tuple[str, str]]:
    """The levers as (name, value) pairs, as the address gives them."""
    from urllib.parse import parse_qsl

    return parse_qsl(levers.query(), keep_blank_values=True)


def make_scenarios_router(auth: WebAuth) -> APIRouter:
    """Build ``/scenarios``, its fragment (for the script), its CSV and its chart files."""
    router = auth.router()
    explorer = Explorer(auth.ctx)

    def outcome_or_error(request: Request) -> Outcome | Response:
        params = dict(request.query_params)
        try:
            levers = parse_levers(params)
        except Invalid as exc:
            context = {"title": BAD_FILTER_TITLE, "message": BAD_LEVER, "code": str(exc)[:20]}
            return auth.render(request, "error.html", context, status_code=400)
        check_explore(request.state.principal)  # the policy, declared in hrh.domain.policy
        try:
            return explorer.explore(levers)
        except NotFound:
            context = {"title": BAD_FILTER_TITLE, "message": NO_PROJECTION, "code": levers.country}
            return auth.render(request, "error.html", context, status_code=400)

    def names() -> dict[str, tuple[str, str]]:
        return {c.iso3: (c.iso2, c.name) for c in list_countries(auth.ctx)}

    def place(lang: str, iso3: str) -> str:
        iso2, name = names().get(iso3, ("", iso3))
        return country_name(lang, iso2, name)

    def context(request: Request, outcome: Outcome) -> dict[str, object]:
        lang = request_language(request)
        where = place(lang, outcome.levers.country)
        return {
            "specs": {v.cadre: scenario_spec(outcome, v, where, lang) for v in outcome.cadres},
            "o": outcome,
            "lv": outcome.levers,
            "ranges": RANGES,
            "line_names": LINE_NAMES,
            "cadre_names": CADRE_LABELS,
            "lever_year": LEVER_YEAR,
            "names": names(),
        }

    @router.get("/scenarios", name="scenarios")
    def scenarios(request: Request) -> Response:
        """The scenario explorer."""
        outcome = outcome_or_error(request)
        if isinstance(outcome, Response):
            return outcome
        return auth.render(
            request,
            "scenarios.html",
            context(request, outcome)
            | {"countries": sorted(names().items(), key=lambda kv: kv[1][1])},
        )

    @router.get("/scenarios/fragment", name="scenarios_fragment")
    def fragment(request: Request) -> Response:
        """The chart and table only, which htmx swaps into the page when a lever moves.

        The page's address follows the levers (``HX-Replace-Url``), so it shares the scenario.
        """
        outcome = outcome_or_error(request)
        if isinstance(outcome, Response):
            return outcome
        response = auth.render(request, "scenarios_result.html", context(request, outcome))
        if request.headers.get("HX-Request") == "true":
            response.headers["HX-Replace-Url"] = f"/scenarios?{outcome.levers.query()}"
        return response

    @router.get("/scenarios.{fmt}", name="scenarios_table")
    def download(request: Request, fmt: str) -> Response:
        """The scenario and baseline by cadre and year as CSV or Excel (with its sources)."""
        if fmt not in FORMATS:
            context = {"title": BAD_FILTER_TITLE, "message": BAD_TABLE_FORMAT, "code": fmt[:10]}
            return auth.render(request, "error.html", context, status_code=400)
        outcome = outcome_or_error(request)
        if isinstance(outcome, Response):
            return outcome
        stored = {s.label: s for s in list_sources(auth.ctx)}
        return table_response(outcome_table(outcome, stored), fmt)

    @router.get("/scenarios/{cadre}.{fmt}", name="scenarios_chart")
    def chart(request: Request, cadre: str, fmt: str) -> Response:
        """One cadre's chart of the scenario (same query as the page) as an SVG or PNG file."""
        refused = bad_format(auth, request, fmt)
        if refused is not None:
            return refused
        outcome = outcome_or_error(request)
        if isinstance(outcome, Response):
            return outcome
        lang = request_language(request)
        view = next((v for v in outcome.cadres if v.cadre == cadre), None)
        where = place(lang, outcome.levers.country)
        spec = scenario_spec(outcome, view, where, lang) if view is not None else None
        if spec is None:
            return no_chart(auth, request, f"{outcome.levers.country} {cadre}")
        stem = f"hrh-{outcome.levers.country}-scenario-{cadre}"
        return spec_file(spec, fmt, stem)

    return router
