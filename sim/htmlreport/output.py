"""Writing a report file: atomically (a temporary file beside it, then one rename), and
over an existing file only if iss-sim wrote it (its generator tag) or with ``force``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sim.htmlreport.folders import ReportError
from sim.htmlreport.page import GENERATOR
from sim.results.folders import pid_alive

__all__ = ["REPORT_NAME", "check_report_target", "is_report", "write_report"]

REPORT_NAME = "report.html"
"""The report's name inside a result folder (``run --html``, ``montecarlo --html``)."""

_HEAD_BYTES = 4096


def is_report(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts like a report iss-sim wrote."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return False
    return GENERATOR.rsplit(" ", 1)[0].encode() in head


def check_report_target(path: Path, *, force: bool = False) -> None:
    """Raise :class:`ReportError` unless ``path`` may be written: missing, or a report of
    iss-sim's, or (with ``force``) any other regular file. A folder, a symbolic link or a
    special file is refused even with ``force``."""
    if path.is_symlink():
        raise ReportError(f"{path} is a symbolic link; give the file itself (not replaced)")
    if not path.exists():
        if path.parent.exists() and not path.parent.is_dir():
            raise ReportError(f"{path.parent} is a file, not a folder; cannot write {path.name}")
        return
    if path.is_dir():
        raise ReportError(
            f"{path}/ is a folder; give a file to write, e.g. -o {path / REPORT_NAME}"
        )
    if not path.is_file():
        raise ReportError(f"{path} is not a regular file; not replacing it")
    if not force and not is_report(path):
        raise ReportError(
            f"{path} exists and was not written by iss-sim (no iss-sim generator tag); not "
            "replacing it: choose another -o, or give --force to replace it"
        )


TMP_MARK = ".tmp-"


def write_report(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically: into ``.NAME.tmp-PID-XXXX`` beside it, then
    renamed over it, so that ``path`` is at every instant the old file or the new one.
    Temporaries of killed processes are removed first."""
    target = Path(path)
    check_report_target(target, force=force)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder, target.name)
    tmp = folder / f".{target.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    data = text.encode("utf-8")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        check_report_target(target, force=force)  # the same again, just before the swap
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _remove_stale(folder: Path, name: str) -> None:
    prefix = f".{name}{TMP_MARK}"
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid = entry.name[len(prefix) :].partition("-")[0]
        if pid.isdigit() and entry.is_file() and not pid_alive(int(pid)):
            entry.unlink(missing_ok=True)
