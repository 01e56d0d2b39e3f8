"""Days-of-supply fans of an ensemble in memory that does not grow with its size: per
series and grid time, a histogram of the replications' days of supply.

Bins are :data:`FINE_DAYS` (1/16 day) wide below :data:`SPLIT_DAYS` (512 days, well above
the 365 days a fan chart shows) and 1 day wide from there to :data:`CAP_DAYS`; exactly 0
days (out of stock), values at or above the cap, +inf (nothing used) and NaN are counted
apart, exactly. A percentile is interpolated between order statistics as
``numpy.percentile`` does, each order statistic placed evenly inside its bin, so it is off
by less than one bin width (1/16 day below 512 days); the share out of stock is exact.
Counts add up, so the sketch never depends on the chunking or the executor. Each cell keeps
counts only over the bins its values reached (in blocks of :data:`BLOCK` bins): the
baseline's 880 cells take ~20 MB however many replications there are.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CAP_DAYS", "FINE_DAYS", "SPLIT_DAYS", "FanCounts", "FanSketch", "fan_counts"]

FINE_DAYS = 1 / 16
"""Width of a bin below :data:`SPLIT_DAYS` (days); the resolution of the fan percentiles."""
SPLIT_DAYS = 512.0
"""Days of supply from which bins are 1 day wide."""
CAP_DAYS = 16384.0
"""Days of supply from which values are only counted (a percentile there reads as this)."""
N_FINE = int(SPLIT_DAYS / FINE_DAYS)
N_BINS = N_FINE + int(CAP_DAYS - SPLIT_DAYS)
BLOCK = 256
"""A cell's counts grow by whole blocks of this many bins (16 days of fine bins)."""
ZERO, ABOVE, INF, NAN = range(4)
"""Rows of the exact counts: 0 days, at or above the cap, +inf, NaN."""
_HUGE = 1e300
"""+inf in the interpolation, as the exact percentiles had it (>= 1e299 reads as inf)."""


@dataclass(frozen=True, eq=False)
class FanCounts:
    """A chunk's histograms, sparse, as a worker ships them (not per-replication fans)."""

    n: int
    """Replications counted."""
    special: np.ndarray
    """(4, cells) counts of 0 days, at or above the cap, +inf and NaN."""
    keys: np.ndarray
    """Sorted ``cell * N_BINS + bin`` of every bin with a count."""
    counts: np.ndarray
    """The count of each key."""


def fan_counts(fans: np.ndarray) -> FanCounts:
    """The histograms of ``fans`` (replications, series, grid) days of supply (never below
    0): cell ``series * grid + time``."""
    reps = fans.shape[0]
    v = fans.reshape(reps, -1).astype(np.float64)
    cells = v.shape[1]
    special = np.zeros((4, cells), dtype=np.uint32)
    special[ZERO] = np.count_nonzero(v <= 0, axis=0)
    special[ABOVE] = np.count_nonzero((v >= CAP_DAYS) & np.isfinite(v), axis=0)
    special[INF] = np.count_nonzero(np.isposinf(v), axis=0)
    special[NAN] = np.count_nonzero(np.isnan(v), axis=0)
    binned = (v > 0) & (v < CAP_DAYS)
    x = v[binned]
    b = np.where(x < SPLIT_DAYS, np.floor(x / FINE_DAYS), N_FINE + np.floor(x - SPLIT_DAYS))
    cell = np.broadcast_to(np.arange(cells, dtype=np.int64), v.shape)[binned]
    keys, counts = np.unique(cell * N_BINS + b.astype(np.int64), return_counts=True)
    key_type = np.int32 if cells * N_BINS < 2**31 else np.int64
    count_type = np.uint16 if reps < 2**16 else np.uint32
    return FanCounts(reps, special, keys.astype(key_type), counts.astype(count_type))


