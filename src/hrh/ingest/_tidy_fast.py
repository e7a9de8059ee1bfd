"""The columnar fast path of the tidy CSV importer (pyarrow's CSV reader, numpy).

It handles only a clean file: valid UTF-8, a rectangular table, every cell valid and every
cell key unique. Each distinct combination of coded cells (country, cadre, sex, age band,
basis, measure, unit), each distinct year and each distinct source is validated once, with
the same functions as the row reader; rows are then assembled column-wise. At the first sign
of anything wrong it gives up (returns False) and the row-by-row reader takes over, which
reports every problem with its file, line, column and value. For a clean file both paths
give the same records (tested).

Rows come out as plain tuples in ``StockObs`` field order (building a million named tuples
costs more than reading the file); the writer is told their type.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import numpy as np

from hrh.ingest.base import Batch, CountryIndex, ImportResult

_YEARS = 301  # years 1900-2200 fit in this many slots of a cell key


def read_columnar(path: Path, countries: CountryIndex, vintage: str, result: ImportResult) -> bool:
    """Fill ``result`` from a clean CSV file and return True; return False to fall back."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return False
    from hrh.ingest import tidy

    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    first = data.split(b"\n", 1)[0].decode().rstrip("\r")
    names = [h.strip().lower() for h in first.split(",")]
    if '"' in first or len(set(names)) != len(names) or not set(tidy.REQUIRED) <= set(names):
        return False
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).combine_chunks()
        values = pc.cast(table.column("value"), pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return False
    n = table.num_rows
    if n == 0 or not np.all(np.isfinite(values)) or values.min() < 0:
        return False
    columns = {name: i for i, name in enumerate(names)}
    parser = tidy._RowParser(columns, countries, result)
    return _build(table, values, n, parser, vintage, result, tidy)


def _encode(column: Any) -> tuple[Any, list[str]]:
    """Return the column's codes (numpy int64) and its distinct texts."""
    encoded = column.chunk(0).dictionary_encode() if column.num_chunks else None
    if encoded is None:
        return np.zeros(0, dtype=np.int64), []
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_pylist()


def _build(
    table: Any,
    values: Any,
    n: int,
    parser: Any,
    vintage: str,
    result: ImportResult,
    tidy: Any,
) -> bool:
    # one code per distinct combination of the coded cells
    combo = np.zeros(n, dtype=np.int64)
    dictionaries = []
    for name in parser._coded_names:
        codes, texts = _encode(table.column(name))
        combo = combo * len(texts) + codes
        dictionaries.append(texts)
    uniq, inverse = np.unique(combo, return_inverse=True)
    normals = []
    for code in uniq.tolist():
        raw = []
        for texts in reversed(dictionaries):
            code, i = divmod(code, len(texts))
            raw.append(texts[i])
        normals.append(parser._coded[tuple(reversed(raw))])
    year_codes, year_texts = _encode(table.column("year"))
    years = [parser._years[y] for y in year_texts]
    source_codes, source_texts = _encode(table.column("source"))
    sources = [parser._sources[s] for s in source_texts]
    if None in normals or None in years or None in sources:
        return False
    year_of = np.array(years, dtype=np.int64)[year_codes]
    key = (inverse.astype(np.int64) * len(sources) + source_codes) * _YEARS + (year_of - 1900)
    key.sort()
    if n > 1 and not bool((key[1:] != key[:-1]).all()):
        return False  # a repeated cell: the row reader names both lines
    fields = [np.array([nb[i] for nb in normals], dtype=object)[inverse] for i in range(6)]
    factor = np.array([nb[6] for nb in normals], dtype=np.float64)[inverse]
    scaled = values if np.all(factor == 1.0) else values * factor
    for s_index, (name, _bits) in enumerate(sources):
        mask = source_codes == s_index if len(sources) > 1 else slice(None)
        country, cadre, sex, age, basis, measure = (f[mask].tolist() for f in fields)
        batch = Batch(tidy._source(name, vintage))
        batch.stocks = list(
            zip(
                country,
                cadre,
                year_of[mask].tolist(),
                sex,
                age,
                basis,
                measure,
                scaled[mask].tolist(),
                strict=True,
            )
        )
        result.batches.append(batch)
    result.rows_read = n
    return True
