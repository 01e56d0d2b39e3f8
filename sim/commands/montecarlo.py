"""``iss-sim montecarlo SCENARIO [B ...] -n N``: replications of uncertain scenarios.

One scenario: quantiles of every metric, probabilities of reserve breach, depletion,
uncrewed segments and forced returns, ``replications.csv`` and a fan chart. Two or more
scenarios (or ``--param/--values``): the same for each, run with one ensemble seed so that
replication ``i`` of every scenario sees the same draws, and ``paired.json`` with the
paired differences against the first.
"""

from __future__ import annotations

import argparse
import math
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, add_dpi, add_set, log, out, progress
from sim.commands.run import html_report
from sim.experiments.executors import KINDS, make_executor
from sim.experiments.montecarlo import MAX_REPLICATIONS, MonteCarloResult, montecarlo
from sim.experiments.paired import folder_name, grid_scenarios, labelled, paired, write_paired
from sim.experiments.precision import ci_width, until_ci
from sim.experiments.report import paired_table, precision_line, single_table
from sim.experiments.stats import json_number
from sim.results import metrics as mk
from sim.results import simulate, write_atomically
from sim.results.folders import check_target
from sim.scenario.errors import did_you_mean
from sim.scenario.loader import load_scenario
from sim.scenario.model import Scenario
from sim.scenario.specs import parse_values

DEFAULT_N = 1000


