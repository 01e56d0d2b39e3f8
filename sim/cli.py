"""The ``iss-sim`` command: thin argparse handlers over the library, exit codes named once."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path

from sim._version import __version__
from sim.errors import ScenarioError
from sim.model import Scenario
from sim.report import run_summary
from sim.results import simulate
from sim.scenario import load_scenario

__all__ = ["ExitCode", "main"]


class ExitCode(IntEnum):
    """Process exit codes of every subcommand."""

    OK = 0
    CHANGED = 1
    """compare/check: something moved beyond tolerance."""
    BAD_INPUT = 2
    """unusable input: a scenario, a folder or an argument."""
    INTERRUPTED = 130


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def cmd_validate(args: argparse.Namespace) -> ExitCode:
    """Check scenario files; print every problem."""
    bad = 0
    for path in args.files:
        try:
            sc = load_scenario(path, args.set)
        except ScenarioError as exc:
            _err(str(exc))
            bad += 1
            continue
        _out(f"{path}: ok ({sc.name}: {len(sc.flights)} flights, {len(sc.pads)} pads)")
    return ExitCode.BAD_INPUT if bad else ExitCode.OK


def cmd_schema(args: argparse.Namespace) -> ExitCode:
    """Print the JSON Schema of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ISS logistics scenario"
    _out(json.dumps(schema, indent=2))
    return ExitCode.OK


def cmd_run(args: argparse.Namespace) -> ExitCode:
    """Simulate one scenario and write its result folder."""
    sc = load_scenario(args.scenario, args.set)
    result = simulate(sc, seed=args.seed)
    out = Path(args.output) if args.output else Path("results") / sc.name
    result.write(out)
    if args.json:
        _out(json.dumps(result.metrics, indent=2))
    else:
        _out(run_summary(result, str(out)))
    return ExitCode.OK


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. pads.baikonur-31.outages.0.repair_days=120 "
        "(list items by id or index; VALUE is YAML); repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``iss-sim``."""
    parser = argparse.ArgumentParser(
        prog="iss-sim",
        description="ISS logistics scenario simulator: crew rotation and supply margins "
        "under launch-pad outages.",
    )
    parser.add_argument("--version", action="version", version=f"iss-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files (exit 2 if any is invalid)")
    p.add_argument("files", nargs="+", metavar="FILE")
    _add_set(p)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("run", help="simulate a scenario and write its result folder")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("-o", "--output", metavar="DIR", help="default: results/<scenario name>/")
    _add_set(p)
    p.add_argument("--seed", type=int, help="run seed (default: the scenario's seed)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.set_defaults(handler=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``iss-sim`` with ``argv``; return the exit code (callable from tests)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors (2), --help/--version (0)
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace], ExitCode] = args.handler
    try:
        return int(handler(args))
    except ScenarioError as exc:
        _err(str(exc))
    except UserError as exc:
        _err(f"iss-sim {args.command}: {exc}")
    except OSError as exc:
        _err(f"iss-sim {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.BAD_INPUT)


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
