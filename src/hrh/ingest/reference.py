"""The bundled reference data: where it lies, the country code lists and the load manifest."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hrh.domain.codes import INCOME_GROUPS, WHO_REGIONS
from hrh.domain.records import Country

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

_REGION_BY_NAME = {name: code for code, name in WHO_REGIONS.items()}
_INCOME_BY_NAME = {name: code for code, name in INCOME_GROUPS.items()}

#: Codes that World Bank files use for places without an ISO 3166-1 code of their own.
_EXTRA_COUNTRIES = (Country("XKX", "XK", "", "Kosovo", wb_income="", wb_region=""),)
_EXTRA_AGGREGATES = {
    "INX": "Not classified (World Bank)",
    "CHI": "Channel Islands (World Bank; ISO codes GGY and JEY)",
}


@dataclass(frozen=True)
class CountryReference:
    """Countries, their other codes, and the aggregate codes that sources mix in."""

    countries: list[Country]
    aliases: dict[str, str] = field(default_factory=dict)
    aggregates: dict[str, str] = field(default_factory=dict)


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def read_country_reference(root: Path = REFERENCE_DIR) -> CountryReference:
    """Build the country list from ISO 3166, WHO membership and World Bank classification."""
    who = {
        r["iso_3166"]: r for r in _rows(root / "who_member_states" / "who_member_states.tsv", "\t")
    }
    wb = {
        r["Code"]: r
        for r in _rows(root / "wb_income_classification" / "CLASS_list_of_economies.csv")
    }
    countries: list[Country] = []
    aliases: dict[str, str] = {}
    for r in _rows(root / "iso3166_countries" / "all.csv"):
        iso3 = r["alpha-3"]
        w = who.get(iso3, {})
        b = wb.get(iso3, {})
        countries.append(
            Country(
                iso3=iso3,
                iso2=r["alpha-2"],
                m49=r["country-code"],
                name=r["name"],
                who_region=_REGION_BY_NAME.get(w.get("who_region", ""), ""),
                who_member=w.get("who_member_state", "").upper() == "TRUE",
                wb_income=_INCOME_BY_NAME.get(b.get("Income group", ""), ""),
                wb_region=b.get("Region", ""),
            )
        )
        aliases[r["alpha-2"]] = iso3
        aliases[r["country-code"]] = iso3
        aliases[str(int(r["country-code"]))] = iso3
        aliases[r["name"]] = iso3
    for extra in _EXTRA_COUNTRIES:
        b = wb.get(extra.iso3, {})
        countries.append(
            Country(
                extra.iso3,
                extra.iso2,
                extra.m49,
                extra.name,
                wb_income=_INCOME_BY_NAME.get(b.get("Income group", ""), ""),
                wb_region=b.get("Region", ""),
            )
        )
        aliases[extra.iso2] = extra.iso3
    known = {c.iso3 for c in countries}
    for code, r in wb.items():
        if code in known and r["Economy"] not in aliases:
            aliases[r["Economy"]] = code
    aggregates = dict(_EXTRA_AGGREGATES)
    for r in _rows(root / "wb_income_classification" / "CLASS_groups.csv"):
        aggregates.setdefault(r["GroupCode"], r["GroupName"])
    return CountryReference(countries, aliases, aggregates)


@dataclass(frozen=True)
class ManifestEntry:
    """One bundled file and the format that loads it."""

    format: str
    file: Path
    options: dict[str, str]
    title: str


def read_manifest(root: Path = REFERENCE_DIR) -> list[ManifestEntry]:
    """Return the bundled datasets in load order (``manifest.yaml``)."""
    raw = yaml.safe_load((root / "manifest.yaml").read_text(encoding="utf-8"))
    return [
        ManifestEntry(
            format=e["format"],
            file=root / e["file"],
            options={k: str(v) for k, v in (e.get("options") or {}).items()},
            title=e.get("title", e["file"]),
        )
        for e in raw["datasets"]
    ]
