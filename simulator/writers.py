"""File formats for exported tables: CSV, Parquet, XLSX, JSON Lines and DuckDB.

Every writer goes through a table ``CHUNK_ROWS`` rows at a time (CSV and
JSON Lines appended chunk by chunk, Parquet row groups, DuckDB inserts, XLSX
rows streamed with XlsxWriter's ``constant_memory``), so no format builds a
whole file in memory.

- Column names: a dotted name (``via.channel``) is flattened to ``via_channel``
  everywhere except JSON Lines, which nests it (``{"via": {"channel": ...}}``);
  ``tags`` and ``domain_names`` are space-separated text, lists in JSON Lines.
- CSV: RFC 4180, text in double quotes, booleans ``true``/``false``, floats
  in their shortest exact form, missing values empty.
- Timestamps: CSV and JSON Lines write ISO 8601, UTC columns with ``Z``
  (``2026-01-05T14:00:00Z``), local ones with milliseconds and their offset,
  naive ones (local, no zone) as ``2026-01-05 09:00:00``; Parquet and DuckDB
  keep typed timestamps; XLSX writes local times of the scenario's zone, named
  in the header (``created_at (America/New_York)``), since Excel has no zones.
- Formula injection: in CSV, text beginning with ``=``, ``+``, ``-`` or ``@``
  gets a leading single quote (``'=SUM(A1)``), which spreadsheets show as
  text; XLSX writes all text with ``write_string``, never as a formula.
- Reproducibility: CSV, Parquet, JSON Lines and XLSX (fixed document
  properties) are byte-identical for the same tables; a DuckDB file is not
  (compare it by content).
- DuckDB: tables in ``main``, except the ``zendesk_warehouse`` shape's, which
  go under schema ``zendesk`` as the connector lands them (``data_dictionary``
  stays in ``main``).
- XLSX: a sheet holds at most 1,048,576 rows including its header, so a larger
  table continues on numbered sheets (``tickets (1)``, ``tickets (2)``, ...).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet", "xlsx", "jsonl", "duckdb")
CHUNK_ROWS = 50_000
JSONL_CHUNK_ROWS = 10_000  # a JSON chunk is a Python object per cell: kept small
XLSX_DEFAULT_TABLES = ("tickets", "daily", "intervals")
LIST_COLUMNS = frozenset({"tags", "domain_names"})
FORMULA_PREFIXES = ("=", "+", "-", "@")
DUCKDB_SCHEMAS = {"zendesk_warehouse": "zendesk"}  # shapes whose DuckDB tables get a schema

Progress = Callable[[int], None]


class FormatError(ValueError):
    """An unknown format; the message names the option."""


def parse_formats(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise FormatError(f"--format: must be a comma-separated list of {', '.join(FORMATS)}, "
                          f"got '{text}'")
    return names


def flat_name(column: str) -> str:
    return column.replace(".", "_")


def chunks(frame: pd.DataFrame, rows: int | None = None) -> Iterator[pd.DataFrame]:
    rows = rows or CHUNK_ROWS
    for start in range(0, max(len(frame), 1), rows):
        yield frame.iloc[start:start + rows]


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return not pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    return dtype == object or isinstance(dtype, pd.StringDtype)


def time_arrow(series: pd.Series) -> pa.Array:
    """ISO 8601 text as an Arrow string array (missing values null).

    Vectorised in Arrow: casting a timestamp to text is several times faster
    than numpy's ``datetime_as_string`` and far faster than ``strftime``.
    """
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        if str(series.dt.tz) == "UTC":
            utc = series.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
            return pc.binary_join_element_wise(_iso_t(utc, missing), "Z", "")
        return local_time_arrow(series)
    naive = series.to_numpy(dtype="datetime64[s]")
    return pc.cast(pa.array(naive, mask=missing), pa.string())  # 2026-01-05 09:00:00


def local_time_arrow(series: pd.Series) -> pa.Array:
    """Timezone-aware times as local ISO 8601 text with milliseconds and offset
    (``2026-01-05T09:00:00.250-05:00``), whatever the zone (UTC too)."""
    missing = series.isna().to_numpy()
    local = series.dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
    utc = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
    minutes = np.where(missing, 0, (local - utc).astype("timedelta64[m]").astype(np.int64))
    offsets, inverse = np.unique(minutes, return_inverse=True)
    labels = pa.array([f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
                       for m in offsets.tolist()], type=pa.string())
    return pc.binary_join_element_wise(_iso_t(local, missing),
                                       labels.take(pa.array(inverse.ravel())), "")


def _iso_t(stamps: np.ndarray, missing: np.ndarray) -> pa.Array:
    """``2026-01-05T09:00:00[.250]``: Arrow writes a space between date and time."""
    text = pc.cast(pa.array(stamps, mask=missing), pa.string())
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def time_text(series: pd.Series) -> pd.Series:
    """ISO 8601 text (``time_arrow``) as Python strings, missing values None."""
    values = time_arrow(series).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=series.index, dtype=object)


def _formula_like(values) -> np.ndarray:
    """Which values are text beginning with a formula prefix (value by value)."""
    return np.array([isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in values],
                    dtype=bool)


def formula_risk(series: pd.Series) -> np.ndarray:
    """Boolean mask of the text values a spreadsheet would read as a formula.

    Vectorised: a categorical is checked once per category, Arrow-backed or
    all-text object columns with one Arrow regex; only mixed object columns
    are checked value by value.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        risky_category = _formula_like(series.cat.categories)
        codes = series.cat.codes.to_numpy()
        return np.append(risky_category, False)[np.where(codes >= 0, codes, risky_category.size)]
    try:
        text = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects
        return _formula_like(series.tolist())
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return np.zeros(len(series), dtype=bool)  # no text at all
    match = pc.match_substring_regex(text, "^[=+\\-@]").fill_null(False)
    return match.to_numpy(zero_copy_only=False)


