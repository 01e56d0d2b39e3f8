"""Lines of a large text file written as they come, on disk instead of in memory: an
ensemble's ``replications.csv`` while it runs (~2 KB a replication for the baseline)."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from typing import IO

__all__ = ["Spool"]


class Spool:
    """Bytes appended to an anonymous temporary file in the system's temp folder (on
    POSIX it has no name, so nothing is left behind even if the process is killed), closed
    and so deleted by :meth:`close` or when the spool is garbage collected."""

    def __init__(self) -> None:
        # closed by close() or the finalizer: it outlives any with-block here
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="iss-sim-", suffix=".csv")  # noqa: SIM115
        self._closer = weakref.finalize(self, self._file.close)
        self.size = 0
        """Bytes written."""

    @property
    def closed(self) -> bool:
        """Whether the file is closed (and deleted)."""
        return self._file.closed

    def write(self, data: bytes) -> None:
        """Append ``data``."""
        self._file.write(data)
        self.size += len(data)

    def copy_to(self, out: IO[bytes]) -> None:
        """Copy everything written into the binary file ``out``, in blocks."""
        self._file.flush()
        self._file.seek(0)
        try:
            shutil.copyfileobj(self._file, out)
        finally:
            self._file.seek(0, 2)

    def read(self) -> bytes:
        """Everything written (for small files)."""
        self._file.flush()
        self._file.seek(0)
        try:
            return self._file.read()
        finally:
            self._file.seek(0, 2)

    def copy(self) -> Spool:
        """A new spool holding the same bytes."""
        new = Spool()
        self.copy_to(new._file)
        new.size = self.size
        return new

    def close(self) -> None:
        """Close and delete the file (reading or writing after that raises ValueError)."""
        self._closer()
