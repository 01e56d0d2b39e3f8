"""The ``iss-sim`` command: argparse over one module per subcommand (``sim.commands``).

Importing this module is cheap: the subcommands (and numpy, pydantic, matplotlib behind
them) are imported by :func:`main`, after :func:`main_entry` has installed the signal
handlers, so that Ctrl-C or SIGTERM at any moment ends in one line and exit 130 or 143.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType, ModuleType
from typing import Any

from sim._version import __version__
from sim.commands import ExitCode, Terminated, UserError, configure_logging, err

__all__ = ["ExitCode", "UserError", "build_parser", "main", "main_entry"]


def commands() -> list[ModuleType]:
    """Subcommand modules, in the order ``--help`` lists them."""
    from sim.commands import check as check_cmd
    from sim.commands import compare as compare_cmd
    from sim.commands import critical as critical_cmd
    from sim.commands import montecarlo as montecarlo_cmd
    from sim.commands import plot as plot_cmd
    from sim.commands import run as run_cmd
    from sim.commands import schema as schema_cmd
    from sim.commands import sweep as sweep_cmd
    from sim.commands import validate as validate_cmd

    return [
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``iss-sim``."""
    parser = argparse.ArgumentParser(
        prog="iss-sim",
        description="ISS logistics scenario simulator: crew rotation and supply margins "
        "under launch-pad outages.",
    )
    parser.add_argument("--version", action="version", version=f"iss-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands():
        command.register(sub)
    for command_parser in sub.choices.values():  # -q/-v on every command
        talk = command_parser.add_mutually_exclusive_group()
        talk.add_argument(
            "-q", "--quiet", action="store_true",
            help="print only results and errors (no notes, warnings or progress bars)",
        )  # fmt: skip
        talk.add_argument(
            "-v", "--verbose", action="store_true",
            help="also print what is being done (files read, runs made, timings)",
        )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``iss-sim`` with ``argv``; return the exit code (callable from tests)."""
    name = "iss-sim"
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse: usage errors (2), --help/--version (0)
            return int(exc.code or 0)
        name = f"iss-sim {args.command}"
        configure_logging(args.quiet, args.verbose)
        return _run(args, name)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM at any moment, also in imports
        return interrupted(exc, name)


def _run(args: argparse.Namespace, name: str) -> int:
    from sim.results.folders import FolderError
    from sim.scenario.errors import ScenarioError

    handler: Callable[[argparse.Namespace], ExitCode] = args.handler
    try:
        return int(handler(args))
    except ScenarioError as exc:
        err(str(exc))
    except (UserError, FolderError) as exc:
        err(f"{name}: {exc}")
    except OSError as exc:
        err(f"{name}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    return int(ExitCode.BAD_INPUT)


def interrupted(exc: BaseException, name: str = "iss-sim") -> int:
    """Report an interruption in one line; its exit code (143 for SIGTERM, else 130)."""
    terminated = isinstance(exc, Terminated)
    why = "terminated" if terminated else "interrupted"
    err(f"{name}: {why}; no output folder was left half-written")
    return int(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _unraisable(hook: Any) -> None:
    """An interruption raised where Python cannot propagate it (inside a weakref or GC
    callback, e.g. an import lock's) would be printed as 'Exception ignored' and lost:
    raise the signal again, so that it is taken at the next point where it propagates."""
    exc = hook.exc_value
    if isinstance(exc, KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)
        return
    _previous_unraisable(hook)


_previous_unraisable = sys.unraisablehook


def install_signal_handlers() -> None:
    """SIGTERM raises :class:`~sim.commands.Terminated` (a KeyboardInterrupt) in the main
    thread, so that it is cleaned up like Ctrl-C; SIGINT keeps Python's handler (unless
    it was ignored, as for a background job). An interruption swallowed by a callback is
    raised again (see :func:`_unraisable`)."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.unraisablehook = _unraisable


def main_entry() -> None:
    """Console-script entry point (and ``python -m sim``)."""
    try:
        install_signal_handlers()
        code = main()
    except KeyboardInterrupt as exc:  # between the handlers and main's own try
        code = interrupted(exc)
    if code in (ExitCode.INTERRUPTED, ExitCode.TERMINATED):
        # interrupted: everything was cleaned up; do not wait at exit for threads of a
        # worker pool that was stopped (their pipes to dead workers may never drain)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
