"""``supportsim rerun RUN_DIR``: run a simulate or generate folder again and compare hashes.

A run folder holds its resolved scenario and a manifest with the seed, the
request and every file's sha256, so the run can be repeated from the folder
alone. Reproducibility (same scenario and seed, byte-identical files) is then
something a user can check, not only a test: the run is repeated into a
temporary folder and each file's hash compared with the manifest's and with
the file in the folder now.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from simulator.config import ConfigError
from simulator.export import file_sha256
from simulator.generate import GenerateRequest, run_generate
from simulator.loading import load_scenario
from simulator.pipeline import run_simulation, scenario_hash
from simulator.shapes import ShapeOptions

# Built from the folder's other files by `supportsim report`, not by the run.
DERIVED = frozenset({"report.html"})


class RerunError(ValueError):
    """The folder cannot be rerun (not a run folder, or edited since)."""


@dataclass(frozen=True)
class RerunResult:
    command: str
    identical: tuple[str, ...]
    different: tuple[str, ...]
    missing: tuple[str, ...]  # in the manifest, not produced again

    @property
    def reproduced(self) -> bool:
        return not self.different and not self.missing


def _manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not folder.is_dir() or not path.is_file():
        raise RerunError(f"RUN_DIR: '{folder}' is not a run folder (no manifest.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def rerun(folder: Path) -> RerunResult:
    """Repeat the run of ``folder`` and compare every file the manifest lists."""
    folder = Path(folder)
    manifest = _manifest(folder)
    command = manifest.get("command")
    if command not in ("simulate", "generate"):
        raise RerunError(f"RUN_DIR: rerun repeats simulate and generate folders, got a "
                         f"'{command}' folder")
    try:
        config = load_scenario(folder / "scenario.resolved.yaml", ())
    except ConfigError as exc:
        raise RerunError(f"RUN_DIR: scenario.resolved.yaml: {exc}") from None
    if scenario_hash(config) != manifest.get("scenario_sha256"):
        raise RerunError("RUN_DIR: scenario.resolved.yaml was edited since the run "
                         "(its sha256 differs from the manifest's)")
    with tempfile.TemporaryDirectory(prefix="supportsim-rerun-") as scratch:
        again = Path(scratch) / "run"
        if command == "simulate":
            run_simulation(config, manifest["seed"], again)
        else:
            run_generate(config, manifest["seed"], again, _generate_request(manifest))
        fresh = _manifest(again)["files"]
    identical, different, missing = [], [], []
    for name, entry in sorted(manifest.get("files", {}).items()):
        if name in DERIVED:
            continue
        present = folder / name
        if name not in fresh or not present.is_file():
            missing.append(name)
        elif fresh[name]["sha256"] == entry["sha256"] == file_sha256(present):
            identical.append(name)
        else:  # the run gave other bytes, or the folder's file changed since
            different.append(name)
    return RerunResult(command, tuple(identical), tuple(different), tuple(missing))


def _generate_request(manifest: dict) -> GenerateRequest:
    if "messy" not in manifest:
        raise RerunError("RUN_DIR: this generate folder's manifest predates rerun "
                         "(it does not record --messy, --tables and --csat-three)")
    tables = manifest.get("tables")
    return GenerateRequest(shape=manifest["shape"], formats=tuple(manifest["formats"]),
                           tables=tuple(tables) if tables else None,
                           options=ShapeOptions(csat_three=manifest["csat_three"]),
                           messy=manifest["messy"])
