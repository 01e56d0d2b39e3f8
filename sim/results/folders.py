"""Writing result folders: atomically (a folder is replaced whole or not at all), and CSV
cells formatted one way for every table."""

from __future__ import annotations

import csv
import math
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["csv_value", "write_atomically", "write_csv"]


def csv_value(v: Any) -> Any:
    """A value as every CSV table of the package writes it: floats rounded to 6 decimals
    (``inf``/``-inf`` spelled out), numpy numbers as Python ones, None as empty."""
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return repr(round(v, 6)) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, np.integer):
        return int(v)
    return "" if v is None else v


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a CSV table: floats rounded to 6 decimals (``inf`` spelled out), None empty."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([csv_value(v) for v in row])


def write_atomically(out_dir: Path, fill: Callable[[Path], object]) -> Path:
    """Create ``out_dir`` by filling a temporary sibling and renaming it into place.

    On any error (or Ctrl-C) the temporary folder is removed and a previous ``out_dir``
    is left as it was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        fill(tmp)
        if out_dir.exists():
            out_dir.rename(old)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return out_dir
