"""``iss-sim run SCENARIO``: simulate one scenario and write its result folder."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, add_dpi, add_set, log, out
from sim.results.folders import check_target
from sim.results.report import run_summary
from sim.results.result import simulate
from sim.scenario.loader import load_scenario

CHART_FORMATS = ("png", "svg")


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="simulate a scenario and write its result folder")
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file to simulate")
    p.add_argument("-o", "--output", metavar="DIR", help="default: results/<scenario name>/")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace DIR even if it is a non-empty folder not written by iss-sim",
    )
    add_set(p)
    p.add_argument("--seed", type=int, help="run seed (default: the scenario's seed)")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument(
        "--plot",
        action="store_true",
        help="also write the charts margin, crew and timeline into the result folder",
    )
    p.add_argument(
        "--format", choices=CHART_FORMATS, help="chart file format (default png; implies --plot)"
    )
    p.add_argument(
        "--html",
        action="store_true",
        help="also write report.html into the result folder: one self-contained HTML file "
        "with the tables, every chart and the scenario's sources (see 'iss-sim report')",
    )
    add_dpi(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    sc = load_scenario(args.scenario, args.set)
    folder = Path(args.output) if args.output else Path("results") / sc.name
    check_target(folder, force=args.force)  # before the work, not only after it
    started = time.perf_counter()
    result = simulate(sc, seed=args.seed)
    log.debug(
        "simulated %s: %d simpy events in %.1f ms",
        sc.name, result.processed_events, 1e3 * (time.perf_counter() - started),
    )  # fmt: skip
    fmt = args.format or "png"
    plot = args.plot or args.format is not None
    extras: list[Callable[[Path], object]] = []
    charts: list[Path] = []
    if plot:
        from sim.plots import write_run_charts  # matplotlib is imported only when needed

        dpi = args.dpi
        extras.append(lambda d: charts.extend(write_run_charts(result, d, fmt, dpi)))
    if args.html:
        extras.append(lambda d: html_report(d, folder))

    def extra(d: Path) -> None:
        for add in extras:
            add(d)

    result.write(folder, extra=extra if extras else None, force=args.force)
    if args.json:
        out(json.dumps(result.metrics, indent=2))
    else:
        out(run_summary(result, str(folder)))
        if plot:  # altitude too when the scenario models it
            out(f"  charts: {', '.join(path.name for path in charts)}")
        if args.html:
            out("  report: report.html (one file; open it in a browser)")
    return ExitCode.OK


def html_report(d: Path, folder: Path, ensembles: Sequence[Any] = ()) -> None:
    """Write ``report.html`` into the result folder being filled at ``d`` (to become
    ``folder``); ``ensembles``: Monte Carlo results in memory, for their fans as SVG."""
    from sim.htmlreport import ReportError, report_into

    try:
        report_into(d, str(folder), ensembles)
    except ReportError as exc:
        raise UserError(f"report.html: {exc}") from None
