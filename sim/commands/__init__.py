"""One module per ``iss-sim`` subcommand; each has ``register(subparsers)`` and a handler.

Owns only the command line: parsing arguments, calling the library and printing what it
returns. Handlers are thin: they may import every other package, and nothing imports them
but :mod:`sim.cli`.

Handlers take the parsed arguments and return an :class:`ExitCode`; they print only
through :func:`out` and :func:`err`, and raise :class:`UserError` (one line) or
:class:`~sim.scenario.errors.ScenarioError` for bad input, which ``sim.cli.main`` reports.
"""

from __future__ import annotations

import argparse
import logging
import sys
from enum import IntEnum
from typing import Any

__all__ = [
    "ExitCode",
    "Terminated",
    "UserError",
    "add_dpi",
    "add_set",
    "configure_logging",
    "err",
    "log",
    "out",
    "progress",
]


class ExitCode(IntEnum):
    """Process exit codes of every subcommand."""

    OK = 0
    CHANGED = 1
    """compare/check: something moved beyond tolerance."""
    BAD_INPUT = 2
    """unusable input: a scenario, a folder or an argument."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT)."""
    TERMINATED = 143
    """SIGTERM (128 + 15): handled like Ctrl-C."""


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM (see :func:`sim.cli.main_entry`): a
    KeyboardInterrupt, so every clean-up path of Ctrl-C runs for it too."""


def out(text: str) -> None:
    """Write a line to stdout."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """Write a line (or lines) to stderr."""
    sys.stderr.write(text.rstrip("\n") + "\n")


log = logging.getLogger("sim")
"""The package's logger: notes and warnings (shown unless -q), what is being done (-v)."""


class _StderrHandler(logging.Handler):
    """Log records as plain lines on the stderr of the moment (tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = "warning: " if record.levelno >= logging.WARNING else ""
        prefix = "note: " if record.levelno == logging.INFO else prefix
        err(prefix + record.getMessage())


def configure_logging(quiet: bool = False, verbose: bool = False) -> None:
    """Route the ``sim`` logger to stderr: warnings and notes by default, errors only with
    ``quiet``, everything with ``verbose``."""
    log.handlers[:] = [_StderrHandler()]
    log.propagate = False
    log.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)


def progress(total: int | None, what: str, unit: str) -> Any:
    """A progress bar on stderr, labelled with what it counts, shown only when stderr is a
    terminal and not quiet, and left on screen with its final count."""
    from tqdm import tqdm  # only where a bar is drawn

    shown = sys.stderr.isatty() and log.isEnabledFor(logging.INFO)
    return tqdm(total=total, desc=what, unit=unit, file=sys.stderr, disable=not shown, leave=True)


DPI = 120
"""Pixels per inch of PNG charts unless --dpi says otherwise (as sim.plots.style.DEFAULT_DPI,
kept here so that parsing arguments loads no matplotlib)."""


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 30 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"{value} is outside 30..1200")
    return value


def add_dpi(p: argparse.ArgumentParser) -> None:
    """Add the ``--dpi N`` option of commands that write charts."""
    p.add_argument(
        "--dpi",
        type=_dpi,
        default=DPI,
        metavar="N",
        help=f"pixels per inch of PNG charts (default {DPI}; 300 for print); SVG text stays text",
    )


def add_set(p: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set PATH=VALUE`` scenario override option."""
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value, e.g. pads.baikonur-31.outages.0.repair_days=120 "
        "(list items by id or index; VALUE is YAML); repeatable",
    )
