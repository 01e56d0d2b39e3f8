"""``iss-sim rank SCENARIO [--slip DAYS]...``: which flight matters, ranked."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, add_dpi, add_set, out, progress
from sim.experiments.rank import DEFAULT_SLIPS, RankResult, rank
from sim.experiments.report import rank_text
from sim.results import write_atomically
from sim.results.folders import check_target


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rank",
        help="which flight matters: lose or slip each flight, rank by what it does",
        description="Rerun SCENARIO with each flight lost (a launch failure on its date) and "
        "slipped by each --slip, and each pad repair longer by each --slip, all on the base "
        "run's seed (common random numbers); rank the flights by what that does to the crew "
        "(forced returns, uncrewed days, unseated person-days), then to the first reserve "
        "breach, then to the lowest days of supply. Writes rank.csv, rank.json and rank.png.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    p.add_argument(
        "--slip",
        action="append",
        type=float,
        metavar="DAYS",
        help="days to slip each flight (and to lengthen each repair); repeatable "
        f"(default {' and '.join(f'{d:g}' for d in DEFAULT_SLIPS)})",
    )
    p.add_argument(
        "--top", type=int, default=10, metavar="N", help="flights in the table (default 10)"
    )
    p.add_argument("--json", action="store_true", help="also print rank.json to stdout")
    p.add_argument("-o", "--output", metavar="DIR", help="default: results/<scenario>-rank/")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is a non-empty folder not written by iss-sim",
    )
    p.add_argument(
        "--workers", type=int, default=1, metavar="N", help="processes (default 1: in-process)"
    )
    add_set(p)
    add_dpi(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    if args.workers < 1:
        raise UserError(f"--workers must be at least 1 (got {args.workers})")
    if args.top < 0:
        raise UserError(f"--top must be at least 0 (got {args.top})")
    if args.output:
        check_target(Path(args.output), force=args.force)  # before the work
    try:
        with progress(None, "rank: runs", "run") as bar:
            result = rank(
                args.scenario,
                slips=args.slip or DEFAULT_SLIPS,
                overrides=args.set,
                workers=args.workers,
                progress=bar.update,
            )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    folder = Path(args.output) if args.output else Path("results") / f"{result.scenario}-rank"
    write_atomically(folder, lambda d: _write(result, d, args.dpi), force=args.force)
    if args.json:
        out(json.dumps(result.to_json(), indent=2, allow_nan=False))
    else:
        out(rank_text(result, top=args.top))
        out("")
        out(f"  wrote {folder}/ (rank.csv, rank.json, rank.png): {result.runs} runs")
    return ExitCode.OK


def _write(result: RankResult, folder: Path, dpi: int) -> None:
    """The ranking's files and its tornado chart."""
    from sim.plots.rank import rank_chart  # matplotlib only when writing
    from sim.plots.style import save

    result.write_files(folder)
    save(rank_chart(result), folder / "rank.png", dpi)
