"""WHO Health Workforce Support and Safeguards List (SSL): eligibility computed from data.

For edition v: each density series (doctors; nurses and midwives) at its own latest year not
after the data cut-off, summed; the UHC service coverage index of the edition's year. A
country is eligible when the density is below the density threshold AND the index is below
the index threshold. Each result is compared with the published list, and each disagreement
gets a reason (missing data, threshold margin, data vintage): an English
:class:`~hrh.errors.Sentence` that keeps its text and numbers, so the pages can say it in the
reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hrh.errors import M_, Number, Text
from hrh.indicators.series import Series
from hrh.params.safeguards import SafeguardCriteria


@dataclass(frozen=True)
class CountryInput:
    """What the SSL rule reads for one country."""

    iso3: str
    name: str
    who_region: str
    doctors: Series
    nursing_midwifery: Series
    uhc_index: Series


@dataclass(frozen=True)
class SafeguardResult:
    """SSL eligibility of one country, with its inputs and the comparison with the list."""

    iso3: str
    name: str
    who_region: str
    eligible: bool
    density: float | None
    density_years: dict[str, int | None]
    uhc_index: float | None
    uhc_year: int | None
    official: bool | None
    agrees: bool | None
    reason: str
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SafeguardSummary:
    """Counts over all countries evaluated."""

    version: str
    countries: int
    eligible: int
    official: int | None
    agree: int | None
    disagree: int | None


@dataclass(frozen=True)
class SafeguardList:
    """The computed list for one edition."""

    criteria: SafeguardCriteria
    countries: list[SafeguardResult]
    summary: SafeguardSummary


def evaluate(
    criteria: SafeguardCriteria,
    inputs: list[CountryInput],
    official: Mapping[str, str] | None,
) -> SafeguardList:
    """Compute eligibility for every country and compare with the published list.

    Args:
        criteria: thresholds and cut-offs of the edition.
        inputs: per-country series (latest vintage already chosen).
        official: ISO3 → grade of the published list, or None when it is not stored.
    """
    results = [_evaluate_one(criteria, c, official) for c in inputs]
    results.sort(key=lambda r: (not r.eligible, r.density if r.density is not None else 1e9))
    n_official = len(official) if official is not None else None
    agree = sum(1 for r in results if r.agrees) if official is not None else None
    summary = SafeguardSummary(
        criteria.version,
        len(results),
        sum(1 for r in results if r.eligible),
        n_official,
        agree,
        None if agree is None else len(results) - agree,
    )
    return SafeguardList(criteria, results, summary)


def _evaluate_one(
    k: SafeguardCriteria, c: CountryInput, official: Mapping[str, str] | None
) -> SafeguardResult:
    doc = c.doctors.latest(until=k.density_data_until)
    nm = c.nursing_midwifery.latest(until=k.density_data_until)
    uhc = c.uhc_index.at(k.uhc_index_year)
    density = doc.value + nm.value if doc and nm else None
    eligible = (
        density is not None
        and uhc is not None
        and density < k.density_threshold
        and uhc.value < k.uhc_index_threshold
    )
    on_list = None if official is None else c.iso3 in official
    agrees = None if on_list is None else on_list == eligible
    reason = ""
    if on_list is None:
        reason = Text.of(
            M_("no published list of edition %(version)s is stored"), version=k.version
        ).sentence()
    elif not agrees:
        uhc_value = uhc.value if uhc else None
        reason = _reason(k, on_list, density, uhc_value, doc is None, nm is None).sentence()
    sources = sorted({p.source for p in (doc, nm, uhc) if p is not None})
    return SafeguardResult(
        c.iso3,
        c.name,
        c.who_region,
        eligible,
        None if density is None else round(density, 2),
        {
            "medical_doctors": doc.year if doc else None,
            "nursing_midwifery": nm.year if nm else None,
        },
        uhc.value if uhc else None,
        uhc.year if uhc else None,
        on_list,
        agrees,
        reason,
        sources,
    )


def _reason(
    k: SafeguardCriteria,
    on_list: bool,
    density: float | None,
    uhc: float | None,
    no_doctors: bool,
    no_nurses: bool,
) -> Text:
    if on_list:
        missing = []
        if no_doctors:
            missing.append(Text.of(M_("doctor density up to %(year)s"), year=k.density_data_until))
        if no_nurses:
            missing.append(
                Text.of(M_("nurse and midwife density up to %(year)s"), year=k.density_data_until)
            )
        if uhc is None:
            missing.append(
                Text.of(M_("UHC service coverage index for %(year)s"), year=k.uhc_index_year)
            )
        if missing:
            listed = missing[0]
            for more in missing[1:]:
                listed = Text.of(M_("%(first)s and no %(next)s"), first=listed, next=more)
            return Text.of(M_("missing data: no %(missing)s in the stored data"), missing=listed)
        parts = []
        assert density is not None
        assert uhc is not None
        if density >= k.density_threshold:
            parts.append(
                Text.of(
                    M_("density %(value)s is not below %(threshold)s (%(why)s)"),
                    value=Number(density, ".1f"),
                    threshold=Number(k.density_threshold),
                    why=_margin(density, k.density_threshold, k.margin_share),
                )
            )
        if uhc >= k.uhc_index_threshold:
            parts.append(
                Text.of(
                    M_("UHC index %(value)s is not below %(threshold)s (%(why)s)"),
                    value=Number(uhc, ".1f"),
                    threshold=Number(k.uhc_index_threshold),
                    why=_margin(uhc, k.uhc_index_threshold, k.margin_share),
                )
            )
        return Text.of(
            M_("on the published list, but in the stored data %(reasons)s"),
            reasons=Text.join(parts),
        )
    assert density is not None
    assert uhc is not None
    near = _near(density, k.density_threshold, k.margin_share) or _near(
        uhc, k.uhc_index_threshold, k.margin_share
    )
    why = (
        Text.of(
            M_("threshold margin: within %(share)s of a threshold; data vintage"),
            share=Number(k.margin_share, ".0%"),
        )
        if near
        else Text(M_("data vintage: WHO used other figures"))
    )
    return Text.of(
        M_(
            "both criteria met in the stored data (density %(density)s < %(threshold)s, "
            "UHC index %(uhc)s < %(uhc_threshold)s) but not on the published list (%(why)s)"
        ),
        density=Number(density, ".1f"),
        threshold=Number(k.density_threshold),
        uhc=Number(uhc, ".1f"),
        uhc_threshold=Number(k.uhc_index_threshold),
        why=why,
    )


def _near(value: float, threshold: float, share: float) -> bool:
    return abs(value - threshold) <= share * threshold


def _margin(value: float, threshold: float, share: float) -> Text:
    if _near(value, threshold, share):
        return Text.of(
            M_("threshold margin: within %(share)s of %(threshold)s; data vintage"),
            share=Number(share, ".0%"),
            threshold=Number(threshold),
        )
    return Text(M_("data vintage: WHO used other figures"))
