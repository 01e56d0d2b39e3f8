"""``iss-sim plot DIR [DIR...]``: draw charts from result folders (from the files, no re-run).

One folder: its margin, crew and timeline charts. Several: overlays of their days of
supply (``overlay`` with every consumable, ``overlay-<consumable>`` one each).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.commands import ExitCode, UserError, out
from sim.commands.run import CHART_FORMATS
from sim.results.rundata import RunDataError, load_run

COMPARE_DIR = Path("results") / "compare"
"""Where overlays of several folders go by default."""


def register(sub: Any) -> None:
    p = sub.add_parser("plot", help="draw charts from result folders (several: overlays)")
    p.add_argument("folders", nargs="+", metavar="DIR", help="a folder written by 'iss-sim run'")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help=f"where to write the charts (default: DIR itself; {COMPARE_DIR}/ for several)",
    )
    p.add_argument("--format", choices=CHART_FORMATS, default="png", help="default: png")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    try:
        runs = [load_run(d) for d in args.folders]
    except RunDataError as exc:
        raise UserError(str(exc)) from None
    from sim.plots import write_overlay_charts, write_run_charts  # imports matplotlib

    fmt: str = args.format
    if len(runs) == 1:
        target = Path(args.output or args.folders[0])
        names = _write_into(target, lambda d: write_run_charts(runs[0], d, fmt))
    else:
        target = Path(args.output) if args.output else COMPARE_DIR
        names = _write_into(target, lambda d: write_overlay_charts(runs, d, fmt))
    out(f"wrote {', '.join(names)} in {target}/")
    return ExitCode.OK


def _write_into(folder: Path, draw: Callable[[Path], list[Path]]) -> list[str]:
    """Draw every chart into a temporary folder inside ``folder``, then rename each into
    place: a failed drawing leaves ``folder`` as it was, and other files in it are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".plot-tmp-", dir=folder))
    try:
        paths = draw(tmp)
        for path in paths:
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [path.name for path in paths]
