"""``iss-sim validate FILE...``: check scenario files and print every problem."""

from __future__ import annotations

import argparse
from typing import Any

from sim.commands import ExitCode, add_set, err, out
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario


def register(sub: Any) -> None:
    p = sub.add_parser("validate", help="check scenario files (exit 2 if any is invalid)")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files to check")
    add_set(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    bad = 0
    for path in args.files:
        try:
            sc = load_scenario(path, args.set)
        except ScenarioError as exc:
            err(str(exc))
            bad += 1
            continue
        out(f"{path}: ok ({sc.name}: {len(sc.flights)} flights, {len(sc.pads)} pads)")
    return ExitCode.BAD_INPUT if bad else ExitCode.OK
