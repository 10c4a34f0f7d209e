"""Messy practice data: the answer key lists exactly the injected flaws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.datasets import build_datasets
from simulator.engine import simulate
from simulator.export import with_timestamps
from simulator.loading import load_scenario
from simulator.messiness import LEVELS, MessyError, expected_answers, make_messy
from simulator.shapes import build_shape
from simulator.writers import time_text

ROOT = Path(__file__).resolve().parents[2]
ZONE = "America/New_York"


@pytest.fixture(scope="module")
def run():
    config = load_scenario(ROOT / "scenarios/baseline.yaml",
                           ("calendar.days=2", "calendar.warmup_days=1"))
    result = simulate(config, 2)
    datasets = build_datasets(config, result)
    return config, result, datasets, {s: build_shape(s, config, datasets, result, 2)["tickets"]
                                      for s in ("native", "zendesk", "simple")}


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return bool(a == b)


@pytest.mark.parametrize("shape", ["native", "zendesk", "simple"])
def test_answer_key_lists_exactly_the_injected_rows(run, shape):
    clean = run[3][shape]
    messy, key = make_messy(clean, "heavy", 2, ZONE)
    added = key[key["flaw"].isin(["duplicate", "test_ticket", "bot_ticket"])]["row"]
    assert len(messy) == len(clean) + len(added)
    kept = messy.drop(index=added.to_numpy()).reset_index(drop=True)
    times = [c for c in clean.columns if pd.api.types.is_datetime64_any_dtype(clean[c].dtype)]
    expected = clean.reset_index(drop=True).copy()
    for column in times:
        expected[column] = time_text(expected[column])
    original_row = np.setdiff1d(np.arange(len(messy)), added.to_numpy())
    listed = {(int(np.searchsorted(original_row, r)), f, c) for r, f, c in
              key[~key["flaw"].isin(["duplicate", "test_ticket", "bot_ticket"])][
                  ["row", "flaw", "column"]].itertuples(index=False)}
    found = set()
    for column in clean.columns:
        a, b = kept[column].astype(object).to_numpy(), expected[column].astype(object).to_numpy()
        for row in np.flatnonzero([not _same(x, y) for x, y in zip(a, b, strict=True)]):
            found.add((int(row), column))
    flagged = set()
    for row, flaw, column in listed:
        for name in column.split(","):
            flagged.add((row, name))
    missing_stamps = {(r, c) for r, c in flagged if c in times
                      and pd.isna(clean[c].iloc[r])}  # an empty timestamp stays empty
    assert found == flagged - missing_stamps
    # duplicates repeat the row before them; test and bot tickets have new ids
    for row in key.loc[key["flaw"] == "duplicate", "row"]:
        assert messy.iloc[row].equals(messy.iloc[row - 1])
    fake_ids = key.loc[key["flaw"].isin(["test_ticket", "bot_ticket"]), "id"]
    assert not set(fake_ids) & set(clean.iloc[:, 0])


def test_levels_and_seed(run):
    clean = run[3]["native"]
    messy, key = make_messy(clean, "none", 2, ZONE)
    assert key.empty and len(messy) == len(clean)
    light = make_messy(clean, "light", 2, ZONE)[1]
    heavy = make_messy(clean, "heavy", 2, ZONE)[1]
    assert len(light) < len(heavy)
    pd.testing.assert_frame_equal(heavy, make_messy(clean, "heavy", 2, ZONE)[1])
    assert set(LEVELS) == {"none", "light", "heavy"}
    with pytest.raises(MessyError, match="^--messy: must be one of none, light, heavy"):
        make_messy(clean, "extreme", 2, ZONE)


def test_expected_answers(run):
    _, result, datasets, _ = run
    native = with_timestamps(datasets.tickets, result.calendar)
    answers = expected_answers(native, ZONE)
    volume = answers["monthly_volume_by_channel"]
    assert sum(sum(v.values()) for v in volume.values()) == len(native)
    assert answers["busiest_weekday"] in ("Monday", "Tuesday")  # 2026-01-05 is a Monday
    rates = answers["escalation_rate_by_category"]
    assert all(0.0 <= v <= 1.0 for v in rates.values())
