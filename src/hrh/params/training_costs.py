"""Load education costs, interest rates and horizons from ``data/training_costs.yaml``.

Every figure is dated (``values`` keyed by ISO effective date), carries a unit, a description
and references, and loader errors name the file and the key. Lookups return ``None`` where the
file bundles no figure, so that the caller can ask the user for one.

>>> p = load_training_costs()
>>> p.education_cost("KEN", "medical_doctors").total
65997.0
>>> p.interest_rates("KEN").central, p.years_compounded("KEN").years
(0.0665, 32.0)
>>> p.education_cost("GHA", "medical_doctors") is None
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml

from hrh.errors import ConfigError

PARAMS_FILE = Path(__file__).parent / "data" / "training_costs.yaml"
#: Education cost components, in the order they are paid for.
COMPONENTS = ("primary", "secondary", "professional")
RATE_SCENARIOS = ("low", "central", "high")
_SECTIONS = ("education_costs", "interest_rates", "years_compounded", "destination_costs")

T = TypeVar("T", bound="_Dated")


@dataclass(frozen=True)
class Reference:
    """A published source of a figure."""

    title: str
    href: str = ""


@dataclass(frozen=True)
class _Dated:
    effective: date
    unit: str
    description: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class CostParameter(_Dated):
    """The cost of educating one worker of a cadre in a country, by component.

    ``components`` holds ``primary``/``secondary``/``professional`` (any subset), or only
    ``total`` when the source gives no breakdown.
    """

    country: str
    cadre: str
    currency: str
    price_year: int
    components: Mapping[str, float]

    @property
    def total(self) -> float:
        """Return the sum of the components."""
        return float(sum(self.components.values()))


@dataclass(frozen=True)
class RateParameter(_Dated):
    """Low, central and high annual interest rates (fractions) for a country."""

    country: str
    low: float
    central: float
    high: float


@dataclass(frozen=True)
class YearsParameter(_Dated):
    """The years an education cost is compounded over for a country."""

    country: str
    years: float


@dataclass(frozen=True)
class TrainingCostParameters:
    """Every economics parameter of the file, each key's values sorted by effective date."""

    path: Path
    education_costs: Mapping[tuple[str, str], tuple[CostParameter, ...]]
    rates: Mapping[str, tuple[RateParameter, ...]]
    years: Mapping[str, tuple[YearsParameter, ...]]
    destination_costs: Mapping[tuple[str, str], tuple[CostParameter, ...]]

    def education_cost(
        self, country: str, cadre: str, as_of: date | None = None
    ) -> CostParameter | None:
        """Return the education cost in force at ``as_of`` (latest when None), else None."""
        return _at(self.education_costs.get((country.upper(), cadre), ()), as_of)

    def destination_cost(
        self, country: str, cadre: str, as_of: date | None = None
    ) -> CostParameter | None:
        """Return a destination's domestic training cost at ``as_of``, else None."""
        return _at(self.destination_costs.get((country.upper(), cadre), ()), as_of)

    def interest_rates(self, country: str, as_of: date | None = None) -> RateParameter | None:
        """Return the rates in force at ``as_of`` for a country, else None."""
        return _at(self.rates.get(country.upper(), ()), as_of)

    def years_compounded(self, country: str, as_of: date | None = None) -> YearsParameter | None:
        """Return the horizon in force at ``as_of`` for a country, else None."""
        return _at(self.years.get(country.upper(), ()), as_of)


def _at(values: tuple[T, ...], as_of: date | None) -> T | None:
    found = None
    for v in values:
        if as_of is None or v.effective <= as_of:
            found = v
    return found


def load_training_costs(path: Path = PARAMS_FILE) -> TrainingCostParameters:
    """Read and check the parameter file.

    Raises:
        ConfigError: when the file is unreadable or malformed (naming the file and the key).
    """
    raw = _load(path)
    loader = _Loader(path.name)
    return TrainingCostParameters(
        path,
        loader.costs(raw["education_costs"], "education_costs"),
        loader.rates(raw["interest_rates"]),
        loader.years(raw["years_compounded"]),
        loader.costs(raw["destination_costs"], "destination_costs"),
    )


