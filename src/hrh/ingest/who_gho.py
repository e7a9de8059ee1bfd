"""WHO Global Health Observatory (GHO) export CSV for the health workforce, HWF_0001…HWF_0009.

One row per indicator, country, year (and sex where the series is disaggregated). Columns
used (other columns of the export are ignored):

=======================  ============================================================
IndicatorCode            HWF_0001 … HWF_0009 (see ``INDICATORS``; HWF_0005 is skipped)
SpatialDimValueCode      ISO 3166-1 alpha-3
Location type            only ``Country`` rows are kept; regions and groups are skipped
Period                   calendar year
Dim1ValueCode / Dim1     sex: SEX_FMLE, SEX_MLE, SEX_BTSX (or Female, Male, Both sexes);
                         empty means total
FactValueNumeric         the value; when empty, ``Value`` (which may be written ``7 035``)
FactValueNumericPrefix   ``<`` or ``>`` marks a censored value, which is skipped
DateModified             when WHO last changed the row; the latest one names the vintage
=======================  ============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from hrh.domain.codes import TOTAL_AGE, normalise_sex
from hrh.domain.records import SourceMeta, StockObs
from hrh.errors import Invalid, Problem
from hrh.ingest._text import (
    canonical_names,
    find_header,
    iter_rows,
    parse_iso_date,
    parse_number,
    parse_year,
    read_text,
)
from hrh.ingest.base import Batch, CountryIndex, ImportResult, StockRow, file_sha256

#: GHO indicator code → (cadre id, measure). Densities are per 10,000 already.
INDICATORS: dict[str, tuple[str, str]] = {
    "HWF_0001": ("medical_doctors", "per_10k"),
    "HWF_0002": ("medical_doctors", "headcount"),
    "HWF_0003": ("generalist_doctors", "headcount"),
    "HWF_0004": ("specialist_doctors", "headcount"),
    "HWF_0006": ("nursing_midwifery", "per_10k"),
    "HWF_0007": ("nursing_midwifery", "headcount"),
    "HWF_0008": ("nurses", "headcount"),
    "HWF_0009": ("midwives", "headcount"),
}
#: Indicators the file may hold that the observatory does not store, with the reason.
SKIPPED_INDICATORS: dict[str, str] = {
    "HWF_0005": "HWF_0005 medical doctors not further defined (part of HWF_0002)",
}

REQUIRED = ("IndicatorCode", "SpatialDimValueCode", "Period")
COLUMNS = (
    *REQUIRED,
    "Location type",
    "Dim1 type",
    "Dim1",
    "Dim1ValueCode",
    "FactValueNumericPrefix",
    "FactValueNumeric",
    "Value",
    "DateModified",
)
AGGREGATE = "region or group aggregate"
EMPTY = "empty value"
CENSORED = "censored value (prefix < or >)"

_EXPECTED_CODES = "one of " + ", ".join(sorted(INDICATORS)) + " (HWF_0005 is accepted and skipped)"


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a WHO GHO export CSV into workforce stock observations (one source vintage)."""
    sha = file_sha256(path)
    result = ImportResult(file=path.name, format="who-gho", sha256=sha)
    text = read_text(path)
    header_at = find_header(text.splitlines(), REQUIRED, path.name)
    header, rows = iter_rows(text, path.name, header_at)
    _check_value_columns(header, path.name, header_at + 1)
    names = canonical_names(header, COLUMNS)
    stocks: list[StockRow] = []
    latest = ""
    for line, raw in rows:
        if isinstance(raw, Problem):
            result.problems.append(raw)
            continue
        result.rows_read += 1
        row = {names[k]: v for k, v in raw.items()}
        latest = max(latest, _date_modified(row, line, result))
        obs = _parse_row(row, line, countries, result)
        if obs is None:
            continue
        earlier = result.first_seen((obs.cadre, obs.measure, obs.country, obs.year, obs.sex), line)
        if earlier is not None:
            result.problem(line, None, None, f"one row per cell (same cell as line {earlier})")
            continue
        stocks.append(obs)
    if result.rows_read == 0 and not result.problems:
        result.problem(header_at + 2, None, None, "at least one data row")
    vintage = options.get("vintage") or latest or sha[:12]
    result.batches = [Batch(_source(vintage, latest), stocks=stocks)] if stocks else []
    return result