def register(sub: Any) -> None:
    p = sub.add_parser(
        "montecarlo",
        help="run many replications of uncertain scenarios; quantiles, probabilities, fans",
        description="Run N replications of SCENARIO, each drawing every distribution of the "
        "scenario (repair, slips, launch failures and stand-downs) from its keyed stream. "
        "Replication i has seed derive_seed(scenario seed, 'rep/i'); re-run it alone with "
        "`iss-sim run SCENARIO --seed SEED`. With two or more scenarios (or --param/--values) "
        "every scenario runs with the first one's seeds and B - A is reported per replication "
        "(common random numbers). Outputs are identical for every executor and worker count.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="A [B ...]: B - A paired")
    p.add_argument("-n", type=int, metavar="N", help=f"replications (default {DEFAULT_N})")
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="default: results/<A>-mc/ (paired: results/<A>-paired-mc/)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is a non-empty folder not written by iss-sim",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes (default 1: in-process; with --executor dask and no --scheduler, "
        "LocalCluster workers, default one per CPU)",
    )
    p.add_argument("--executor", choices=KINDS, help="local (default) or dask")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (implies dask)")
    p.add_argument(
        "--quantiles", default="5,50,95", metavar="Q,Q,...", help="percentiles (default 5,50,95)"
    )
    p.add_argument(
        "--param", action="append", default=[], metavar="PATH",
        help="paired sweep: dotted path as in --set, followed by its --values; repeatable",
    )  # fmt: skip
    p.add_argument(
        "--values", action="append", default=[], metavar="SPEC",
        help="values of the preceding --param (30,60,90 or START:STOP:STEP); the first "
        "value is the reference A",
    )  # fmt: skip
    p.add_argument(
        "--until-ci",
        metavar="METRIC=WIDTH",
        help="add --batch replications until the 95%% CI of METRIC's mean (of the paired "
        "difference, with several scenarios) is narrower than WIDTH (its full width, in "
        "the metric's unit; days for dates)",
    )
    p.add_argument(
        "--batch", type=int, default=500, metavar="N",
        help="--until-ci: replications added per step (default 500; the first step is -n if given)",
    )  # fmt: skip
    p.add_argument(
        "--max-n", type=int, default=20_000, metavar="N",
        help="--until-ci: stop at this many replications (default 20000)",
    )  # fmt: skip
    p.add_argument(
        "--top", type=int, default=12, metavar="K",
        help="paired: list the K metrics that differ most (default 12)",
    )  # fmt: skip
    p.add_argument(
        "--html",
        action="store_true",
        help="also write report.html into DIR: one self-contained HTML file with the "
        "probabilities, quantiles, fan charts and the scenario's sources",
    )
    add_dpi(p)
    add_set(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    quantiles = parse_quantiles(args.quantiles)
    until = _parse_until(args.until_ci)
    for name, most in (("n", MAX_REPLICATIONS), ("workers", 1024), ("batch", MAX_REPLICATIONS),
                       ("max_n", MAX_REPLICATIONS)):  # fmt: skip
        value = getattr(args, name)
        if value is not None and not 1 <= value <= most:
            flag = f"-{name}" if name == "n" else f"--{name.replace('_', '-')}"
            raise UserError(f"{flag} must be from 1 to {most:,} (got {value:,})")
    kind = args.executor or ("dask" if args.scheduler else "local")
    if args.scheduler and kind != "dask":
        raise UserError("--scheduler needs --executor dask")
    scenarios = _scenarios(args)
    if until is not None:
        _check_metric(scenarios[0][1], until[0])
    suffix = "-mc" if len(scenarios) == 1 else "-paired-mc"
    folder = Path(args.output or Path("results") / f"{scenarios[0][1].name}{suffix}")
    check_target(folder, force=args.force)  # before the work, not only after it
    if all(_is_fixed(sc) for _, sc in scenarios):
        log.info("no distribution in the scenario: every replication is the same")
    try:
        executor = make_executor(kind, args.workers, args.scheduler)
    except RuntimeError as exc:
        raise UserError(str(exc)) from None
    seed = scenarios[0][1].seed
    n = args.n or (args.batch if until else DEFAULT_N)
    with executor, progress(None if until else n * len(scenarios), "replications", "run") as bar:
        if until is not None:
            results, reached = until_ci(
                [sc for _, sc in scenarios], until[0], until[1],
                first=n, batch=args.batch, max_n=args.max_n,
                executor=executor, seed=seed, progress=bar.update,
            )  # fmt: skip
        else:
            results = [
                montecarlo(sc, n, executor, seed=seed, progress=bar.update) for _, sc in scenarios
            ]
    precision = None
    if until is not None:
        precision = {
            "metric": until[0],
            "width": until[1],
            "achieved_width": json_number(ci_width(results, until[0])),
            "reached": reached,
            "replications": results[0].n,
            "batch": args.batch,
            "max_n": args.max_n,
        }
    labels = [label for label, _ in scenarios]
    if len(results) == 1:
        extra = {"until_ci": precision} if precision else None

        def fill(d: Path) -> None:
            results[0].write_files(d, quantiles, extra)
            _fan(results[0], d, args.dpi)
            if args.html:
                html_report(d, folder, results)

        write_atomically(folder, fill, force=args.force)
        out(single_table(results[0], quantiles))
        files = "montecarlo.json, replications.csv, fan.png"
    else:
        pairs = [paired(results[0], r) for r in results[1:]]
        summaries = [pair.summary(quantiles) for pair in pairs]

        def fill_paired(d: Path) -> None:
            fan = partial(_fan, dpi=args.dpi)
            write_paired(d, labels, results, summaries, quantiles, precision, fan)
            if args.html:
                html_report(d, folder, results)

        write_atomically(folder, fill_paired, force=args.force)
        for i, (label, pair) in enumerate(zip(labels[1:], pairs, strict=True)):
            table = paired_table(pair, summaries[i], labels[0], label, quantiles, args.top)
            out(("\n" if i else "") + table)
        files = "paired.json; " + ", ".join(f"{folder_name(x)}/" for x in labels)
    if precision is not None:
        out("")
        out(precision_line(precision, len(results) > 1))
    out("")
    out(f"  wrote {folder}/ ({files}{', report.html' if args.html else ''})")
    return ExitCode.OK


# -- arguments --------------------------------------------------------------------------------
def parse_quantiles(text: str) -> list[float]:
    """``5,50,95`` as percentages; UserError (one line) for anything else."""
    items = [s.strip() for s in text.split(",")]
    values: list[float] = []
    for item in items:
        try:
            q = float(item)
        except ValueError:
            raise UserError(f"--quantiles: {item!r} is not a number (give e.g. 5,50,95)") from None
        if not 0 <= q <= 100:
            raise UserError(f"--quantiles: {item} is outside 0..100 (they are percentiles)")
        values.append(q)
    return sorted(set(values))


def _parse_until(text: str | None) -> tuple[str, float] | None:
    if text is None:
        return None
    metric, sep, width = text.rpartition("=")
    try:
        value = float(width)
    except ValueError:
        value = math.nan
    if not sep or not metric or not math.isfinite(value) or value <= 0:
        raise UserError(f"--until-ci takes METRIC=WIDTH with WIDTH > 0, got {text!r}")
    return metric, value


def _scenarios(args: argparse.Namespace) -> list[tuple[str, Scenario]]:
    """(label, scenario) for every scenario file, or for every point of the --param grid."""
    if len(args.param) != len(args.values):
        raise UserError("give one --values SPEC after each --param PATH")
    if not args.param:
        return labelled([load_scenario(path, args.set) for path in args.scenarios])
    if len(args.scenarios) != 1:
        raise UserError("--param/--values compares the values on ONE scenario")
    grid = []
    for path, spec in zip(args.param, args.values, strict=True):
        try:
            grid.append((path, parse_values(spec)))
        except ValueError as exc:
            raise UserError(f"--values for {path}: {exc}") from None
    try:
        return grid_scenarios(args.scenarios[0], grid, args.set)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _check_metric(sc: Scenario, metric: str) -> None:
    """The --until-ci metric must be a number, a date or a probability of the ensemble."""
    metrics = simulate(sc).metrics
    names = [*metrics, *mk.probability_names(mk.stock_segments(sc))]
    if metric not in names:
        hint = did_you_mean(metric, names, cutoff=0.5)
        raise UserError(f"--until-ci: no metric {metric!r}{hint}")
    value = metrics.get(metric)
    if isinstance(value, str) and not _is_date(value):
        raise UserError(f"--until-ci: {metric!r} is text, it has no mean")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_fixed(sc: Scenario) -> bool:
    from sim.scenario.dists import Fixed

    repairs = [o.repair_days for pad in sc.pads for o in pad.outages]
    return sc.uncertainty is None and all(isinstance(r, Fixed) for r in repairs)


# -- output ----------------------------------------------------------------------------------
def _fan(result: MonteCarloResult, folder: Path, dpi: int) -> None:
    """Draw ``fan.png`` of ``result`` into ``folder`` at ``dpi`` (matplotlib only when
    writing)."""
    from sim.plots.fan import fan_chart
    from sim.plots.style import save

    save(fan_chart(result), folder / "fan.png", dpi)
