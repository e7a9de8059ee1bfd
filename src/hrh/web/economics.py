"""The economics page: lost investment per emigrant, corridor losses and cost sharing.

One GET form (so every result has a shareable URL); the figures come from
:mod:`hrh.services.economics`, exactly as the CLI and the API compute them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hrh.errors import M_, HrhError, Invalid, Text
from hrh.services import economics
from hrh.services.observatory import list_countries
from hrh.web.auth import WebAuth
from hrh.web.i18n import N_

BAD_INPUT_TITLE = N_("Input not understood")
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


def make_economics_router(auth: WebAuth) -> APIRouter:
    """Build ``/economics``."""
    router = auth.router()

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
        form = _Form(
            origin.strip().upper() or "KEN",
            cadre.strip() or "medical_doctors",
            cost,
            rate,
            years,
            destination.strip().upper(),
            share,
        )
        errors: list[HrhError] = []
        per_emigrant = corridors = sharing = None
        try:
            c = _number(form.cost, M_("Education cost"))
            y = _number(form.years, M_("Years compounded"))
            r = form.rate.strip()
            rates = [r if r.endswith("%") else f"{r}%"] if r else []
            s = _number(form.share, M_("Refund share"))
            per_emigrant = economics.lost_investment_per_emigrant(
                cost=c, rates=rates, years=y, country=form.origin, cadre=form.cadre
            )
            corridors = economics.corridor_loss(
                auth.ctx, origin=form.origin, cadre=form.cadre, cost=c, rates=rates, years=y
            )
            if form.destination:
                sharing = economics.cost_sharing(
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
            errors.append(exc)
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
        }
        return auth.render(request, "economics.html", context, status_code=400 if errors else 200)

    return router
