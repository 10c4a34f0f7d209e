"""The Dask executor: the same results, in the same order, as a serial run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MMC = str(ROOT / "scenarios" / "theory" / "mmc.yaml")
ABANDON = str(ROOT / "scenarios" / "theory" / "mmc_abandon.yaml")
SMALL = ("--days", "1", "--set", "channels.phone.volume_per_day=800", "--set",
         "calendar.warmup_days=0", "--replications", "2")


def test_a_comparison_on_a_local_dask_cluster_writes_the_same_files(tmp_path):
    serial, dask = tmp_path / "serial", tmp_path / "dask"
    first = CliRunner().invoke(cli, ["compare", MMC, ABANDON, *SMALL, "--workers", "1",
                                     "--out", str(serial)])
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(cli, ["compare", MMC, ABANDON, *SMALL, "--workers", "2",
                                      "--dask", "local", "--out", str(dask)])
    assert second.exit_code == 0, second.output
    for name in ("compare.csv", "story.csv", "report.html"):
        assert (serial / name).read_bytes() == (dask / name).read_bytes(), name


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch):
    import pytest

    from planner import dask_executor
    from planner.dask_executor import DaskBatches, DaskUnavailable

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", "1s")
    batches = DaskBatches("tcp://127.0.0.1:9", 1)
    with pytest.raises(DaskUnavailable, match="cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        batches.submit(abs, -1)
    batches.close()