def escape_formula(series: pd.Series) -> pd.Series:
    """Text a spreadsheet would read as a formula gets a leading single quote."""
    risky = formula_risk(series)
    if not risky.any():
        return series
    text = series.astype(object)
    return text.where(~risky, "'" + text[risky].astype(str))


def text_frame(chunk: pd.DataFrame, escape: bool) -> pa.Table:
    """Timestamps as ISO text, names flattened, formula-like text escaped (CSV);
    a column that is all missing is typed text."""
    arrays, names = [], []
    for column in chunk.columns:
        series = chunk[column]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            array = time_arrow(series)
        else:
            if escape and _is_text(series):
                series = escape_formula(series)
            array = pa.Array.from_pandas(series)
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
        if pa.types.is_null(array.type):
            array = array.cast(pa.string())
        arrays.append(array)
        names.append(flat_name(column))
    return pa.Table.from_arrays(arrays, names=names)


# --------------------------------------------------------------------------- CSV, JSON Lines


def write_csv(frame: pd.DataFrame, path: Path, progress: Progress | None = None) -> None:
    """RFC 4180 CSV through Arrow's writer (text quoted, booleans true/false, floats in
    their shortest exact form, missing values empty), one chunk at a time."""
    import pyarrow.csv as pacsv

    with path.open("wb") as handle:
        for index, chunk in enumerate(chunks(frame)):
            options = pacsv.WriteOptions(include_header=index == 0, quoting_style="needed")
            pacsv.write_csv(text_frame(chunk, escape=True), handle, options)
            if progress:
                progress(len(chunk))


def _json_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _nest(record: dict) -> dict:
    out: dict = {}
    for key, value in record.items():
        parts = key.split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


def write_jsonl(frame: pd.DataFrame, path: Path, progress: Progress | None = None) -> None:
    nested = any("." in c for c in frame.columns)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for chunk in chunks(frame, JSONL_CHUNK_ROWS):
            columns = {}
            for column in chunk.columns:
                series = chunk[column]
                if pd.api.types.is_datetime64_any_dtype(series.dtype):
                    values = time_text(series).tolist()
                else:
                    values = [_json_value(v) for v in series.astype(object).tolist()]
                if column in LIST_COLUMNS:
                    values = [v.split() if isinstance(v, str) else [] for v in values]
                columns[column] = values
            names = list(columns)
            lines = []
            for row in zip(*columns.values(), strict=True):
                record = dict(zip(names, row, strict=True))
                lines.append(json.dumps(_nest(record) if nested else record, ensure_ascii=False,
                                        separators=(",", ":"), default=str))
            if lines:
                handle.write("\n".join(lines) + "\n")
            if progress:
                progress(len(chunk))


