"""Run folders: written under a temporary name, renamed when complete.

A run folder holds the resolved scenario, the engine's two tables
(``event_log.parquet``, ``ticket_attributes.parquet``), the datasets as CSV and
Parquet, ``kpis.json``, ``summary.md`` and ``manifest.json`` (version, seed,
scenario hash, every file with its sha256; no wall-clock time, host name or
absolute path), so the same scenario and seed give byte-identical files.
Timestamps: CSV carries ISO 8601 local times with their UTC offset, Parquet
timezone-aware timestamps.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulator.calendar import Calendar
from simulator.labels import arrow_text
from simulator.writers import local_time_arrow

TIME_COLUMNS = {"time", "created", "start", "end", "interval_start", "arrival_time", "answered_at",
                "abandoned_at", "first_response_at", "first_solved_at", "solved_at", "closed_at"}
FORMATS = ("csv", "parquet")


class OutputExistsError(FileExistsError):
    """The run folder exists and --force was not given."""


def with_timestamps(frame: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """Seconds-from-start columns become timezone-aware local timestamps."""
    out = frame.copy(deep=False)  # copy-on-write: the replaced columns only
    for column in out.columns:
        if column in TIME_COLUMNS:
            seconds = out[column].to_numpy(dtype=float)
            out[column] = calendar.to_datetimes(np.round(seconds, 3))
    return out


def iso_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text with offset (2026-01-05T09:00:00.250-05:00).

    Formatted in Arrow (``writers.local_time_arrow``): ``strftime`` took most of a
    year's run-folder time (about 2 s per million timestamps).
    """
    out = frame.copy(deep=False)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = arrow_text(local_time_arrow(out[column]))
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_entry(path: Path) -> dict:
    """A file's line in manifest.json: its sha256 and size."""
    return {"sha256": file_sha256(path), "bytes": path.stat().st_size}


def write_parquet(table: pa.Table | pd.DataFrame, path: Path) -> None:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    iso_strings(frame).to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def clean_json(value):
    """NaN becomes null, numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (np.generic,)):
        return clean_json(_json_default(value))
    return value


def write_json(data, path: Path) -> None:
    path.write_text(json.dumps(clean_json(data), indent=2, sort_keys=False) + "\n", encoding="utf-8")


def write_run_folder(target: Path, force: bool, fill: Callable[[Path], None],
                     manifest: dict) -> Path:
    """Call ``fill(tmp)`` to write files, add the manifest, then move into place.

    Nothing is left behind on failure; an existing folder is replaced only
    with ``force``.
    """
    target = Path(target)
    if target.exists() and not force:
        raise OutputExistsError(f"--out: folder '{target}' exists; use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        fill(staging)
        files = {p.name: manifest_entry(p)
                 for p in sorted(staging.iterdir()) if p.is_file()}
        write_json({**manifest, "files": files}, staging / "manifest.json")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