def _source(vintage: str, released: str) -> SourceMeta:
    return SourceMeta(
        key="who-gho",
        vintage=vintage,
        publisher="World Health Organization",
        title="Global Health Observatory: National Health Workforce Accounts",
        url="https://www.who.int/data/gho/data/themes/topics/health-workforce",
        licence="CC BY-NC-SA 3.0 IGO",
        released=released,
    )


def _check_value_columns(header: list[str], file: str, line: int) -> None:
    names = {h.strip().lower() for h in header}
    if not names & {"factvaluenumeric", "value"}:
        raise Invalid(
            f"{file}: the header has neither a FactValueNumeric nor a Value column.",
            hint="Download the data from the GHO as 'CSV table' (export format).",
            problems=[Problem(file, line, "FactValueNumeric", None, "this column in the header")],
        )


def _date_modified(row: dict[str, str], line: int, result: ImportResult) -> str:
    raw = row.get("DateModified", "").strip()
    if not raw:
        return ""
    day = parse_iso_date(raw)
    if day is None:
        result.problem(line, "DateModified", raw, "an ISO date such as 2022-01-24T08:00:00.000Z")
        return ""
    return day


def _parse_row(
    row: dict[str, str], line: int, countries: CountryIndex, result: ImportResult
) -> StockObs | None:
    code = row["IndicatorCode"].strip().upper()
    if code in SKIPPED_INDICATORS:
        result.skipped[SKIPPED_INDICATORS[code]] += 1
        return None
    place = row.get("Location type", "").strip()
    area = row["SpatialDimValueCode"].strip()
    if (place and place.lower() != "country") or countries.is_aggregate(area):
        result.skipped[AGGREGATE] += 1
        return None
    if row.get("FactValueNumericPrefix", "").strip():
        result.skipped[CENSORED] += 1
        return None
    column, text = _value_cell(row)
    if not text.strip():
        result.skipped[EMPTY] += 1
        return None
    ok = True

    def bad(col: str, value: str, expected: str) -> None:
        nonlocal ok
        ok = False
        result.problem(line, col, value, expected)

    if code not in INDICATORS:
        bad("IndicatorCode", row["IndicatorCode"], _EXPECTED_CODES)
    iso3 = countries.resolve(area)
    if iso3 is None:
        bad("SpatialDimValueCode", area, "an ISO 3166-1 alpha-3 country code such as GHA")
    year, value = 0, 0.0
    try:
        year = parse_year(row["Period"])
    except ValueError:
        bad("Period", row["Period"], "a year between 1900 and 2200")
    try:
        value = parse_number(text)
        if value < 0:
            raise ValueError(text)
    except ValueError:
        bad(column, text, "a non-negative number (e.g. 1.48 or 7 035)")
    sex = _sex(row, bad)
    if not ok or iso3 is None or sex is None:
        return None
    cadre, measure = INDICATORS[code]
    return StockObs(iso3, cadre, year, sex, TOTAL_AGE, "all", measure, value)


def _value_cell(row: dict[str, str]) -> tuple[str, str]:
    numeric = row.get("FactValueNumeric", "")
    if numeric.strip() or "Value" not in row:
        return "FactValueNumeric", numeric
    return "Value", row["Value"]


def _sex(row: dict[str, str], bad: Callable[[str, str, str], None]) -> str | None:
    kind = row.get("Dim1 type", "").strip()
    column = "Dim1ValueCode" if row.get("Dim1ValueCode", "").strip() else "Dim1"
    raw = row.get(column, "")
    if kind and kind.lower() != "sex":
        bad("Dim1 type", kind, "Sex or empty (only sex disaggregation is supported)")
        return None
    try:
        return normalise_sex(raw.strip().upper().removeprefix("SEX_"))
    except Invalid:
        bad(column, raw, "SEX_FMLE, SEX_MLE, SEX_BTSX or empty")
        return None
