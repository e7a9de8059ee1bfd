"""The economics page: lost investment per emigrant, corridor losses and cost sharing.

One GET form (so every result has a shareable URL); the figures come from
:mod:`hrh.services.economics`, exactly as the CLI and the API compute them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.domain.records import StoredSource
from hrh.errors import M_, HrhError, Invalid, Text
from hrh.services import economics
from hrh.services.economics_inputs import InputUsed
from hrh.services.observatory import list_countries, list_sources
from hrh.web.auth import WebAuth
from hrh.web.exports import FORMATS, Cell, Table, table_response, used_sources
from hrh.web.i18n import N_

BAD_INPUT_TITLE = N_("Input not understood")
BAD_DOWNLOAD = N_(
    "There is no such download: use lost-investment, corridors or cost-sharing, as csv or xlsx."
)
SHOWN_CORRIDORS = 15
#: Names of the interest-rate scenarios.
SCENARIO_NAMES = {"low": N_("low"), "central": N_("central"), "high": N_("high")}

#: The cadres offered on the page: those with an education cost somewhere, or a corridor.
PAGE_CADRES = ("medical_doctors", "nurses", "nursing_midwifery", "midwives")


@dataclass
class _Form:
    origin: str = "KEN"
    cadre: str = "medical_doctors"
    cost: str = ""
    rate: str = ""
    years: str = ""
    destination: str = ""
    share: str = "10"


def _number(text: str, what: str) -> float | None:
    """Read a form's number; ``what`` is the field's label, marked with ``M_()``."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Invalid.of(
            M_("%(what)s: %(value)s is not a number."), what=Text(what), value=repr(text[:40])
        ) from None


@dataclass
class _Results:
    """What the form computes: the three reports (None where not asked or failed), errors."""

    per_emigrant: economics.LostInvestmentReport | None = None
    corridors: economics.CorridorLossReport | None = None
    sharing: economics.CostSharingReport | None = None
    errors: list[HrhError] = field(default_factory=list)


def _inputs(used: list[InputUsed]) -> list[tuple[str, str, str, str]]:
    """The figures a report used, as rows of the workbook's "Inputs" sheet."""

    def shown(value: float | dict[str, float]) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{k} {v:g}" for k, v in value.items())
        return f"{value:g}"

    return [(x.name, shown(x.value), x.unit, x.source) for x in used]


def _table(section: str, r: _Results, stored: dict[str, StoredSource]) -> Table | None:
    """The download of one section of the page; None when the page has no such table."""
    rows: list[list[Cell]]
    if section == "lost-investment" and r.per_emigrant is not None:
        x = r.per_emigrant
        columns = ["country", "cadre", "scenario", "rate", "years", "education_cost"]
        columns += ["currency", "price_year", "lost_investment_fv", "returns_forgone"]
        rows = [
            [
                x.country,
                x.cadre,
                v.scenario,
                v.rate,
                v.years,
                v.cost,
                x.cost.currency,
                x.cost.price_year,
                v.future_value,
                v.returns_forgone,
            ]
            for v in x.results
        ]
        name = f"lost-investment-{x.country or 'custom'}-{x.cadre or 'all'}"
        return Table(name, columns, rows, inputs=_inputs(x.inputs))
    if section == "corridors" and r.corridors is not None:
        c = r.corridors
        columns = ["origin", "destination", "destination_name", "cadre", "year", "stock"]
        columns += ["cost_per_worker", "loss_low", "loss_central", "loss_high"]
        columns += ["destination_cost_per_worker", "destination_savings", "currency", "source"]
        rows = [
            [
                d.origin,
                d.destination,
                d.destination_name,
                d.cadre,
                d.year,
                d.stock,
                d.cost_per_worker,
                d.loss_low,
                d.loss_central,
                d.loss_high,
                d.destination_cost_per_worker,
                d.destination_savings,
                c.currency,
                d.source,
            ]
            for d in c.data
        ]
        sources = used_sources([d.source for d in c.data], stored)
        name = f"corridor-losses-{c.origin}-{c.cadre or 'all'}"
        return Table(name, columns, rows, sources, _inputs(c.inputs))
    if section == "cost-sharing" and r.sharing is not None:
        h = r.sharing
        columns = ["origin", "destination", "cadre", "refund_share", "scenario", "rate"]
        columns += ["loss_per_recruit", "refund_per_recruit", "recruits", "recruits_year"]
        columns += ["refund_total", "training_places_per_recruit", "training_places"]
        columns += ["whole_training_places", "currency"]
        rows = [
            [
                h.origin,
                h.destination,
                h.cadre,
                h.refund_share,
                o.scenario,
                o.rate,
                o.loss_per_recruit,
                o.refund_per_recruit,
                h.recruits,
                h.recruits_year,
                o.refund_total,
                o.training_places_per_recruit,
                o.training_places,
                o.whole_training_places,
                h.currency,
            ]
            for o in h.options
        ]
        sources = used_sources([h.recruits_source], stored)
        name = f"cost-sharing-{h.origin}-{h.destination}-{h.cadre}"
        return Table(name, columns, rows, sources, _inputs(h.inputs))
    return None


