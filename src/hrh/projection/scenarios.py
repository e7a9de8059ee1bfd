"""Scenarios: a name, a base scenario and dated overrides (levers and parameters).

A scenario file is YAML::

    name: ghana-retention-and-return
    description: One line saying what the scenario does.
    base: baseline                  # a bundled name or a path relative to this file
    need: {method: sdg_threshold}   # or {method: target_density, per_10k: {cadre: n}}
    parameters:                     # dated overrides of hrh/params/data/projection.yaml
      retirement.age: {"2030-01-01": {GHA: 62}}
    levers:
      - {lever: retention, from: 2026, where: {iso3: [GHA]}, factor: 0.5}

Levers (each from a year, for the countries of ``where`` and optionally some ``cadres``):
``training_intake`` (``change_pct``), ``retention`` (emigration × ``factor``),
``return_incentive`` (return rate × ``factor`` for workers trained in ``where``),
``retirement_age`` (``age``), ``attrition_reduction`` (``reduction_pct``) and
``ethical_recruitment`` (``destinations`` stop active recruitment from ``origins``, by
default the safeguards list 2023, with a ``compliance`` share: their corridor shares from
those origins × (1 − compliance), in both countries' projections).

Applying a scenario works on copies: the baseline rates and parameters are never changed.
Invalid files raise :class:`hrh.errors.Invalid` naming the file, the key and what was
expected.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from hrh.domain.codes import CADRES_BY_ID, INCOME_GROUPS, WHO_REGIONS
from hrh.errors import Invalid, NotFound
from hrh.params.projection import ParameterSet
from hrh.projection.ensemble import UNCERTAIN, Ranges
from hrh.projection.levers import ALTERNATIVE_VALUES, LEVERS, OPTIONS, WHOLE, Lever, Selector
from hrh.projection.need import METHODS, NeedSpec

BUNDLED = Path(__file__).parent / "scenarios"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_TOP = ("name", "description", "base", "need", "parameters", "levers", "uncertainty")
_SELECTOR_KEYS = ("all", "iso3", "who_region", "wb_region", "income", "ssl", "oecd")


@dataclass(frozen=True)
class Scenario:
    """A scenario resolved through its bases (levers and overrides in application order)."""

    name: str
    description: str
    chain: tuple[str, ...]
    levers: tuple[Lever, ...]
    parameters: tuple[tuple[str, Mapping[str, Any]], ...]
    need: NeedSpec
    file: str
    digest: str = field(default="", compare=False)
    uncertainty: Ranges = ()

    def ssl_editions(self) -> set[str]:
        """Return the safeguards list editions the levers refer to."""
        out = set()
        for lever in self.levers:
            for sel in (lever.countries, lever.origins):
                if sel is not None and sel.ssl is not None:
                    out.add(sel.ssl)
        return out

    def apply_parameters(self, params: ParameterSet) -> ParameterSet:
        """Return ``params`` with this scenario's dated overrides (a new set)."""
        for where, overrides in self.parameters:
            params = params.with_overrides(overrides, where)
        return params


def bundled_scenarios() -> list[Path]:
    """Return the bundled scenario files, sorted by name."""
    return sorted(BUNDLED.glob("*.yaml"))


def find_scenario(ref: str) -> Path:
    """Return the file of a bundled scenario name or of a path.

    Raises:
        NotFound: when ``ref`` is neither.
    """
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    bundled = BUNDLED / f"{ref}.yaml"
    if bundled.is_file():
        return bundled
    raise NotFound(
        f"No scenario {ref!r}: not a bundled name nor a YAML file.",
        hint="Bundled: " + ", ".join(p.stem for p in bundled_scenarios()) + ".",
    )


def read_scenario(path: Path) -> dict[str, Any]:
    """Read and check one scenario file (without its bases); return its parts."""
    return parse_scenario(_read(path), path.name)


def load_scenario(ref: str, params: ParameterSet) -> Scenario:
    """Read a scenario and its bases, check everything, and return it resolved.

    Raises:
        NotFound: for an unknown name.
        Invalid: naming the file, the key and what was expected.
    """
    return _resolve(_chain(find_scenario(ref)), params)


