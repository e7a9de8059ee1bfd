"""Parquet output of tabular rows (``--out FILE.parquet``): the CSV's columns, typed.

``country``, ``cadre`` and other text columns are strings, ``year`` a 64-bit integer, every
other column a 64-bit float (null where the CSV has an empty cell, e.g. ``need`` without
population data). The run's metadata (the JSON document without its rows: scenario, hash,
seed, mode, code version, assumptions, sources) is kept in the schema's metadata under
the key ``hrh``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hrh.errors import Invalid

_TEXT = frozenset({"country", "cadre", "id", "scenario"})
_INTEGER = frozenset({"year"})


def write_parquet(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], doc: dict[str, Any], out: Path
) -> None:
    """Write ``rows`` (the given ``columns``, in order) to ``out`` as a Parquet file.

    Raises:
        Invalid: when the file cannot be written.
    """
    import pyarrow as pa  # here: pyarrow takes a while to import (hrh --help stays fast)
    import pyarrow.parquet as pq

    arrays = []
    for name in columns:
        values = [r.get(name) for r in rows]
        kind = pa.string() if name in _TEXT else pa.int64() if name in _INTEGER else pa.float64()
        arrays.append(pa.array(values, type=kind))
    meta = {k: v for k, v in doc.items() if k != "rows"}
    schema = pa.schema(
        [pa.field(n, a.type) for n, a in zip(columns, arrays, strict=True)],
        metadata={"hrh": json.dumps(meta, ensure_ascii=False)},
    )
    try:
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), out)
    except OSError as exc:
        raise Invalid(f"--out {out}: cannot be written: {exc}") from None