def make_economics_router(auth: WebAuth) -> APIRouter:
    """Build ``/economics`` and the downloads of its tables."""
    router = auth.router()

    def compute(form: _Form) -> _Results:
        """Compute what the form asks for; an input error stops there and is kept."""
        out = _Results()
        try:
            c = _number(form.cost, M_("Education cost"))
            y = _number(form.years, M_("Years compounded"))
            r = form.rate.strip()
            rates = [r if r.endswith("%") else f"{r}%"] if r else []
            s = _number(form.share, M_("Refund share"))
            out.per_emigrant = economics.lost_investment_per_emigrant(
                cost=c, rates=rates, years=y, country=form.origin, cadre=form.cadre
            )
            out.corridors = economics.corridor_loss(
                auth.ctx, origin=form.origin, cadre=form.cadre, cost=c, rates=rates, years=y
            )
            if form.destination:
                out.sharing = economics.cost_sharing(
                    auth.ctx,
                    origin=form.origin,
                    destination=form.destination,
                    refund_share=f"{s if s is not None else 10}%",
                    cadre=form.cadre,
                    cost=c,
                    rates=rates,
                    years=y,
                )
        except HrhError as exc:
            out.errors.append(exc)
        return out

    def read_form(
        origin: str, cadre: str, cost: str, rate: str, years: str, destination: str, share: str
    ) -> _Form:
        return _Form(
            origin.strip().upper() or "KEN",
            cadre.strip() or "medical_doctors",
            cost,
            rate,
            years,
            destination.strip().upper(),
            share,
        )

    @router.get("/economics", name="economics")
    def page(
        request: Request,
        origin: Annotated[str, Query(max_length=3)] = "KEN",
        cadre: Annotated[str, Query(max_length=40)] = "medical_doctors",
        cost: Annotated[str, Query(max_length=20)] = "",
        rate: Annotated[str, Query(max_length=20)] = "",
        years: Annotated[str, Query(max_length=10)] = "",
        destination: Annotated[str, Query(max_length=3)] = "",
        share: Annotated[str, Query(max_length=10)] = "10",
    ) -> Response:
        """Compute and show the three figures for the chosen origin and cadre."""
        form = read_form(origin, cadre, cost, rate, years, destination, share)
        results = compute(form)
        per_emigrant, corridors, sharing = results.per_emigrant, results.corridors, results.sharing
        errors = results.errors
        countries = sorted(
            ((x.iso3, (x.iso2, x.name)) for x in list_countries(auth.ctx)),
            key=lambda kv: kv[1][1],
        )
        context = {
            "form": form,
            "errors": errors,
            "error_title": BAD_INPUT_TITLE,
            "per_emigrant": per_emigrant,
            "corridors": corridors,
            "corridor_rows": corridors.data[:SHOWN_CORRIDORS] if corridors else [],
            "sharing": sharing,
            "countries": countries,
            "names": dict(countries),
            "cadres": PAGE_CADRES,
            "parameters": economics.list_parameters(),
            "scenario_names": SCENARIO_NAMES,
            "query": request.url.query,
        }
        return auth.render(request, "economics.html", context, status_code=400 if errors else 200)

    @router.get("/economics/{section}.{fmt}", name="economics_download")
    def download(
        request: Request,
        section: str,
        fmt: str,
        origin: Annotated[str, Query(max_length=3)] = "KEN",
        cadre: Annotated[str, Query(max_length=40)] = "medical_doctors",
        cost: Annotated[str, Query(max_length=20)] = "",
        rate: Annotated[str, Query(max_length=20)] = "",
        years: Annotated[str, Query(max_length=10)] = "",
        destination: Annotated[str, Query(max_length=3)] = "",
        share: Annotated[str, Query(max_length=10)] = "10",
    ) -> Response:
        """One of the page's tables, for the same inputs, as CSV or Excel (with its sources)."""
        form = read_form(origin, cadre, cost, rate, years, destination, share)
        results = compute(form)
        if results.errors:  # the page, with its form and the error (400)
            return page(request, origin, cadre, cost, rate, years, destination, share)
        stored = {s.label: s for s in list_sources(auth.ctx)}
        table = _table(section, results, stored) if fmt in FORMATS else None
        if table is None:
            context = {"title": BAD_INPUT_TITLE, "message": BAD_DOWNLOAD, "code": section[:30]}
            return auth.render(request, "error.html", context, status_code=404)
        return table_response(table, fmt)

    return router
