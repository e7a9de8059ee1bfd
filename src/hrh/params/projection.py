"""Dated parameters of the projection model (``data/projection.yaml``).

Each parameter has a kind, a unit, a description, references and values keyed by effective
date, then by key: an ISO3 code, an income group or ``default``; the most specific key with a
value for the cadre wins. Errors name the file and the key.

>>> p = load_projection_parameters()
>>> r = p["retirement.age"].lookup(("GHA", "LMC", "default"), "medical_doctors", 2030)
>>> r.value, r.key
(60.0, 'LMC')
>>> p["need.sdg_threshold_per_10k"].lookup(("default",), "nursing_midwifery", 2030).value
44.5
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from hrh.errors import ConfigError, HrhError, Invalid

PROJECTION_FILE = Path(__file__).parent / "data" / "projection.yaml"
AGE_MIN, AGE_MAX = 20, 74
GROUP_KEYS = ("LIC", "LMC", "UMC", "HIC")
ALL_CADRES = "*"
_ISO3 = re.compile(r"^[A-Z]{3}$")
_BAND = re.compile(r"^(\d{2})-(\d{2})$")

#: kind → (lower bound, upper bound) for numeric kinds
_BOUNDS: dict[str, tuple[float, float]] = {
    "rate": (0.0, 1.0),
    "share": (0.0, 1.0),
    "ratio": (0.0, 10.0),
    "age": (40.0, 75.0),
    "years": (0.0, 100.0),
    "density": (0.0, 10_000.0),
}
_PROFILE_KINDS = ("age_profile", "age_shares", "age_band_shares")
KINDS = (*_BOUNDS, *_PROFILE_KINDS, "countries")

ErrorFactory = Callable[[str], HrhError]


@dataclass(frozen=True)
class Reference:
    """A publication a parameter relies on."""

    title: str
    href: str


@dataclass(frozen=True)
class Resolved:
    """A parameter value with the key and the effective date it came from."""

    value: Any
    key: str
    effective: date


@dataclass(frozen=True)
class Parameter:
    """One dated parameter; ``values`` are (effective date, key → cadre → value), sorted."""

    path: str
    kind: str
    unit: str
    description: str
    comment: str
    references: tuple[Reference, ...]
    values: tuple[tuple[date, Mapping[str, Mapping[str, Any]]], ...]

    def lookup(self, keys: Sequence[str], cadre: str, year: int) -> Resolved | None:
        """Return the value for the first of ``keys`` that has one for ``cadre`` in ``year``."""
        as_of = date(year, 1, 1)
        for key in keys:
            for effective, by_key in reversed(self.values):
                if effective > as_of or key not in by_key:
                    continue
                leaf = by_key[key]
                if cadre in leaf:
                    return Resolved(leaf[cadre], key, effective)
                if ALL_CADRES in leaf:
                    return Resolved(leaf[ALL_CADRES], key, effective)
        return None

    def change_years(self) -> list[int]:
        """Return the years in which some value takes effect."""
        return sorted(
            {d.year if (d.month, d.day) == (1, 1) else d.year + 1 for d, _ in self.values}
        )

    @property
    def reference_text(self) -> str:
        """Return the references as one line."""
        return "; ".join(r.title for r in self.references)


@dataclass(frozen=True)
class ParameterSet:
    """The parameters of one file, with the overrides a scenario applied (never mutated)."""

    file: str
    parameters: Mapping[str, Parameter]

    def __getitem__(self, path: str) -> Parameter:
        try:
            return self.parameters[path]
        except KeyError:
            raise ConfigError(f"{self.file}: no parameter {path!r}.") from None

    def require(self, path: str, keys: Sequence[str], cadre: str, year: int) -> Resolved:
        """Return :meth:`Parameter.lookup` or raise naming the file, the key and the cadre."""
        found = self[path].lookup(keys, cadre, year)
        if found is None:
            raise ConfigError(
                f"{self.file}: parameters.{path} has no value for {cadre} in {year} "
                f"(looked for {', '.join(keys)})."
            )
        return found

    def digest(self) -> str:
        """Return a SHA-256 of the values (stable across runs)."""
        doc = {
            p.path: [[d.isoformat(), _plain(v)] for d, v in p.values]
            for p in sorted(self.parameters.values(), key=lambda p: p.path)
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()

    def with_overrides(self, overrides: Mapping[str, Any], where: str) -> ParameterSet:
        """Return a new set with dated ``overrides`` (path → date → key → value) merged in.

        Raises:
            Invalid: naming ``where`` (file and key) and what was expected.
        """
        params = dict(self.parameters)
        for path, dated in overrides.items():
            loc = f"{where}.{path}"
            if path not in params:
                raise Invalid(
                    f"{loc}: unknown parameter.",
                    hint="Known parameters: " + ", ".join(sorted(params)) + ".",
                )
            base = params[path]
            extra = _parse_values(dated, base.kind, loc, _invalid)
            merged: dict[date, dict[str, Mapping[str, Any]]] = {d: dict(v) for d, v in base.values}
            for d, by_key in extra:
                merged.setdefault(d, {}).update(by_key)
            params[path] = replace(base, values=_freeze_values(merged))
        return ParameterSet(self.file, MappingProxyType(params))


def _invalid(message: str) -> HrhError:
    return Invalid(message)


def _config(message: str) -> HrhError:
    return ConfigError(message)


@lru_cache(maxsize=4)
def load_projection_parameters(path: Path = PROJECTION_FILE) -> ParameterSet:
    """Load and check the parameter file (cached: the result is immutable).

    Raises:
        ConfigError: naming the file and the key when the file is malformed.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read parameters {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise ConfigError(f"{path.name}: expected a mapping with 'parameters'.")
    params = {
        name: _parse_parameter(name, node, f"{path.name}: parameters.{name}")
        for name, node in raw["parameters"].items()
    }
    return ParameterSet(path.name, MappingProxyType(params))


def _parse_parameter(name: str, node: Any, where: str) -> Parameter:
    if not isinstance(node, dict):
        raise ConfigError(f"{where}: expected a mapping with kind, unit, description, values.")
    kind = node.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind: expected one of {', '.join(KINDS)}; got {kind!r}.")
    for meta in ("unit", "description"):
        if not isinstance(node.get(meta), str) or not node[meta].strip():
            raise ConfigError(f"{where}.{meta}: expected a non-empty text.")
    refs = node.get("reference")
    if not isinstance(refs, list) or not all(
        isinstance(r, dict) and r.get("title") and r.get("href") for r in refs
    ):
        raise ConfigError(f"{where}.reference: expected a list of {{title, href}} (may be []).")
    values = _parse_values(node.get("values"), kind, f"{where}.values", _config)
    return Parameter(
        name,
        kind,
        node["unit"].strip(),
        " ".join(node["description"].split()),
        " ".join(str(node.get("comment") or "").split()),
        tuple(Reference(str(r["title"]), str(r["href"])) for r in refs),
        values,
    )


def _parse_values(
    raw: Any, kind: str, where: str, error: ErrorFactory
) -> tuple[tuple[date, Mapping[str, Mapping[str, Any]]], ...]:
    if not isinstance(raw, dict) or not raw:
        raise error(f"{where}: expected a mapping of effective dates (YYYY-MM-DD) to values.")
    out: dict[date, dict[str, Mapping[str, Any]]] = {}
    for when, by_key in raw.items():
        loc = f"{where}.{when}"
        effective = _parse_date(when, loc, error)
        if not isinstance(by_key, dict) or not by_key:
            raise error(
                f"{loc}: expected a mapping of ISO3 code, income group or default to values."
            )
        out[effective] = {}
        for key, leaf in by_key.items():
            _check_key(str(key), kind, f"{loc}.{key}", error)
            out[effective][str(key)] = _parse_leaf(leaf, kind, f"{loc}.{key}", error)
    return _freeze_values(out)


def _freeze_values(
    values: Mapping[date, Mapping[str, Mapping[str, Any]]],
) -> tuple[tuple[date, Mapping[str, Mapping[str, Any]]], ...]:
    return tuple((d, MappingProxyType(dict(values[d]))) for d in sorted(values))


def _parse_date(when: Any, where: str, error: ErrorFactory) -> date:
    if isinstance(when, date):
        return when
    try:
        return date.fromisoformat(str(when))
    except ValueError:
        raise error(f"{where}: expected an effective date YYYY-MM-DD; got {when!r}.") from None


def _check_key(key: str, kind: str, where: str, error: ErrorFactory) -> None:
    if kind in (*_PROFILE_KINDS, "countries"):
        if key != "default":
            raise error(f"{where}: this kind of parameter ({kind}) takes only `default`.")
        return
    if key != "default" and key not in GROUP_KEYS and not _ISO3.match(key):
        raise error(
            f"{where}: expected an ISO3 code, an income group ({', '.join(GROUP_KEYS)}) "
            "or `default`."
        )


def _parse_leaf(leaf: Any, kind: str, where: str, error: ErrorFactory) -> Mapping[str, Any]:
    """Return cadre (or ``*``) → value, checked for the kind."""
    if kind == "countries":
        if not isinstance(leaf, list) or not all(
            isinstance(c, str) and _ISO3.match(c) for c in leaf
        ):
            raise error(f"{where}: expected a list of ISO3 codes.")
        return MappingProxyType({ALL_CADRES: tuple(leaf)})
    if kind == "age_profile" and isinstance(leaf, dict) and all(isinstance(k, int) for k in leaf):
        return MappingProxyType({ALL_CADRES: _parse_profile(leaf, kind, where, error)})
    if kind in _PROFILE_KINDS:
        if not isinstance(leaf, dict) or not leaf:
            raise error(f"{where}: expected a mapping of cadre to ages and values.")
        return MappingProxyType(
            {str(c): _parse_profile(v, kind, f"{where}.{c}", error) for c, v in leaf.items()}
        )
    if isinstance(leaf, dict):
        if not leaf:
            raise error(f"{where}: expected a number or a mapping of cadre to number.")
        return MappingProxyType(
            {str(c): _number(v, kind, f"{where}.{c}", error) for c, v in leaf.items()}
        )
    return MappingProxyType({ALL_CADRES: _number(leaf, kind, where, error)})


def _number(value: Any, kind: str, where: str, error: ErrorFactory) -> float:
    lo, hi = _BOUNDS[kind]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise error(f"{where}: expected a number from {lo:g} to {hi:g} ({kind}); got {value!r}.")
    if kind in ("years",) and value != int(value):
        raise error(f"{where}: expected a whole number of years; got {value!r}.")
    return float(value)


def _parse_profile(raw: Any, kind: str, where: str, error: ErrorFactory) -> Mapping[Any, float]:
    if not isinstance(raw, dict) or not raw:
        raise error(f"{where}: expected a mapping of ages to values.")
    out: dict[Any, float] = {}
    for age, v in raw.items():
        if kind == "age_band_shares":
            m = _BAND.match(str(age))
            if not m or not AGE_MIN <= int(m[1]) <= int(m[2]) <= AGE_MAX:
                raise error(f"{where}.{age}: expected an age band like 25-29 within 20-74.")
            key: Any = (int(m[1]), int(m[2]))
        else:
            if not isinstance(age, int) or not AGE_MIN <= age <= AGE_MAX:
                raise error(f"{where}.{age}: expected a single age from 20 to 74.")
            key = age
        bound = 1.0 if kind != "age_profile" else 10.0
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= bound:
            raise error(f"{where}.{age}: expected a number from 0 to {bound:g}; got {v!r}.")
        out[key] = float(v)
    if kind != "age_profile" and abs(sum(out.values()) - 1.0) > 1e-6:
        raise error(f"{where}: shares must add up to 1; they add up to {sum(out.values()):.6g}.")
    return MappingProxyType(out)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
