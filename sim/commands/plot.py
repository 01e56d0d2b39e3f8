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

from sim.commands import ExitCode, UserError, add_dpi, out
from sim.commands.run import CHART_FORMATS
from sim.results.folders import is_result_folder, pid_alive
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
    add_dpi(p)
    p.add_argument(
        "--force",
        action="store_true",
        help="replace files of the charts' names in OUT even if iss-sim did not draw them",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> ExitCode:
    try:
        runs = [load_run(d) for d in args.folders]
    except RunDataError as exc:
        raise UserError(str(exc)) from None
    from sim.plots import write_overlay_charts, write_run_charts  # imports matplotlib

    fmt: str = args.format
    dpi: int = args.dpi
    if len(runs) == 1:
        target = Path(args.output or args.folders[0])
        names = _write_into(target, lambda d: write_run_charts(runs[0], d, fmt, dpi), args.force)
    else:
        target = Path(args.output) if args.output else COMPARE_DIR
        names = _write_into(target, lambda d: write_overlay_charts(runs, d, fmt, dpi), args.force)
    out(f"wrote {', '.join(names)} in {target}/")
    return ExitCode.OK


def _write_into(folder: Path, draw: Callable[[Path], list[Path]], force: bool) -> list[str]:
    """Draw every chart into a temporary folder inside ``folder``, then rename each into
    place: a failed drawing leaves ``folder`` as it was, and other files in it are kept.

    An existing file of a chart's name is replaced only if iss-sim drew it (its metadata),
    ``folder`` is a result folder, or ``force``: else UserError, and nothing is replaced.
    """
    from sim.plots.style import drawn_by_us

    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder; not writing charts into it")
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=folder))
    try:
        paths = draw(tmp)
        ours = force or is_result_folder(folder)
        foreign = [
            p.name
            for p in paths
            if os.path.lexists(folder / p.name) and not (ours or drawn_by_us(folder / p.name))
        ]
        if foreign:
            raise UserError(
                f"{folder}/ has {', '.join(foreign)} not drawn by iss-sim; not replacing "
                "it: choose another -o, or give --force"
            )
        for path in paths:
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [path.name for path in paths]


TMP_PREFIX = ".plot-tmp-"
"""Temporary drawing folders inside the target: ``.plot-tmp-PID-XXXX``."""


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove drawing folders left in ``folder`` by plot processes that were killed."""
    for path in folder.glob(f"{TMP_PREFIX}*"):
        pid = path.name[len(TMP_PREFIX) :].partition("-")[0]
        if pid.isdigit() and path.is_dir() and not pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
