"""``iss-sim report DIR [DIR...]``: one self-contained HTML file of result folders.

Run folders, Monte Carlo folders and paired Monte Carlo folders; several run folders get a
comparison too. Nothing is simulated again: everything comes from the folders' files (and
the provenance from the scenario file they name, if it is still there and unchanged).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, log, out

COMPARE_DIR = Path("results") / "compare"
"""Where the report of several folders goes by default."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report of result folders (tables, charts, sources)",
        description="Write ONE HTML file that opens without network: the summary tables, "
        "every chart the folders' data can draw (inline SVG), the scenario's source and "
        "assumption notes, and for several run folders a comparison sorted by severity.",
    )
    p.add_argument(
        "folders",
        nargs="+",
        metavar="DIR",
        help="a folder written by 'iss-sim run' or 'iss-sim montecarlo'",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"the HTML file (default: DIR/report.html; {COMPARE_DIR}/report.html for several)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even if it is a file not written by iss-sim",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    from sim.htmlreport import (
        REPORT_NAME,
        ReportError,
        check_report_target,
        folder_report,
        write_report,
    )

    folders: list[str] = args.folders
    if args.output:
        target = Path(args.output)
    elif len(folders) == 1:
        target = Path(folders[0]) / REPORT_NAME
    else:
        target = COMPARE_DIR / REPORT_NAME
    try:
        check_report_target(target, force=args.force)  # before the work, not only after it
        text = folder_report(folders)
        write_report(target, text, force=args.force)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    log.debug("report: %d characters", len(text))
    out(f"wrote {target} ({len(text.encode()) / 1024:,.0f} KiB, one file, nothing to fetch)")
    return ExitCode.OK
