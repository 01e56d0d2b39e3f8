"""``iss-sim sweep SCENARIO --param PATH --values SPEC ...``: run a grid, write a tidy table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, add_dpi, add_set, out
from sim.experiments.report import default_metrics, sweep_table
from sim.experiments.sweep import SweepResult, sweep
from sim.results import write_atomically
from sim.results.folders import check_target
from sim.scenario.errors import did_you_mean
from sim.scenario.specs import Value, parse_values


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a scenario over a grid of parameter values; write sweep.csv/.json/.png",
        description="Run SCENARIO at every combination of the --param values (full grid). "
        "Each run's seed is derived from the scenario seed and the run's parameter values, "
        "so the outputs are identical for any --workers.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file to sweep")
    p.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="PATH",
        help="dotted path to sweep, as in --set (e.g. pads.baikonur-31.outages.0.repair_days); "
        "repeatable, each followed by its --values",
    )
    p.add_argument(
        "--values",
        action="append",
        required=True,
        metavar="SPEC",
        help="values of the preceding --param: a list 30,60,90 or an inclusive range "
        "START:STOP:STEP such as 0:720:30",
    )
    p.add_argument("-o", "--output", metavar="DIR", help="default: results/<scenario>-sweep/")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is a non-empty folder not written by iss-sim",
    )
    p.add_argument(
        "--workers", type=int, default=1, metavar="N", help="processes (default 1: in-process)"
    )
    p.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="KEY",
        help="metric to tabulate and plot (repeatable; default: each consumable's "
        "min_days_of_supply and the uncrewed days)",
    )
    add_dpi(p)
    add_set(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    if len(args.param) != len(args.values):
        raise UserError("give one --values SPEC after each --param PATH")
    if args.workers < 1:
        raise UserError(f"--workers must be at least 1 (got {args.workers})")
    grid: list[tuple[str, list[Value]]] = []
    for path, spec in zip(args.param, args.values, strict=True):
        try:
            grid.append((path, parse_values(spec)))
        except ValueError as exc:
            raise UserError(f"--values for {path}: {exc}") from None
    if args.output:
        check_target(Path(args.output), force=args.force)  # before the work
    try:
        result = sweep(
            args.scenario,
            grid,
            overrides=args.set,
            workers=args.workers,
            progress=sys.stderr.isatty() and not args.quiet,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    keys = result.metric_keys()
    for metric in args.metric:
        if metric not in keys:
            hint = did_you_mean(metric, keys, cutoff=0.5)
            raise UserError(f"no metric {metric!r}{hint}")
    chosen = args.metric or default_metrics(result)
    plotted = [m for m in args.metric if _numeric(result, m)] or None  # None: days of supply
    folder = Path(args.output) if args.output else Path("results") / f"{result.scenario}-sweep"
    write_atomically(folder, lambda d: _write(result, d, plotted, args.dpi), force=args.force)
    out(sweep_table(result, chosen))
    out("")
    out(f"  wrote {folder}/ (sweep.csv, sweep.json, sweep.png): {len(result.runs)} runs")
    return ExitCode.OK


def _numeric(result: SweepResult, metric: str) -> bool:
    vals = [r.metrics.get(metric) for r in result.runs]
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)


def _write(result: SweepResult, folder: Path, metrics: list[str] | None, dpi: int) -> None:
    """The sweep's files and its chart (``metrics`` against the first parameter)."""
    from sim.plots.style import save  # matplotlib only when writing
    from sim.plots.sweep import sweep_chart

    result.write_files(folder)
    save(sweep_chart(result, metrics), folder / "sweep.png", dpi)
