"""``iss-sim fragility SCENARIO --param PATH -n N``: P(breach | parameter = d) for every d
of a range, from one ensemble (each replication's critical value found by bisection)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, add_dpi, add_set, log, out, progress
from sim.experiments.executors import make_executor
from sim.experiments.fragility import CHECK_VALUES, CRITERIA, FragilityResult, fragility
from sim.experiments.montecarlo import MAX_REPLICATIONS
from sim.experiments.report import fragility_text
from sim.results import write_atomically
from sim.results.folders import check_target
from sim.scenario.loader import load_scenario

DEFAULT_N = 200


def register(sub: Any) -> None:
    p = sub.add_parser(
        "fragility",
        help="P(breach) for every value of a parameter (e.g. a repair, days), from one ensemble",
        description="For each of N replications (the seeds montecarlo gives them, so every "
        "value sees the same slips and failures), bisect the parameter over [lo, hi] for "
        "the smallest value at which the criterion is breached; the curve at d is the share "
        "of replications whose value is at most d, with its 95%% Wilson interval. About "
        "log2((hi - lo) / step) runs per replication instead of one per value. Every "
        "replication is also run at 9 evenly spaced values: a breach that goes away at a "
        "larger value is reported (not monotone), naming the seeds, with how far the curve "
        "is from those runs.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    p.add_argument(
        "--param",
        required=True,
        metavar="PATH",
        help="dotted path to a number, e.g. pads.baikonur-31.outages.0.repair_days (a "
        "distribution there is replaced by each value; every other draw stays random)",
    )
    p.add_argument("-n", type=int, metavar="N", help=f"replications (default {DEFAULT_N})")
    p.add_argument("--lo", type=float, default=0, metavar="A", help="lowest value (default 0)")
    p.add_argument(
        "--hi", type=float, default=1095, metavar="B", help="highest value (default 1095)"
    )
    p.add_argument(
        "--step", type=float, default=1, metavar="S",
        help="resolution, in the parameter's unit (default 1: a day for repair_days)",
    )  # fmt: skip
    p.add_argument(
        "--criterion",
        action="extend",
        nargs="+",
        choices=CRITERIA,
        metavar="C",
        help="one or more of reserve (some consumable below its reserve), depletion (some "
        "runs out), uncrewed (some segment uncrewed for some time); default all three",
    )
    p.add_argument("--seed", type=int, help="ensemble seed (default: the scenario's)")
    p.add_argument(
        "--check", type=int, metavar="K",
        help=f"check only the first K replications for monotonicity (default: all, each "
        f"also run at {CHECK_VALUES} evenly spaced values; 0: none)",
    )  # fmt: skip
    p.add_argument("-o", "--output", metavar="DIR", help="default: results/<name>-fragility/")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is a non-empty folder not written by iss-sim",
    )
    p.add_argument("--json", action="store_true", help="print fragility.json instead of the text")
    p.add_argument("--workers", type=int, metavar="N", help="processes (default 1: in-process)")
    add_set(p)
    add_dpi(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    for name, most in (("n", MAX_REPLICATIONS), ("workers", 1024)):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= most:
            flag = "-n" if name == "n" else f"--{name}"
            raise UserError(f"{flag} must be from 1 to {most:,} (got {value:,})")
    if args.check is not None and args.check < 0:
        raise UserError(f"--check must be 0 or more (got {args.check:,})")
    base = load_scenario(args.scenario, args.set)
    folder = Path(args.output or Path("results") / f"{base.name}-fragility")
    check_target(folder, force=args.force)  # before the work, not only after it
    n = args.n or DEFAULT_N
    try:
        with (
            make_executor("local", args.workers) as executor,
            progress(n, "fragility: replications", "rep") as bar,
        ):
            result = fragility(
                args.scenario, args.param, n,
                lo=args.lo, hi=args.hi, step=args.step,
                criteria=args.criterion or CRITERIA, overrides=args.set, seed=args.seed,
                check=args.check, executor=executor, progress=bar.update,
            )  # fmt: skip
    except ValueError as exc:
        raise UserError(str(exc)) from None
    write_atomically(folder, lambda d: _fill(result, d, args.dpi), force=args.force)
    if args.json:
        out(json.dumps(result.to_json(), indent=2, allow_nan=False))
    else:
        out(fragility_text(result))
        out("")
        out(f"  wrote {folder}/ (fragility.csv, fragility.json, fragility.png)")
    for warning in result.warnings:
        log.warning(warning)
    return ExitCode.OK


def _fill(result: FragilityResult, folder: Path, dpi: int) -> None:
    """The data files and the chart (matplotlib only when writing)."""
    from sim.plots.fragility import fragility_chart
    from sim.plots.style import save

    result.write_files(folder)
    save(fragility_chart(result), folder / "fragility.png", dpi)
