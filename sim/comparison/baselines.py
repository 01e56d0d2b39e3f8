"""The baseline regression: every shipped scenario run and compared with its committed
summary, ``BASELINES/<scenario file stem>.json`` (the summary without its volatile fields).

Only the scenario name and the metrics are compared. :func:`update_baselines` rewrites
them on purpose, each file atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.comparison.compare import baseline_of, compare_metrics, load_side, run_row
from sim.comparison.report import CompareReport
from sim.comparison.tolerances import CompareError, Tolerances
from sim.results import simulate
from sim.scenario.loader import load_scenario

__all__ = ["BaselineUpdate", "check_baselines", "current_summaries", "update_baselines"]


def current_summaries(
    scenario_dir: Path, progress: Callable[[int], object] | None = None
) -> dict[str, dict[str, Any]]:
    """Run every ``*.yaml`` of ``scenario_dir`` (sorted): its baseline summary by file stem.

    Raises CompareError when the folder is missing or holds no scenario, ScenarioError for
    a bad scenario."""
    if not scenario_dir.is_dir():
        raise CompareError(f"{scenario_dir}: no such folder of scenarios")
    files = sorted(scenario_dir.glob("*.yaml"))
    if not files:
        raise CompareError(f"{scenario_dir}: no *.yaml scenario in this folder")
    out = {}
    for f in files:
        out[f.stem] = baseline_of(simulate(load_scenario(f)).summary())
        if progress is not None:
            progress(1)
    return out


def check_baselines(
    current: Mapping[str, Mapping[str, Any]],
    baseline_dir: Path,
    tolerances: Tolerances | None = None,
    *,
    strict_extra: bool = False,
    only: Sequence[str] = (),
    scenario_dir: Path = Path("scenarios"),
) -> CompareReport:
    """Compare each current summary with its baseline. A scenario without a baseline
    fails; a baseline without a scenario is reported (stale), not failed."""
    parts = [
        _check_one(stem, summary, baseline_dir, tolerances, strict_extra, only)
        for stem, summary in current.items()
    ]
    for stale in sorted(baseline_dir.glob("*.json")):
        if stale.stem not in current:
            note = f"stale baseline: no {scenario_dir / (stale.stem + '.yaml')}; delete it?"
            row = run_row(stale.stem, "missing", "baseline", False, note)
            parts.append(CompareReport([row], [stale.stem]))
    return CompareReport.combine(parts)


def _check_one(
    stem: str,
    summary: Mapping[str, Any],
    baseline_dir: Path,
    tolerances: Tolerances | None,
    strict_extra: bool,
    only: Sequence[str],
) -> CompareReport:
    new = {"scenario": summary["scenario"], **summary["metrics"]}
    path = baseline_dir / f"{stem}.json"
    if not path.is_file():
        hint = f"no baseline {path}: run `iss-sim check --update` and commit it"
        row = run_row(stem, "extra", f"{len(new)} metrics", True, hint)
        return CompareReport([row], [stem])
    side = load_side(path)
    if side.sweep:
        raise CompareError(f"{path}: a sweep, not a baseline summary")
    old = {"scenario": side.scenario, **side.runs[side.scenario]}
    return compare_metrics(stem, old, new, tolerances, strict_extra=strict_extra, only=only)


@dataclass(frozen=True)
class BaselineUpdate:
    """What :func:`update_baselines` did."""

    written: list[Path]
    unchanged: int
    stale: list[Path]
    """Baselines of no current scenario (left in place)."""


def update_baselines(
    baseline_dir: Path, current: Mapping[str, Mapping[str, Any]]
) -> BaselineUpdate:
    """Write every baseline that differs, each atomically (temporary name, then rename)."""
    baseline_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, summary in current.items():
        path = baseline_dir / f"{stem}.json"
        data = (json.dumps(summary, indent=2, allow_nan=False) + "\n").encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            continue
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(path)
    stale = [p for p in sorted(baseline_dir.glob("*.json")) if p.stem not in current]
    return BaselineUpdate(written, len(current) - len(written), stale)
