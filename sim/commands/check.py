"""``iss-sim check [SCENARIO_DIR]``: run every scenario and compare it with its baseline
(see :mod:`sim.comparison.baselines`); ``--update`` rewrites the baselines on purpose."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, out, progress
from sim.commands.compare import add_compare_options, finish, tolerances_from_args
from sim.comparison.baselines import check_baselines, current_summaries, update_baselines
from sim.comparison.tolerances import CompareError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="run every scenario and compare with its committed baseline (exit 1 on a change)",
        description="Run every *.yaml in SCENARIO_DIR and compare its metrics with "
        "BASELINES/<name>.json. Exit 0: all within tolerance; 1: a change beyond it or a "
        "missing baseline; 2: unusable input. --update rewrites the baselines.",
    )
    p.add_argument(
        "scenario_dir", nargs="?", default="scenarios", metavar="SCENARIO_DIR",
        help="folder of *.yaml scenarios (default: scenarios/)",
    )  # fmt: skip
    p.add_argument("--baselines", default="baselines", metavar="DIR", help="default: baselines/")
    p.add_argument(
        "--update", action="store_true", help="rewrite the baselines from the current runs"
    )
    add_compare_options(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    scenario_dir, baseline_dir = Path(args.scenario_dir), Path(args.baselines)
    try:
        tols = tolerances_from_args(args)
        with progress(None, "check: scenarios", "scenario") as bar:
            current = current_summaries(scenario_dir, bar.update)
        if args.update:
            done = update_baselines(baseline_dir, current)
        else:
            report = check_baselines(
                current,
                baseline_dir,
                tols,
                strict_extra=args.strict_extra,
                only=args.only,
                scenario_dir=scenario_dir,
            )
            return finish(report, args, "iss-sim check")
    except CompareError as exc:
        raise UserError(str(exc)) from None
    for path in done.written:
        out(f"wrote {path}")
    for stale in done.stale:
        out(f"left {stale}: no scenario of that name (delete it if the scenario is gone)")
    out(f"baselines: {len(done.written)} written, {done.unchanged} unchanged in {baseline_dir}")
    return ExitCode.OK
