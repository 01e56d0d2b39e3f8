"""The ``iss-sim`` command: argparse over one module per subcommand (``sim.commands``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sim._version import __version__
from sim.commands import ExitCode, UserError, err
from sim.commands import check as check_cmd
from sim.commands import compare as compare_cmd
from sim.commands import critical as critical_cmd
from sim.commands import montecarlo as montecarlo_cmd
from sim.commands import plot as plot_cmd
from sim.commands import run as run_cmd
from sim.commands import schema as schema_cmd
from sim.commands import sweep as sweep_cmd
from sim.commands import validate as validate_cmd
from sim.scenario.errors import ScenarioError

__all__ = ["ExitCode", "UserError", "build_parser", "main"]

COMMANDS = [
    validate_cmd,
    schema_cmd,
    run_cmd,
    plot_cmd,
    sweep_cmd,
    critical_cmd,
    montecarlo_cmd,
    compare_cmd,
    check_cmd,
]
"""Subcommand modules, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``iss-sim``."""
    parser = argparse.ArgumentParser(
        prog="iss-sim",
        description="ISS logistics scenario simulator: crew rotation and supply margins "
        "under launch-pad outages.",
    )
    parser.add_argument("--version", action="version", version=f"iss-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
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
        err(str(exc))
    except UserError as exc:
        err(f"iss-sim {args.command}: {exc}")
    except OSError as exc:
        err(f"iss-sim {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        err("interrupted; nothing was written")
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.BAD_INPUT)


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