# --------------------------------------------------------------------------- Parquet, DuckDB


def _arrow_chunks(frame: pd.DataFrame) -> Iterator[pa.Table]:
    flat = frame.rename(columns=flat_name)
    schema = None
    for chunk in chunks(flat):
        table = pa.Table.from_pandas(chunk, preserve_index=False, schema=schema)
        if schema is None:
            # A text column that is empty in the first chunk would be typed null.
            fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                      for f in table.schema]
            schema = pa.schema(fields, metadata=table.schema.metadata)
            table = table.cast(schema)
        yield table


def write_parquet(frame: pd.DataFrame, path: Path, progress: Progress | None = None) -> None:
    writer = None
    try:
        for table in _arrow_chunks(frame):
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
            if progress:
                progress(table.num_rows)
    finally:
        if writer is not None:
            writer.close()


def write_duckdb(tables: dict[str, pd.DataFrame], path: Path,
                 progress: Progress | None = None, schema: str | None = None,
                 main_tables: tuple[str, ...] = ()) -> None:
    """One database file holding every table (typed columns, flattened names); with
    ``schema``, the tables go under it, except ``main_tables`` (in ``main``)."""
    import duckdb

    connection = duckdb.connect(str(path))
    try:
        if schema:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        for name, frame in tables.items():
            qualified = f'"{schema}"."{name}"' if schema and name not in main_tables else f'"{name}"'
            for index, table in enumerate(_arrow_chunks(frame)):
                connection.register("chunk_rows", table)
                verb = f"CREATE TABLE {qualified} AS" if index == 0 else f"INSERT INTO {qualified}"
                connection.execute(f"{verb} SELECT * FROM chunk_rows")
                connection.unregister("chunk_rows")
                if progress:
                    progress(table.num_rows)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


def write_tables(tables: dict[str, pd.DataFrame], formats: tuple[str, ...], folder: Path, *,
                 shape: str, timezone: str, dictionary: pd.DataFrame,
                 xlsx_tables: tuple[str, ...] | None = None,
                 progress: Progress | None = None) -> list[str]:
    """Write ``tables`` in every format into ``folder``; returns the file names."""
    written = []
    for fmt in formats:
        if fmt in ("csv", "parquet", "jsonl"):
            write = {"csv": write_csv, "parquet": write_parquet, "jsonl": write_jsonl}[fmt]
            for name, frame in tables.items():
                write(frame, folder / f"{name}.{fmt}", progress)
                written.append(f"{name}.{fmt}")
        elif fmt == "xlsx":
            chosen = xlsx_tables or tuple(t for t in XLSX_DEFAULT_TABLES if t in tables)
            sheets = {name: tables[name] for name in chosen}
            sheets["data_dictionary"] = dictionary
            from simulator.xlsx import write_xlsx  # its own module; it reads chunks() from here

            write_xlsx(sheets, folder / f"{shape}.xlsx", timezone, f"supportsim {shape} export",
                       progress)
            written.append(f"{shape}.xlsx")
        elif fmt == "duckdb":
            schema = DUCKDB_SCHEMAS.get(shape)
            write_duckdb({**tables, "data_dictionary": dictionary}, folder / f"{shape}.duckdb",
                         progress, schema=schema, main_tables=("data_dictionary",))
            written.append(f"{shape}.duckdb")
        else:
            raise FormatError(f"--format: unknown format '{fmt}'")
    return written


def rows_to_write(tables: dict[str, pd.DataFrame], formats: tuple[str, ...],
                  xlsx_tables: tuple[str, ...] | None, dictionary_rows: int) -> int:
    """Rows the writers will report to ``progress``, for a progress bar total."""
    total = 0
    for fmt in formats:
        if fmt == "xlsx":
            chosen = xlsx_tables or tuple(t for t in XLSX_DEFAULT_TABLES if t in tables)
            total += sum(len(tables[t]) for t in chosen) + dictionary_rows
        else:
            total += sum(len(f) for f in tables.values())
            total += dictionary_rows if fmt == "duckdb" else 0
    return total