def _bin_edges(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower edge and width (days) of bins ``b``."""
    fine = b < N_FINE
    lo = np.where(fine, b * FINE_DAYS, SPLIT_DAYS + (b - N_FINE))
    return lo, np.where(fine, FINE_DAYS, 1.0)


class FanSketch:
    """Histograms of days of supply per (series, grid time) over an ensemble (see the
    module): what the fan chart needs, in memory independent of the replications."""

    def __init__(self, series: int, times: int) -> None:
        self.shape = (series, times)
        self.n = 0
        """Replications counted."""
        self.special = np.zeros((4, series * times), dtype=np.int64)
        """(4, cells) exact counts of 0 days, at or above the cap, +inf and NaN."""
        self._lo = np.zeros(series * times, dtype=np.int64)
        self._bins: list[np.ndarray] = [np.zeros(0, np.uint32)] * (series * times)

    @property
    def nbytes(self) -> int:
        """Bytes of the counts held."""
        return int(self.special.nbytes + self._lo.nbytes + sum(b.nbytes for b in self._bins))

    def add(self, part: FanCounts) -> None:
        """Count the replications of a chunk's histograms ``part`` in."""
        if part.special.shape != self.special.shape:
            raise ValueError("the chunk's fans have another shape than the ensemble's")
        self.n += part.n
        self.special += part.special
        if not len(part.keys):
            return
        keys = part.keys.astype(np.int64)
        cell, b = np.divmod(keys, N_BINS)
        cuts = [0, *(np.flatnonzero(np.diff(cell)) + 1).tolist(), len(keys)]
        for s, e in itertools.pairwise(cuts):
            c = int(cell[s])
            first, last = int(b[s]), int(b[e - 1])  # keys are sorted: so are b in a cell
            lo, bins = int(self._lo[c]), self._bins[c]
            if not len(bins) or first < lo or last >= lo + len(bins):
                lo, bins = self._widen(c, first, last)
            bins[b[s:e] - lo] += part.counts[s:e]

    def _widen(self, c: int, first: int, last: int) -> tuple[int, np.ndarray]:
        """Make cell ``c`` count bins ``first .. last`` too (whole blocks)."""
        lo, bins = int(self._lo[c]), self._bins[c]
        if len(bins):
            first, last = min(first, lo), max(last, lo + len(bins) - 1)
        start = first // BLOCK * BLOCK
        stop = min(N_BINS, (last // BLOCK + 1) * BLOCK)
        new = np.zeros(stop - start, dtype=np.uint32)
        if len(bins):
            new[lo - start : lo - start + len(bins)] = bins
        self._lo[c], self._bins[c] = start, new
        return start, new

    def equals(self, other: FanSketch) -> bool:
        """Whether ``other`` holds the same counts in every bin (however they were added)."""
        if self.shape != other.shape or self.n != other.n:
            return False
        if not np.array_equal(self.special, other.special):
            return False
        return all(self._dense(c) == other._dense(c) for c in range(len(self._bins)))

    def _dense(self, c: int) -> dict[int, int]:
        bins = self._bins[c]
        nonzero = np.flatnonzero(bins)
        return dict(zip((nonzero + int(self._lo[c])).tolist(), bins[nonzero].tolist(), strict=True))

    def copy(self) -> FanSketch:
        """An independent copy."""
        new = FanSketch(*self.shape)
        new.n, new.special, new._lo = self.n, self.special.copy(), self._lo.copy()
        new._bins = [b.copy() for b in self._bins]
        return new

    def zero_share(self, series: int) -> np.ndarray:
        """Share of replications with 0 days of supply at each grid time of ``series``
        (exact; NaN without replications)."""
        times = self.shape[1]
        zeros = self.special[ZERO, series * times : (series + 1) * times]
        return zeros / self.n if self.n else np.full(times, np.nan)

    def percentiles(self, series: int, qs: Sequence[float]) -> np.ndarray:
        """Percentiles ``qs`` of days of supply of ``series`` at each grid time, shape
        (len(qs), times): as ``numpy.percentile`` over the replications, off by less than
        one bin; inf where the upper order statistic is +inf, :data:`CAP_DAYS` where it
        is at or above the cap, NaN if any value is NaN or without replications."""
        times = self.shape[1]
        out = np.full((len(qs), times), np.nan)
        if not self.n:
            return out
        h = (self.n - 1) * np.asarray(qs, dtype=np.float64) / 100
        k0 = np.floor(h).astype(np.int64)
        k1 = np.minimum(k0 + 1, self.n - 1)
        t = h - k0
        for g in range(times):
            c = series * times + g
            if self.special[NAN, c]:
                continue
            a, b = self._order_stats(c, k0), self._order_stats(c, k1)
            diff = b - a
            q = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)  # numpy's lerp
            out[:, g] = np.where(q >= 1e299, np.inf, q)
        return out

    def _order_stats(self, c: int, ks: np.ndarray) -> np.ndarray:
        """Estimates of the ``ks``-th smallest values (0-based) of cell ``c``."""
        zeros = int(self.special[ZERO, c])
        bins = self._bins[c]
        cum = np.cumsum(bins, dtype=np.int64)
        binned = int(cum[-1]) if len(cum) else 0
        out = np.full(len(ks), _HUGE)
        out[ks < zeros] = 0.0
        inside = (ks >= zeros) & (ks < zeros + binned)
        r = ks[inside] - zeros
        i = np.searchsorted(cum, r, side="right")
        lo, width = _bin_edges(self._lo[c] + i)
        below = cum[i] - bins[i]
        out[inside] = lo + width * (r - below + 0.5) / bins[i]
        above = (ks >= zeros + binned) & (ks < zeros + binned + int(self.special[ABOVE, c]))
        out[above] = CAP_DAYS
        return out
