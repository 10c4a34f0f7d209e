"""Writers: round trips, chunking, reproducible bytes, XLSX sheet splitting and
formula escaping, on small hand-made tables and a small baseline run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulator import writers, xlsx
from simulator.datasets import build_datasets
from simulator.dictionary import dictionary_frame
from simulator.engine import simulate
from simulator.loading import load_scenario
from simulator.shapes import build_shape
from simulator.writers import (
    FormatError,
    parse_formats,
    write_csv,
    write_duckdb,
    write_jsonl,
    write_parquet,
    write_tables,
)
from simulator.xlsx import sheet_names, sheet_slices, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
ZONE = "America/New_York"


@pytest.fixture(scope="module")
def shaped():
    config = load_scenario(ROOT / "scenarios/baseline.yaml",
                           ("calendar.days=1", "calendar.warmup_days=1"))
    result = simulate(config, 5)
    datasets = build_datasets(config, result)
    return {shape: build_shape(shape, config, datasets, result, 5) for shape in ("native", "zendesk")}


def small_table() -> pd.DataFrame:
    stamps = pd.to_datetime(["2026-01-05 09:00:00.250", None, "2026-07-01 12:30:00.000"]).tz_localize(ZONE)
    return pd.DataFrame({
        "id": [1, 2, 3],
        "when": stamps,
        "score": [1.5, np.nan, 3.0],
        "count": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],
        "note": ["=SUM(A1:A2)", "+1", "plain"],
        "tags": ["a b", "", "c"],
        "via.channel": ["voice", "email", "@chat"],
    })


def test_parse_formats():
    assert parse_formats("csv, xlsx,csv") == ("csv", "xlsx")
    with pytest.raises(FormatError, match="^--format: "):
        parse_formats("csv,pdf")


def test_parquet_round_trip_of_the_native_tables(shaped, tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "CHUNK_ROWS", 97)  # several row groups
    for name, frame in shaped["native"].items():
        path = tmp_path / f"{name}.parquet"
        write_parquet(frame, path)
        assert pq.ParquetFile(path).num_row_groups == max(1, -(-len(frame) // 97))
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_dtype=False,
                                      check_categorical=False)


def test_zendesk_parquet_flattens_names(shaped, tmp_path):
    frame = shaped["zendesk"]["ticket_metrics"]
    write_parquet(frame, tmp_path / "m.parquet")
    back = pd.read_parquet(tmp_path / "m.parquet")
    assert "reply_time_in_minutes_calendar" in back.columns
    assert back["reply_time_in_minutes_calendar"].equals(
        frame["reply_time_in_minutes.calendar"].reset_index(drop=True))


def test_csv_is_the_same_in_chunks_and_escapes_formulas(tmp_path, monkeypatch):
    frame = small_table()
    write_csv(frame, tmp_path / "whole.csv")
    monkeypatch.setattr(writers, "CHUNK_ROWS", 1)
    write_csv(frame, tmp_path / "chunked.csv")
    text = (tmp_path / "whole.csv").read_text()
    assert text == (tmp_path / "chunked.csv").read_text()
    lines = text.splitlines()
    assert lines[0] == '"id","when","score","count","flag","note","tags","via_channel"'
    assert lines[1] == '1,"2026-01-05T09:00:00.250-05:00",1.5,1,true,"\'=SUM(A1:A2)","a b","voice"'
    assert lines[2].startswith('2,,,,false,"\'+1",') and lines[3].endswith(',"\'@chat"')
    assert "2026-07-01T12:30:00.000-04:00" in lines[3]
    labels = pd.DataFrame({"label": pd.Categorical(["-x", "y", None])})
    write_csv(labels, tmp_path / "labels.csv")
    assert (tmp_path / "labels.csv").read_text().splitlines()[1:] == ['"\'-x"', '"y"', '']


def test_jsonl_nests_dotted_names_and_lists_tags(tmp_path):
    write_jsonl(small_table(), tmp_path / "t.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert rows[0] == {"id": 1, "when": "2026-01-05T09:00:00.250-05:00", "score": 1.5, "count": 1,
                       "flag": True, "note": "=SUM(A1:A2)", "tags": ["a", "b"],
                       "via": {"channel": "voice"}}
    assert rows[1]["when"] is None and rows[1]["score"] is None and rows[1]["count"] is None
    assert rows[1]["tags"] == []
    utc = pd.DataFrame({"at": pd.to_datetime(["2026-01-05 14:00:00"]).tz_localize("UTC")})
    write_jsonl(utc, tmp_path / "u.jsonl")
    assert json.loads((tmp_path / "u.jsonl").read_text()) == {"at": "2026-01-05T14:00:00Z"}


def test_sheet_splitting():
    assert sheet_slices(0, 5) == [(0, 0)]
    assert sheet_slices(4, 5) == [(0, 4)]
    assert sheet_slices(9, 5) == [(0, 4), (4, 8), (8, 9)]
    assert sheet_slices(1_048_575) == [(0, 1_048_575)]
    assert sheet_slices(1_048_576) == [(0, 1_048_575), (1_048_575, 1_048_576)]
    assert sheet_names("tickets", 1) == ["tickets"]
    assert sheet_names("tickets", 2) == ["tickets (1)", "tickets (2)"]


def test_xlsx_splits_tables_and_writes_strings_and_local_times(tmp_path):
    frame = pd.concat([small_table()] * 3, ignore_index=True)  # 9 rows
    path = tmp_path / "t.xlsx"
    write_xlsx({"t": frame, "other": frame.head(1)}, path, ZONE, "test", max_rows=4)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["t (1)", "t (2)", "t (3)", "other"]
    rows = []
    for name in book.sheetnames[:3]:
        sheet = list(book[name].iter_rows(values_only=True))
        assert len(sheet) <= 4
        assert sheet[0][1] == f"when ({ZONE})" and sheet[0][7] == "via_channel"
        rows += sheet[1:]
    assert len(rows) == 9
    assert [r[0] for r in rows] == list(frame["id"])
    first = book["t (1)"]
    assert first["F2"].value == "=SUM(A1:A2)" and first["F2"].data_type == "s"
    assert first["F3"].value == "+1" and first["F3"].data_type == "s"
    assert first["B2"].value == pd.Timestamp("2026-01-05 09:00:00.250").to_pydatetime()
    assert first["B3"].value is None
    assert first["E2"].value is True
    assert book.properties.creator == "supportsim"


def tricky_text_table() -> pd.DataFrame:
    """Text XlsxWriter escapes or treats specially, an all-empty row and a long string."""
    return pd.DataFrame({
        "text": [" lead", "trail ", "a & b < c > d", "ctrl\x01char", "_x0000_ literal", "<r>x</r>",
                 None, "\u00e9t\u00e9 \U0001F600", "x" * 20_000],
        "number": [1.5, 1e20, -0.0, 3, np.nan, 2 ** 53 + 1, np.nan, 0.1, 7],
        "flag": pd.array([True, False, None, True, False, True, None, False, True], dtype="boolean"),
        "when": pd.to_datetime(["2026-03-08 01:59:59.999", "2026-11-01 01:30:00", None, "2026-01-01 00:00:00",
                                "2026-06-30 23:59:59", "2026-12-31 00:00:00", None, "2026-02-28 00:00:00",
                                "2026-07-04 00:00:00"], format="ISO8601").tz_localize("UTC"),
    })


def test_xlsx_fast_rows_write_the_same_bytes_as_xlsxwriter_cell_by_cell(tmp_path, monkeypatch):
    tables = {"tricky": tricky_text_table(), "small": pd.concat([small_table()] * 3, ignore_index=True)}
    write_xlsx(tables, tmp_path / "fast.xlsx", ZONE, "test", max_rows=5)
    monkeypatch.setattr(writers, "CHUNK_ROWS", 3)  # several chunks per sheet
    monkeypatch.setattr(xlsx, "FAST_BLOCK_ROWS", 2)  # several blocks per chunk
    write_xlsx(tables, tmp_path / "fast_chunks.xlsx", ZONE, "test", max_rows=5)
    monkeypatch.setattr(xlsx, "_rows_fast", lambda *args: False)
    write_xlsx(tables, tmp_path / "cells.xlsx", ZONE, "test", max_rows=5)
    cells = (tmp_path / "cells.xlsx").read_bytes()
    assert (tmp_path / "fast.xlsx").read_bytes() == cells
    assert (tmp_path / "fast_chunks.xlsx").read_bytes() == cells


def test_same_tables_give_identical_bytes(shaped, tmp_path):
    dictionary = dictionary_frame("zendesk", shaped["zendesk"])
    digests = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        files = write_tables(shaped["zendesk"], ("csv", "parquet", "jsonl", "xlsx"), folder,
                             shape="zendesk", timezone=ZONE, dictionary=dictionary,
                             xlsx_tables=("tickets", "ticket_metrics"))
        digests.append({f: (folder / f).read_bytes() for f in files})
    assert digests[0].keys() == digests[1].keys() and "zendesk.xlsx" in digests[0]
    for name in digests[0]:
        assert digests[0][name] == digests[1][name], name


def test_duckdb_holds_every_table(shaped, tmp_path, monkeypatch):
    import duckdb

    monkeypatch.setattr(writers, "CHUNK_ROWS", 250)
    tables = shaped["zendesk"]
    write_duckdb(tables, tmp_path / "z.duckdb")
    with duckdb.connect(str(tmp_path / "z.duckdb"), read_only=True) as connection:
        names = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
        assert names == set(tables)
        for name, frame in tables.items():
            count = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            assert count == len(frame), name
        back = connection.execute('SELECT * FROM ticket_metrics ORDER BY id').df()
    expected = tables["ticket_metrics"].rename(columns=writers.flat_name).sort_values("id")
    assert (back["reply_time_in_minutes_calendar"].fillna(-1).to_numpy()
            == expected["reply_time_in_minutes_calendar"].fillna(-1).to_numpy()).all()


def test_run_folder_csv_times_are_local_iso_with_offset_in_any_zone():
    from simulator.export import iso_strings

    utc = pd.to_datetime(["2026-03-08 06:59:59.999", "2026-11-01 05:30:00.250", None],
                         format="ISO8601", utc=True)
    expected = {
        "America/New_York": ["2026-03-08T01:59:59.999-05:00", "2026-11-01T01:30:00.250-04:00"],
        "America/St_Johns": ["2026-03-08T04:29:59.999-02:30", "2026-11-01T02:00:00.250-03:30"],
        "UTC": ["2026-03-08T06:59:59.999+00:00", "2026-11-01T05:30:00.250+00:00"],
    }
    for zone, texts in expected.items():
        out = iso_strings(pd.DataFrame({"t": utc.tz_convert(zone), "n": [1, 2, 3]}))
        assert list(out["t"][:2]) == texts and pd.isna(out["t"][2])
        assert out.to_csv(index=False).splitlines()[-1] == ",3"


def test_jsonl_is_the_same_in_chunks(tmp_path, monkeypatch):
    frame = small_table()
    write_jsonl(frame, tmp_path / "whole.jsonl")
    monkeypatch.setattr(writers, "JSONL_CHUNK_ROWS", 1)
    write_jsonl(frame, tmp_path / "chunked.jsonl")
    assert (tmp_path / "whole.jsonl").read_bytes() == (tmp_path / "chunked.jsonl").read_bytes()
