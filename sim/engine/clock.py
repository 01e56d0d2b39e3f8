"""Simulation time: days (float) since the scenario's epoch, and the one tolerance on it.

Also :func:`gc_paused`, for the callers that run many engine events in a row.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["EPS_DAYS", "gc_paused"]

EPS_DAYS = 1e-9
"""Days (~0.1 ms): two times closer than this are the same time. Threshold crossings
closer than this count as happening now, and a launch exactly one turnaround after
another is never refused for rounding."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restoring its state after).

    A run allocates many objects that live until it ends and creates no cycles worth
    collecting meanwhile; with the collector on, its full passes make the cost per event
    grow with the size of the run. Apply it once around a whole batch of runs."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
