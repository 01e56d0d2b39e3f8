"""``iss-sim check [SCENARIO_DIR]``: run every scenario and compare it with its baseline.

Baselines are committed files, ``BASELINES/<scenario file stem>.json``: the run's summary
without its volatile fields. Only the scenario name and the metrics are compared.
``--update`` rewrites them on purpose.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, out
from sim.commands.compare import add_compare_options, finish, tolerances_from_args
from sim.compare.comparison import (
    CompareError,
    CompareReport,
    Tolerances,
    baseline_of,
    compare_metrics,
    load_side,
    run_row,
)
from sim.results.result import simulate
from sim.scenario.loader import load_scenario


def register(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="run every scenario and compare with its committed baseline (exit 1 on a change)",
        description="Run every *.yaml in SCENARIO_DIR and compare its metrics with "
        "BASELINES/<name>.json. Exit 0: all within tolerance; 1: a change beyond it or a "
        "missing baseline; 2: unusable input. --update rewrites the baselines.",
    )
    p.add_argument("scenario_dir", nargs="?", default="scenarios", metavar="SCENARIO_DIR")
    p.add_argument("--baselines", default="baselines", metavar="DIR", help="default: baselines/")
    p.add_argument(
        "--update", action="store_true", help="rewrite the baselines from the current runs"
    )
    add_compare_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    scenario_dir, baseline_dir = Path(args.scenario_dir), Path(args.baselines)
    if not scenario_dir.is_dir():
        raise UserError(f"{scenario_dir}: no such folder of scenarios")
    files = sorted(scenario_dir.glob("*.yaml"))
    if not files:
        raise UserError(f"{scenario_dir}: no *.yaml scenario in this folder")
    try:
        tols = tolerances_from_args(args)
        current = {f.stem: baseline_of(simulate(load_scenario(f)).summary()) for f in files}
        if args.update:
            return _update(baseline_dir, current)
        parts = [_check_one(stem, s, baseline_dir, tols, args) for stem, s in current.items()]
    except CompareError as exc:
        raise UserError(str(exc)) from None
    for stale in sorted(baseline_dir.glob("*.json")):
        if stale.stem not in current:
            note = f"stale baseline: no {scenario_dir / (stale.stem + '.yaml')}; delete it?"
            row = run_row(stale.stem, "missing", "baseline", False, note)
            parts.append(CompareReport([row], [stale.stem]))
    return finish(CompareReport.combine(parts), args, "iss-sim check")


def _check_one(
    stem: str,
    summary: dict[str, Any],
    baseline_dir: Path,
    tols: Tolerances,
    args: argparse.Namespace,
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
    return compare_metrics(stem, old, new, tols, strict_extra=args.strict_extra, only=args.only)


def _update(baseline_dir: Path, current: dict[str, dict[str, Any]]) -> ExitCode:
    """Write every baseline that differs, each atomically (temporary name, then rename)."""
    baseline_dir.mkdir(parents=True, exist_ok=True)
    written = 0
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
        written += 1
        out(f"wrote {path}")
    for stale in sorted(baseline_dir.glob("*.json")):
        if stale.stem not in current:
            out(f"left {stale}: no scenario of that name (delete it if the scenario is gone)")
    out(f"baselines: {written} written, {len(current) - written} unchanged in {baseline_dir}")
    return ExitCode.OK
