"""Utilisation weights by age group (``data/utilisation.yaml``), dated like every parameter.

>>> w = load_utilisation_weights()
>>> profile = w.profile_at("GHA", 2030)
>>> profile.weight_of(0, 4), profile.weight_of(80, 84), w.key_at("GHA", 2030)
(1.6, 3.2, 'default')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from hrh.errors import ConfigError

UTILISATION_FILE = Path(__file__).parent / "data" / "utilisation.yaml"
PATH = "need.utilisation_weights"
_GROUP = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")
_KEY = re.compile(r"^([A-Z]{3}|default)$")


@dataclass(frozen=True)
class AgeProfile:
    """Weights of age groups ``(low, high)`` (``high`` None: and older), covering 0 on."""

    groups: tuple[tuple[int, int | None, float], ...]

    def weight_of(self, low: int, high: int | None) -> float:
        """Return the weight of the group that holds the band ``low``–``high``.

        Raises:
            ConfigError: when the band is not inside one group.
        """
        for lo, hi, weight in self.groups:
            top_ok = hi is None or (high is not None and high <= hi)
            if lo <= low and top_ok:
                return weight
        band = f"{low}+" if high is None else f"{low}-{high}"
        raise ConfigError(
            f"{UTILISATION_FILE.name}: {PATH}: the population age band {band} is not inside "
            "one age group; expected groups that five-year bands nest in (e.g. 0-4, 5-14, 75+)."
        )


@dataclass(frozen=True)
class UtilisationWeights:
    """The dated profiles: (effective date, key → profile), sorted by date; with metadata."""

    file: str
    unit: str
    comment: str
    reference: str
    values: tuple[tuple[date, dict[str, AgeProfile]], ...]

    def key_at(self, iso3: str, year: int) -> str:
        """Return the key used for a country in a year (its ISO3 or ``default``)."""
        for _d, by_key in self._until(year):
            if iso3 in by_key:
                return iso3
        return "default"

    def profile_at(self, iso3: str, year: int) -> AgeProfile:
        """Return the national profile in force on 1 January, else the default one."""
        for key in (iso3, "default"):
            for _d, by_key in self._until(year):
                if key in by_key:
                    return by_key[key]
        raise ConfigError(f"{self.file}: {PATH} has no default profile in force in {year}.")

    def _until(self, year: int) -> list[tuple[date, dict[str, AgeProfile]]]:
        return [v for v in reversed(self.values) if v[0] <= date(year, 1, 1)]


@lru_cache(maxsize=2)
def load_utilisation_weights(path: Path = UTILISATION_FILE) -> UtilisationWeights:
    """Load and check the file (cached).

    Raises:
        ConfigError: naming the file, the key and what was expected.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}") from exc
    node = (raw or {}).get("parameters", {}).get(PATH) if isinstance(raw, dict) else None
    where = f"{path.name}: parameters.{PATH}"
    if not isinstance(node, dict):
        raise ConfigError(f"{where}: expected a mapping with unit, description and values.")
    for meta in ("unit", "description", "comment"):
        if not isinstance(node.get(meta), str) or not node[meta].strip():
            raise ConfigError(f"{where}.{meta}: expected a non-empty text.")
    values = node.get("values")
    if not isinstance(values, dict) or not values:
        raise ConfigError(f"{where}.values: expected a mapping of effective dates to profiles.")
    parsed = []
    for when, by_key in values.items():
        loc = f"{where}.values.{when}"
        try:
            effective = when if isinstance(when, date) else date.fromisoformat(str(when))
        except ValueError:
            raise ConfigError(f"{loc}: expected an effective date YYYY-MM-DD.") from None
        if not isinstance(by_key, dict) or not by_key:
            raise ConfigError(f"{loc}: expected a mapping of default or ISO3 to a profile.")
        profiles = {}
        for key, profile in by_key.items():
            if not _KEY.match(str(key)):
                raise ConfigError(f"{loc}.{key}: expected `default` or an ISO3 code.")
            profiles[str(key)] = _profile(profile, f"{loc}.{key}")
        parsed.append((effective, profiles))
    refs = node.get("reference") or []
    return UtilisationWeights(
        path.name,
        node["unit"].strip(),
        " ".join(node["comment"].split()),
        "; ".join(str(r.get("title", "")) for r in refs if isinstance(r, dict)),
        tuple(sorted(parsed, key=lambda v: v[0])),
    )


def _profile(raw: Any, where: str) -> AgeProfile:
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{where}: expected a mapping of age groups (0-4, 75+) to weights.")
    groups = []
    for label, weight in raw.items():
        m = _GROUP.match(str(label))
        if not m:
            raise ConfigError(f"{where}.{label}: expected an age group such as 0-4 or 75+.")
        number = isinstance(weight, int | float) and not isinstance(weight, bool)
        if not number or not 0 <= weight <= 100:
            raise ConfigError(f"{where}.{label}: expected a weight from 0 to 100; got {weight!r}.")
        lo, hi = int(m[1]), None if m[3] else int(m[2])
        groups.append((lo, hi, float(weight)))
    groups.sort()
    expected = 0
    for lo, hi, _w in groups:
        if lo != expected:
            raise ConfigError(
                f"{where}: age groups must cover every age from 0 without gaps or overlaps; "
                f"expected a group starting at {expected}, got one starting at {lo}."
            )
        expected = -1 if hi is None else hi + 1
    if expected != -1:
        raise ConfigError(f"{where}: the last age group must be open-ended (e.g. 75+).")
    return AgeProfile(tuple(groups))
