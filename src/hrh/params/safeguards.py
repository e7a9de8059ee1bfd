"""Load the SSL criteria from ``data/safeguards_list.yaml``; errors name the file and key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from hrh.errors import ConfigError, NotFound

PARAMS_FILE = Path(__file__).parent / "data" / "safeguards_list.yaml"
_NUMBERS = (
    "density_threshold",
    "uhc_index_threshold",
    "density_data_until",
    "uhc_index_year",
    "margin_share",
)


@dataclass(frozen=True)
class SafeguardCriteria:
    """The criteria of one SSL edition.

    >>> c = load_criteria("2023")
    >>> c.density_threshold, c.uhc_index_threshold, c.density_data_until, c.uhc_index_year
    (49.0, 55.0, 2022, 2019)
    """

    version: str
    effective: date
    density_threshold: float
    uhc_index_threshold: float
    density_data_until: int
    uhc_index_year: int
    margin_share: float
    references: tuple[str, ...]


def versions(path: Path = PARAMS_FILE) -> list[str]:
    """Return the editions described in the parameter file, newest first."""
    return sorted(_load(path)["versions"], reverse=True)


def load_criteria(version: str, path: Path = PARAMS_FILE) -> SafeguardCriteria:
    """Return the criteria of edition ``version``.

    Raises:
        NotFound: for an edition the file does not describe.
        ConfigError: when the file is malformed (naming the file and the key).
    """
    raw = _load(path)
    entry = raw["versions"].get(version)
    if entry is None:
        raise NotFound(
            f"No SSL edition {version!r} in {path.name}.",
            hint="Known editions: " + ", ".join(sorted(raw["versions"])) + ".",
        )
    nums: dict[str, float] = {}
    refs: list[str] = []
    for key in _NUMBERS:
        node = entry.get(key)
        where = f"{path.name}: versions.{version}.{key}"
        if not isinstance(node, dict) or not isinstance(node.get("value"), int | float):
            raise ConfigError(f"{where} needs a numeric 'value' (with unit and description).")
        for meta in ("unit", "description"):
            if not node.get(meta):
                raise ConfigError(f"{where} lacks its '{meta}'.")
        nums[key] = float(node["value"])
        refs.extend(r["title"] for r in node.get("reference") or [])
    eff = entry.get("effective")
    if not isinstance(eff, date):
        raise ConfigError(f"{path.name}: versions.{version}.effective must be a date (YYYY-MM-DD).")
    return SafeguardCriteria(
        version,
        eff,
        nums["density_threshold"],
        nums["uhc_index_threshold"],
        int(nums["density_data_until"]),
        int(nums["uhc_index_year"]),
        nums["margin_share"],
        tuple(dict.fromkeys(refs)),
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"Cannot read parameters {path}: {exc}") from exc
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parse(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """Parse the file once per version of it (the key has its time and size); read-only."""
    del mtime_ns, size
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read parameters {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("versions"), dict):
        raise ConfigError(f"{path.name}: expected a mapping with 'versions'.")
    return raw