class _Loader:
    """Check each section; every error names the file and the dotted key."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key} {expected}.")

    def meta(self, node: Any, key: str) -> tuple[str, str, tuple[Reference, ...], dict[Any, Any]]:
        if not isinstance(node, dict):
            raise self.fail(key, "must be a mapping with description, unit, reference, values")
        for field in ("description", "unit"):
            if not isinstance(node.get(field), str) or not node[field].strip():
                raise self.fail(key, f"lacks its '{field}'")
        refs = node.get("reference")
        if not isinstance(refs, list) or not all(
            isinstance(r, dict) and isinstance(r.get("title"), str) for r in refs
        ):
            raise self.fail(f"{key}.reference", "must be a list of {title, href}")
        values = node.get("values")
        if not isinstance(values, dict) or not values:
            raise self.fail(f"{key}.values", "must map ISO dates (YYYY-MM-DD) to values")
        for when in values:
            if not isinstance(when, date):
                raise self.fail(f"{key}.values.{when}", "must be keyed by a date (YYYY-MM-DD)")
        references = tuple(Reference(" ".join(r["title"].split()), r.get("href", "")) for r in refs)
        return " ".join(node["description"].split()), node["unit"], references, values

    def number(self, value: Any, key: str, *, low: float | None = 0.0) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {value!r}")
        if not math.isfinite(value) or (low is not None and value < low):
            raise self.fail(key, f"must be a finite number ≥ {low}, not {value!r}")
        return float(value)

    def countries(self, section: Any, name: str) -> dict[str, Any]:
        if not isinstance(section, dict):
            raise self.fail(name, "must be a mapping keyed by ISO3 country code")
        for code in section:
            if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
                raise self.fail(f"{name}.{code}", "must be keyed by an ISO3 code such as KEN")
        return section

    def costs(self, section: Any, name: str) -> dict[tuple[str, str], tuple[CostParameter, ...]]:
        out: dict[tuple[str, str], tuple[CostParameter, ...]] = {}
        for country, cadres in self.countries(section, name).items():
            if not isinstance(cadres, dict):
                raise self.fail(f"{name}.{country}", "must map cadre ids to costs")
            for cadre, node in cadres.items():
                out[(country, str(cadre))] = self.cost(node, name, country, str(cadre))
        return out

    def cost(self, node: Any, name: str, country: str, cadre: str) -> tuple[CostParameter, ...]:
        key = f"{name}.{country}.{cadre}"
        description, unit, refs, values = self.meta(node, key)
        currency, price_year = node.get("currency"), node.get("price_year")
        if not isinstance(currency, str) or not isinstance(price_year, int):
            raise self.fail(key, "needs a 'currency' (e.g. USD) and an integer 'price_year'")
        out = []
        for when, comps in sorted(values.items()):
            where = f"{key}.values.{when}"
            if not isinstance(comps, dict) or not comps:
                raise self.fail(where, f"must map components ({', '.join(COMPONENTS)}) to amounts")
            unknown = set(comps) - {*COMPONENTS, "total"}
            if unknown or ("total" in comps and len(comps) > 1):
                raise self.fail(
                    where,
                    f"must use {', '.join(COMPONENTS)} or a single 'total', not {sorted(comps)}",
                )
            amounts = {c: self.number(v, f"{where}.{c}") for c, v in comps.items()}
            ordered = {c: amounts[c] for c in (*COMPONENTS, "total") if c in amounts}
            out.append(
                CostParameter(
                    when, unit, description, refs, country, cadre, currency, price_year, ordered
                )
            )
        return tuple(out)

    def rates(self, section: Any) -> dict[str, tuple[RateParameter, ...]]:
        out: dict[str, tuple[RateParameter, ...]] = {}
        for country, node in self.countries(section, "interest_rates").items():
            key = f"interest_rates.{country}"
            description, unit, refs, values = self.meta(node, key)
            items = []
            for when, triple in sorted(values.items()):
                where = f"{key}.values.{when}"
                if not isinstance(triple, dict) or set(triple) != set(RATE_SCENARIOS):
                    raise self.fail(where, "must give exactly low, central and high")
                lo, mid, hi = (
                    self.number(triple[s], f"{where}.{s}", low=None) for s in RATE_SCENARIOS
                )
                if not -1 < lo <= mid <= hi:
                    raise self.fail(where, "must satisfy −1 < low ≤ central ≤ high")
                items.append(RateParameter(when, unit, description, refs, country, lo, mid, hi))
            out[country] = tuple(items)
        return out

    def years(self, section: Any) -> dict[str, tuple[YearsParameter, ...]]:
        out: dict[str, tuple[YearsParameter, ...]] = {}
        for country, node in self.countries(section, "years_compounded").items():
            key = f"years_compounded.{country}"
            description, unit, refs, values = self.meta(node, key)
            out[country] = tuple(
                YearsParameter(
                    when, unit, description, refs, country, self.number(n, f"{key}.values.{when}")
                )
                for when, n in sorted(values.items())
            )
        return out


def _load(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read parameters {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping with {', '.join(_SECTIONS)}.")
    missing = [s for s in _SECTIONS if s not in raw]
    if missing:
        raise ConfigError(f"{path.name}: missing section(s) {', '.join(missing)}.")
    return raw
