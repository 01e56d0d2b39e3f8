"""The ``iss-sim`` command: argparse over one module per subcommand (``sim.commands``).

Importing this module is cheap: the subcommands (and numpy, pydantic, matplotlib behind
them) are imported by :func:`main`, after :func:`main_entry` has installed the signal
handlers, so that Ctrl-C or SIGTERM at any moment ends in one line and exit 130 or 143.
And only the subcommand being run is imported (:data:`COMMANDS`), so that ``iss-sim
validate`` does not pay for the engine, numpy or the experiments.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType, ModuleType
from typing import Any

from sim._version import __version__
from sim.commands import ExitCode, Terminated, UserError, configure_logging, err

__all__ = ["ExitCode", "UserError", "build_parser", "main", "main_entry"]


COMMANDS: dict[str, str] = {
    "validate": "sim.commands.validate",
    "schema": "sim.commands.schema",
    "run": "sim.commands.run",
    "plot": "sim.commands.plot",
    "sweep": "sim.commands.sweep",
    "critical": "sim.commands.critical",
    "rank": "sim.commands.rank",
    "montecarlo": "sim.commands.montecarlo",
    "fragility": "sim.commands.fragility",
    "compare": "sim.commands.compare",
    "check": "sim.commands.check",
    "report": "sim.commands.report",
}
"""Each subcommand's name and module, in the order ``--help`` lists them (each module's
``register`` adds the subparser of that name)."""


def commands(only: str | None = None) -> list[ModuleType]:
    """Subcommand modules, in the order ``--help`` lists them; just ``only``'s if given."""
    names = [only] if only is not None else list(COMMANDS)
    return [importlib.import_module(COMMANDS[name]) for name in names]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``iss-sim``: with every subcommand, or with ``command``'s
    alone (enough to parse a command line that starts with that name)."""
    parser = argparse.ArgumentParser(
        prog="iss-sim",
        description="ISS logistics scenario simulator: crew rotation and supply margins "
        "under launch-pad outages.",
    )
    parser.add_argument("--version", action="version", version=f"iss-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in commands(command):
        module.register(sub)
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
        args_list = list(sys.argv[1:] if argv is None else argv)
        # a line that starts with a command name needs only that command's parser; any
        # other (--help, --version, a typo) gets the full one, to list or suggest them all
        first = args_list[0] if args_list else None
        parser = build_parser(first if first in COMMANDS else None)
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exc:  # argparse: usage errors (2), --help/--version (0)
            return int(exc.code or 0)
        name = f"iss-sim {args.command}"
        configure_logging(args.quiet, args.verbose)
        return _run(args, name)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM at any moment, also in imports
        return interrupted(exc, name)


def _run(args: argparse.Namespace, name: str) -> int:
    from sim.scenario.errors import ScenarioError

    handler: Callable[[argparse.Namespace], ExitCode] = args.handler
    try:
        return int(handler(args))
    except ScenarioError as exc:
        err(str(exc))
    except Exception as exc:
        if isinstance(exc, (UserError, *_folder_error())):
            err(f"{name}: {exc}")
        elif isinstance(exc, OSError):
            err(f"{name}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        else:
            raise
    return int(ExitCode.BAD_INPUT)


def _folder_error() -> tuple[type[Exception], ...]:
    """:class:`~sim.results.folders.FolderError` if its module was imported (only then can
    it have been raised), else nothing: importing it would import numpy for every command."""
    folders = sys.modules.get("sim.results.folders")
    return () if folders is None else (folders.FolderError,)


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
