"""``iss-sim critical SCENARIO --param PATH``: the largest value for which a criterion holds."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.commands import ExitCode, UserError, add_set, log, out, progress
from sim.experiments.critical import CRITERIA, critical
from sim.experiments.report import critical_text


def register(sub: Any) -> None:
    p = sub.add_parser(
        "critical",
        help="find the largest value of a parameter (e.g. a repair, days) that keeps a margin",
        description="Bisect a numeric parameter over [lo, hi] to the unit (a day for "
        "repair_days) for the largest value at which the criterion still holds; report "
        "what binds first just beyond it, and warn if spot checks are not monotone.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    p.add_argument(
        "--param",
        required=True,
        metavar="PATH",
        help="dotted path to a number, e.g. pads.baikonur-31.outages.0.repair_days",
    )
    p.add_argument("--lo", type=int, default=0, metavar="A", help="lowest value (default 0)")
    p.add_argument("--hi", type=int, default=1095, metavar="B", help="highest value (default 1095)")
    p.add_argument(
        "--criterion",
        choices=CRITERIA,
        default="reserve",
        help="reserve: no consumable below its reserve; depletion: none runs out; uncrewed: "
        "no segment uncrewed and no forced return; any: all three (default reserve)",
    )
    p.add_argument("--seed", type=int, help="run seed of every evaluation (default: scenario's)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_set(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    try:
        with progress(None, "critical: runs", "run") as bar:
            result = critical(
                args.scenario,
                args.param,
                lo=args.lo,
                hi=args.hi,
                criterion=args.criterion,
                overrides=args.set,
                seed=args.seed,
                progress=bar.update,
            )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        out(json.dumps(result.to_json(), indent=2))
    else:
        out(critical_text(result))
    for warning in result.warnings:
        log.warning(warning)
    return ExitCode.OK