def bundled_scenario(name: str, where: str = "scenario") -> Path:
    """Return the file of a bundled scenario name (never a path: for requests over the API).

    Raises:
        NotFound: when ``name`` is not a bundled scenario.
    """
    bundled = BUNDLED / f"{name}.yaml"
    if not _NAME.match(name) or not bundled.is_file():
        raise NotFound(
            f"{where}: no bundled scenario {name!r}.",
            hint="Bundled: " + ", ".join(p.stem for p in bundled_scenarios()) + ".",
        )
    return bundled


def scenario_from_document(raw: Any, params: ParameterSet, file: str = "request") -> Scenario:
    """Check an inline scenario (a mapping shaped like a file) whose base is bundled.

    Raises:
        NotFound: for a base that is not a bundled name.
        Invalid: naming ``file``, the key and what was expected.
    """
    doc = parse_scenario(raw, file)
    chain = _chain(bundled_scenario(doc["base"], f"{file}: base")) if doc["base"] else []
    return _resolve([*chain, doc], params)


def _chain(start: Path) -> list[dict[str, Any]]:
    """Return a scenario file and its bases, the first base first."""
    chain: list[dict[str, Any]] = []
    seen: list[Path] = []
    path: Path | None = start
    while path is not None:
        resolved = path.resolve()
        if resolved in seen:
            names = " → ".join(p.name for p in [*seen, resolved])
            raise Invalid(f"{path.name}: base: the bases form a cycle ({names}).")
        seen.append(resolved)
        doc = read_scenario(path)
        chain.append(doc)
        path = _base_path(doc["base"], path) if doc["base"] else None
    return list(reversed(chain))


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise Invalid(f"{path.name}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise Invalid(f"{path.name}: cannot be read: {exc}") from None


def _base_path(base: str, child: Path) -> Path:
    candidate = child.parent / base
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return candidate
    try:
        return find_scenario(base)
    except NotFound:
        raise Invalid(
            f"{child.name}: base: expected a bundled scenario name or a YAML file; got {base!r}.",
            hint="Bundled: " + ", ".join(p.stem for p in bundled_scenarios()) + ".",
        ) from None


def _resolve(docs: list[dict[str, Any]], params: ParameterSet) -> Scenario:
    top = docs[-1]
    levers = tuple(lever for d in docs for lever in d["levers"])
    overrides = tuple(
        (f"{d['file']}: parameters", d["parameters"]) for d in docs if d["parameters"]
    )
    need = next((d["need"] for d in reversed(docs) if d["need"] is not None), NeedSpec())
    ranges: dict[str, tuple[float, float]] = {}
    for d in docs:  # a scenario's ranges replace its bases' for the same parameter
        ranges.update(d["uncertainty"])
    scenario = Scenario(
        top["name"],
        top["description"],
        tuple(d["name"] for d in docs),
        levers,
        overrides,
        need,
        top["file"],
        uncertainty=tuple((k, lo, hi) for k, (lo, hi) in sorted(ranges.items())),
    )
    scenario.apply_parameters(params)  # raises Invalid naming the file and key
    return replace(scenario, digest=_digest(scenario))


def _digest(s: Scenario) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        return value if isinstance(value, int | float | str | bool | None) else str(value)

    def lever_doc(lever: Lever) -> Any:
        doc = plain(replace(lever, where=""))
        # fields at their defaults are left out: hashes of older scenarios do not change
        if doc["key"] in ("", LEVERS[lever.kind][0]):
            del doc["key"]
        for name in ("options", "cadre"):
            if not doc[name]:
                del doc[name]
        return doc

    lever_docs = [lever_doc(lever) for lever in s.levers]
    doc = {"levers": lever_docs, "parameters": [plain(p) for _, p in s.parameters]}
    doc["need"] = plain(s.need)
    if s.uncertainty:  # left out when empty: hashes of older scenarios do not change
        doc["uncertainty"] = plain(s.uncertainty)
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def parse_scenario(raw: Any, file: str) -> dict[str, Any]:
    """Check one scenario file's content; return its parts (levers parsed)."""
    if not isinstance(raw, dict):
        raise Invalid(f"{file}: expected a mapping with name, description and levers.")
    unknown = sorted(set(raw) - set(_TOP))
    if unknown:
        raise Invalid(f"{file}: {unknown[0]}: unknown key; expected one of {', '.join(_TOP)}.")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise Invalid(
            f"{file}: name: expected lower-case letters, digits and hyphens; got {name!r}."
        )
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise Invalid(f"{file}: description: expected a one-line text.")
    base = raw.get("base")
    if base is not None and (not isinstance(base, str) or not base.strip()):
        raise Invalid(f"{file}: base: expected a scenario name or a path; got {base!r}.")
    levers = raw.get("levers") or []
    if not isinstance(levers, list):
        raise Invalid(f"{file}: levers: expected a list of levers.")
    parameters = raw.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise Invalid(f"{file}: parameters: expected a mapping of parameter to dated values.")
    return {
        "file": file,
        "name": name,
        "description": " ".join(description.split()),
        "base": base,
        "need": _parse_need(raw.get("need"), f"{file}: need"),
        "parameters": parameters,
        "levers": [_parse_lever(x, f"{file}: levers[{i}]") for i, x in enumerate(levers)],
        "uncertainty": _parse_uncertainty(raw.get("uncertainty"), f"{file}: uncertainty"),
    }


def _parse_uncertainty(raw: Any, where: str) -> dict[str, tuple[float, float]]:
    """Check ``parameter: {low: multiplier, high: multiplier}`` ranges (0 ≤ low ≤ 1 ≤ high)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        raise Invalid(
            f"{where}: expected a mapping of parameter to {{low, high}} multipliers, e.g. "
            "{attrition.annual_rate: {low: 0.8, high: 1.25}}."
        )
    out = {}
    for name, rng in raw.items():
        loc = f"{where}.{name}"
        if name not in UNCERTAIN:
            raise Invalid(f"{loc}: expected one of {', '.join(UNCERTAIN)}.")
        if not isinstance(rng, dict) or set(rng) != {"low", "high"}:
            raise Invalid(f"{loc}: expected {{low: multiplier, high: multiplier}}; got {rng!r}.")
        low = _bounded(rng["low"], 0.0, 1.0, f"{loc}.low")
        high = _bounded(rng["high"], 1.0, 10.0, f"{loc}.high")
        out[str(name)] = (low, high)
    return out


def _parse_need(raw: Any, where: str) -> NeedSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("method") not in METHODS:
        got = raw.get("method") if isinstance(raw, dict) else raw
        raise Invalid(f"{where}.method: expected one of {', '.join(METHODS)}; got {got!r}.")
    if raw["method"] == "target_density":
        per = raw.get("per_10k")
        if not isinstance(per, dict) or not per:
            raise Invalid(f"{where}.per_10k: expected a mapping of cadre to density per 10,000.")
        for cadre, v in per.items():
            _cadre(cadre, f"{where}.per_10k.{cadre}")
            _bounded(v, 0.0, 10_000.0, f"{where}.per_10k.{cadre}")
        return NeedSpec("target_density", {str(k): float(v) for k, v in per.items()})
    unknown = sorted(set(raw) - {"method", "threshold_per_10k"})
    if unknown:
        raise Invalid(f"{where}.{unknown[0]}: unknown key; expected method, threshold_per_10k.")
    threshold = raw.get("threshold_per_10k")
    if threshold is not None:
        threshold = _bounded(threshold, 0.0, 10_000.0, f"{where}.threshold_per_10k")
    return NeedSpec(raw["method"], {}, threshold)


def _parse_lever(raw: Any, where: str) -> Lever:
    if not isinstance(raw, dict):
        raise Invalid(f"{where}: expected a mapping with lever, from and its value.")
    kind = raw.get("lever")
    if kind not in LEVERS:
        raise Invalid(f"{where}.lever: expected one of {', '.join(LEVERS)}; got {kind!r}.")
    key, lo, hi = LEVERS[kind]
    alternative = ALTERNATIVE_VALUES.get(kind)
    if alternative is not None and alternative[0] in raw:
        if key in raw:
            raise Invalid(f"{where}: give {key} or {alternative[0]}, not both.")
        key, lo, hi = alternative
    start = raw.get("from")
    if isinstance(start, bool) or not isinstance(start, int) or not 1950 <= start <= 2200:
        raise Invalid(f"{where}.from: expected the first year the lever applies; got {start!r}.")
    options = OPTIONS.get(kind, {})
    allowed = {"lever", "from", key, "cadres", "note", *options}
    allowed |= {"destinations", "origins"} if kind == "ethical_recruitment" else {"where"}
    allowed = (allowed - {"cadres"}) | {"cadre"} if kind == "new_cadre" else allowed
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise Invalid(f"{where}.{unknown[0]}: unknown key; expected {', '.join(sorted(allowed))}.")
    value = _bounded(raw.get(key), lo, hi, f"{where}.{key}")
    whole = WHOLE.get(kind, frozenset())
    if key in whole and value != int(value):
        raise Invalid(f"{where}.{key}: expected a whole number; got {raw.get(key)!r}.")
    given = []
    for name, (olo, ohi, _default) in options.items():
        if name in raw:
            number = _bounded(raw[name], olo, ohi, f"{where}.{name}")
            if name in whole and number != int(number):
                raise Invalid(f"{where}.{name}: expected a whole number; got {raw[name]!r}.")
            given.append((name, number))
    cadres = raw.get("cadres")
    if cadres is not None:
        if not isinstance(cadres, list) or not cadres:
            raise Invalid(f"{where}.cadres: expected a list of cadre ids.")
        cadres = tuple(_cadre(c, f"{where}.cadres") for c in cadres)
    new_cadre = _cadre(raw.get("cadre"), f"{where}.cadre") if kind == "new_cadre" else ""
    if kind == "ethical_recruitment":
        countries = _selector(raw.get("destinations"), f"{where}.destinations")
        origins = _selector(raw.get("origins", {"ssl": "2023"}), f"{where}.origins")
        return Lever(kind, start, value, countries, cadres, origins, where, key)
    return Lever(
        kind,
        start,
        value,
        _selector(raw.get("where"), f"{where}.where"),
        cadres,
        None,
        where,
        key,
        tuple(given),
        new_cadre,
    )


def _bounded(value: Any, lo: float, hi: float, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise Invalid(f"{where}: expected a number from {lo:g} to {hi:g}; got {value!r}.")
    return float(value)


def _cadre(value: Any, where: str) -> str:
    if value not in CADRES_BY_ID:
        raise Invalid(
            f"{where}: expected a cadre id (e.g. medical_doctors, nursing_midwifery); "
            f"got {value!r}."
        )
    return str(value)


def _selector(raw: Any, where: str) -> Selector:
    if not isinstance(raw, dict) or not raw:
        raise Invalid(
            f"{where}: expected a mapping such as {{iso3: [GHA]}}, {{wb_region: ...}}, "
            "{income: [LIC]}, {ssl: '2023'}, {oecd: true} or {all: true}."
        )
    unknown = sorted(set(raw) - set(_SELECTOR_KEYS))
    if unknown:
        raise Invalid(f"{where}.{unknown[0]}: unknown key; expected {', '.join(_SELECTOR_KEYS)}.")
    if "all" in raw and raw["all"] is not True:
        raise Invalid(f"{where}.all: expected true.")
    iso3 = _codes(raw.get("iso3"), f"{where}.iso3", lambda c: bool(_ISO3.match(c)), "ISO3 codes")
    who = _codes(
        raw.get("who_region"), f"{where}.who_region", WHO_REGIONS.__contains__, "WHO regions"
    )
    income = _codes(
        raw.get("income"), f"{where}.income", INCOME_GROUPS.__contains__, "LIC/LMC/UMC/HIC"
    )
    wb = _codes(raw.get("wb_region"), f"{where}.wb_region", bool, "World Bank regions")
    ssl = raw.get("ssl")
    if ssl is not None and not re.match(r"^\d{4}$", str(ssl)):
        raise Invalid(
            f"{where}.ssl: expected a safeguards list edition such as '2023'; got {ssl!r}."
        )
    oecd = raw.get("oecd")
    if oecd is not None and not isinstance(oecd, bool):
        raise Invalid(f"{where}.oecd: expected true or false; got {oecd!r}.")
    return Selector(iso3, who, wb, income, None if ssl is None else str(ssl), oecd)


def _codes(raw: Any, where: str, ok: Any, what: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    items = [raw] if isinstance(raw, str) else raw
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(c, str) and ok(c) for c in items)
    ):
        raise Invalid(f"{where}: expected one or a list of {what}; got {raw!r}.")
    return tuple(items)
