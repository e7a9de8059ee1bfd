"""A published WHO Health Workforce Support and Safeguards List: one country per row.

Columns: ``iso3`` (required), ``uk_code_grade_march_2023`` or ``grade`` (optional). The list
version (``2023``) comes from the ``version`` option or the file name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hrh.domain.records import SafeguardEntry, SourceMeta
from hrh.errors import Invalid
from hrh.ingest._text import find_header, iter_rows, read_text
from hrh.ingest.base import Batch, CountryIndex, ImportResult, file_sha256


def read(path: Path, countries: CountryIndex, options: Mapping[str, str]) -> ImportResult:
    """Read a safeguards list CSV."""
    sha = file_sha256(path)
    version = options.get("version") or _version_from_name(path.name)
    result = ImportResult(file=path.name, format="safeguards-list", sha256=sha)
    text = read_text(path)
    header_at = find_header(text.splitlines(), ["iso3"], path.name)
    _, rows = iter_rows(text, path.name, header_at)
    batch = Batch(
        SourceMeta(
            key=f"who-ssl-{version}",
            vintage=options.get("vintage") or sha[:12],
            publisher="World Health Organization",
            title=f"WHO health workforce support and safeguards list {version}",
            url="https://www.who.int/publications/i/item/9789240069787",
            licence="CC BY-NC-SA 3.0 IGO",
        )
    )
    for line, row in rows:
        if not isinstance(row, dict):
            result.problems.append(row)
            continue
        result.rows_read += 1
        iso3 = countries.resolve(row["iso3"])
        if iso3 is None:
            result.problem(line, "iso3", row["iso3"], "an ISO 3166-1 alpha-3 country code")
            continue
        if result.first_seen(iso3, line) is not None:
            result.problem(line, "iso3", iso3, "each country once")
            continue
        grade = (row.get("uk_code_grade_march_2023") or row.get("grade") or "").strip().lower()
        batch.safeguards.append(SafeguardEntry(version, iso3, grade))
    result.batches = [batch]
    return result


def _version_from_name(name: str) -> str:
    m = re.search(r"(20\d\d)", name)
    if not m:
        raise Invalid(
            f"Cannot tell the list version of {name}.",
            hint="Pass the version, e.g. --option version=2023.",
        )
    return m.group(1)
