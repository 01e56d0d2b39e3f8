"""``iss-sim compare OLD NEW``: diff two run or sweep folders metric by metric.

Exit 0 when everything is within tolerance, 1 when something changed beyond it,
2 for unusable input. The tolerance and output options are shared with ``iss-sim check``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, out
from sim.comparison.compare import CompareError, CompareReport, Tolerances, compare, load_tolerances


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="diff two run or sweep folders with tolerances (exit 1 on a change)",
        description="Compare OLD and NEW (run folders, sweep folders, or their summary.json / "
        "sweep.json) metric by metric. Exit 0: all within tolerance; 1: something changed "
        "beyond it (or a metric is missing); 2: unusable input.",
    )
    p.add_argument("old", metavar="OLD", help="the reference: a run or sweep folder, or its JSON")
    p.add_argument("new", metavar="NEW", help="the results to check against OLD")
    add_compare_options(p)
    p.set_defaults(handler=handle)


def add_compare_options(p: argparse.ArgumentParser) -> None:
    """Add the tolerance, filter and output options of ``compare`` and ``check``."""
    g = p.add_argument_group("tolerances")
    g.add_argument("--rtol", type=float, metavar="R", help="relative tolerance (default 1e-9)")
    g.add_argument("--atol", type=float, metavar="A", help="absolute tolerance (default 1e-9)")
    g.add_argument(
        "--date-tol", type=float, metavar="DAYS", help="days a date may move (default 0)"
    )
    g.add_argument(
        "--tolerances",
        metavar="FILE",
        help="YAML: {default: {rtol, atol, date_days}, metrics: {GLOB: {..., ignore: true}}}; "
        "the options above override its default",
    )
    g.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="GLOB",
        help="compare only metrics matching GLOB, e.g. 'food.*' (repeatable)",
    )
    g.add_argument("--strict-extra", action="store_true", help="fail on metrics found only in NEW")
    o = p.add_argument_group("output")
    o.add_argument("--all", action="store_true", help="list unchanged metrics too")
    o.add_argument("--markdown", metavar="FILE", help="write a Markdown report (CI job summary)")
    o.add_argument("--junit", metavar="FILE", help="write JUnit XML (CI test report)")


def tolerances_from_args(args: argparse.Namespace) -> Tolerances:
    """The tolerance file (if any) with the command-line tolerances over its default."""
    for name in ("rtol", "atol", "date_tol"):
        value = getattr(args, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise UserError(f"--{name.replace('_', '-')} must be a finite number >= 0")
    tols = load_tolerances(args.tolerances) if args.tolerances else Tolerances()
    return tols.with_default(rtol=args.rtol, atol=args.atol, date_days=args.date_tol)


def finish(report: CompareReport, args: argparse.Namespace, title: str) -> ExitCode:
    """Print the table, write the Markdown and JUnit files asked for; the exit code."""
    out(report.to_table(title, show_same=args.all))
    if args.markdown:
        _write(Path(args.markdown), report.to_markdown(title))
    if args.junit:
        _write(Path(args.junit), report.to_junit(title))
    return ExitCode.OK if report.ok else ExitCode.CHANGED


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def handle(args: argparse.Namespace) -> ExitCode:
    try:
        tols = tolerances_from_args(args)
        report = compare(args.old, args.new, tols, strict_extra=args.strict_extra, only=args.only)
    except CompareError as exc:
        raise UserError(str(exc)) from None
    return finish(report, args, "iss-sim compare")
