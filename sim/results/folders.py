"""Writing result folders: atomically (a folder is replaced whole or not at all, and only
if this package wrote it), and CSV cells formatted one way for every table."""

from __future__ import annotations

import csv
import ctypes
import errno
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from sim.scenario.yamlsource import MAX_RESULT_BYTES, read_file

__all__ = [
    "MARKERS",
    "FolderError",
    "check_target",
    "csv_value",
    "is_result_folder",
    "leftovers",
    "pid_alive",
    "recover",
    "write_atomically",
    "write_csv",
]


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


def write_atomically(out_dir: Path, fill: Callable[[Path], object], *, force: bool = False) -> Path:
    """Create ``out_dir`` by filling a temporary sibling and swapping it into place.

    ``out_dir`` may be missing, an empty folder, or a result folder this package wrote
    (:func:`is_result_folder`); any other folder is replaced only with ``force``, and a
    file, a symbolic link or a path without a name never (:class:`FolderError`).

    At every instant ``out_dir`` holds the complete old folder or the complete new one
    (on Linux the two are exchanged in one ``renameat2(RENAME_EXCHANGE)``), or, where the
    exchange is not available, a state that :func:`recover` turns back into the old one.
    An error, Ctrl-C or SIGTERM before the swap leaves the previous ``out_dir`` as it was;
    a kill (SIGKILL) leaves siblings ``.NAME.tmp-PID``/``.new-PID``/``.old-PID`` that the
    next write of the same folder (``recover``) finishes or removes.
    """
    shown = Path(out_dir)
    target = Path(os.path.abspath(shown))
    if not target.name:
        raise FolderError(f"{shown}: not a folder name to write a result into")
    target.parent.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    recover(target, also=pid)
    check_target(target, force=force, shown=shown)
    tmp, new, old = (_sibling(target, kind, pid) for kind in ("tmp", "new", "old"))
    tmp.mkdir()
    try:
        fill(tmp)
        _test_pause("filled")
        tmp.rename(new)  # the journal: a .new-PID folder is complete
        _test_pause("ready")
        _swap(new, target, old)
        _test_pause("swapped")
    except BaseException:
        recover(target, also=pid)  # roll back (or, after the swap, just clean up)
        raise
    recover(target, also=pid)
    return shown


# -- what may be replaced ----------------------------------------------------------------
class FolderError(ValueError):
    """An output path that must not be replaced (one line, naming it)."""


MARKERS: dict[str, tuple[str, ...]] = {
    "summary.json": ("scenario", "metrics"),
    "sweep.json": ("scenario", "runs"),
    "montecarlo.json": ("scenario", "replications"),
    "paired.json": ("scenarios", "comparisons"),
    "fragility.json": ("scenario", "curves"),
    "rank.json": ("scenario", "ranking"),
}
"""Marker file of each kind of result folder, and keys its JSON object always has."""


def is_result_folder(folder: Path) -> bool:
    """Whether ``folder`` is a result folder written by this package: it holds one of the
    :data:`MARKERS` files, a JSON object with that file's keys."""
    for marker, keys in MARKERS.items():
        try:  # a regular file, read with the cap: a FIFO named summary.json never blocks
            data = json.loads(read_file(folder / marker, "result file", MAX_RESULT_BYTES))
        except (ValueError, RecursionError):  # UnreadableFile is a ValueError too
            continue
        if isinstance(data, dict) and all(k in data for k in keys):
            return True
    return False


def check_target(target: Path, *, force: bool = False, shown: Path | None = None) -> None:
    """Raise :class:`FolderError` unless ``target`` may be replaced by a result folder:
    missing, an empty folder, one of ours, or (with ``force``) any other folder."""
    shown = target if shown is None else shown
    if target.is_symlink():
        raise FolderError(f"{shown} is a symbolic link; give the folder itself (not replaced)")
    if not target.exists():
        return
    if not target.is_dir():
        raise FolderError(
            f"{shown} is a file, not a folder; not replacing it (remove it or choose another)"
        )
    if force or is_result_folder(target) or not any(target.iterdir()):
        return
    names = "/".join(MARKERS)
    raise FolderError(
        f"{shown}/ is not empty and was not written by iss-sim (no valid {names}); "
        "not replacing it: choose another folder, or give --force to replace it"
    )


# -- the swap and its recovery -----------------------------------------------------------
_KINDS = ("tmp", "new", "old")


def _sibling(target: Path, kind: str, pid: int) -> Path:
    return target.parent / f".{target.name}.{kind}-{pid}"


def _swap(new: Path, target: Path, old: Path) -> None:
    """Put the complete folder ``new`` at ``target``; the previous ``target`` ends at
    ``new`` (exchange) or at ``old`` (fallback), to be removed by :func:`recover`."""
    if not target.exists():
        new.rename(target)
        return
    if os.environ.get(PAUSE_ENV) != "between-renames" and _exchange(new, target):
        return
    target.rename(old)  # fallback: two renames; recover() rolls a cut back to old
    _test_pause("between-renames")
    new.rename(target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False when
    the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no libc symbol (glibc < 2.28, musl < 1.2.?)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def leftovers(target: Path) -> list[Path]:
    """The swap siblings ``.NAME.tmp-PID``/``.new-PID``/``.old-PID`` of ``target``."""
    found = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return []
    for path in entries:
        for kind in _KINDS:
            prefix = f".{target.name}.{kind}-"
            if path.name.startswith(prefix) and path.name[len(prefix) :].isdigit():
                found.append(path)
    return sorted(found)


def recover(target: Path, also: int | None = None) -> None:
    """Finish a swap into ``target`` that was cut short by processes that are gone (and by
    process ``also``, this one): the state before the swap comes back unless the swap had
    put the new folder in place, and every temporary sibling is removed.

    A missing ``target`` with an ``.old-PID`` sibling (cut between the two renames of the
    fallback) gets the old folder back; everything else (``.tmp-`` partial, ``.new-``
    complete but not swapped in, or the old one after an exchange, ``.old-`` after the
    swap) is deleted.
    """
    stale = [p for p in leftovers(target) if _stale(p, also)]
    olds = [p for p in stale if ".old-" in p.name]
    if olds and not os.path.lexists(target):
        olds[0].rename(target)
        stale.remove(olds[0])
    # a folder being deleted is first renamed to .tmp-PID: one cut short mid-delete is
    # never mistaken for a complete old or new folder
    for path in sorted(stale, key=lambda p: ".tmp-" not in p.name):
        garbage = _sibling(target, "tmp", _pid(path))
        if path != garbage:
            try:
                path.rename(garbage)
            except OSError:
                garbage = path
        _remove(garbage)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _pid(path: Path) -> int:
    return int(path.name.rpartition("-")[2])


def _stale(path: Path, also: int | None) -> bool:
    pid = _pid(path)
    return pid == also or not pid_alive(pid)


# -- test hook -----------------------------------------------------------------------------
PAUSE_ENV = "ISS_SIM_TEST_PAUSE_AT"
"""Test-only: ``filled``, ``ready``, ``between-renames`` (forces the two-rename fallback)
or ``swapped`` makes :func:`write_atomically` stop there (a line on stderr, then a sleep
of up to a minute) so that a test can kill the process at that instant."""


def _test_pause(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        sys.stderr.write(f"{PAUSE_ENV}: paused at {point}\n")
        sys.stderr.flush()
        time.sleep(60)
