"""One chunk of Monte Carlo replications, as a worker runs it: the metrics packed column by
column in their narrowest exact form (:mod:`sim.experiments.columns`), the chunk's lines of
``replications.csv`` as one UTF-8 text, and histograms of days of supply on the fan grid
(station and, for a stock per segment, each segment's; :mod:`sim.experiments.fansketch`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from sim.engine import derive_seed, gc_paused
from sim.engine import run as run_engine
from sim.experiments.columns import Packed, pack_numbers, pack_texts
from sim.experiments.fansketch import FanCounts, fan_counts
from sim.results import metrics as mk
from sim.results.result import from_record
from sim.scenario.model import Scenario

__all__ = [
    "Chunk",
    "Job",
    "csv_cell",
    "fan_series",
    "pack_chunk",
    "replication_seed",
    "run_chunk",
    "sample_days",
]


@dataclass(frozen=True, eq=False)
class Job:
    """What every worker needs once: the scenario, the fan sampling grid (days) and the
    ensemble seed (replication ``i`` runs with :func:`replication_seed`)."""

    scenario: Scenario
    grid: np.ndarray
    seed: int


@dataclass(eq=False)
class Chunk:
    """A worker's compact answer for a chunk: no per-replication dicts, strings or fans
    cross processes."""

    n: int
    """Replications in the chunk."""
    keys: tuple[str, ...]
    kinds: tuple[str, ...]
    """Per key: ``number``, ``date``, ``text`` or ``null`` (only nulls in this chunk)."""
    columns: dict[str, Packed]
    """Per key that is not null: its values, packed (dates as days since epoch)."""
    csv: bytes
    """The chunk's lines of ``replications.csv`` (UTF-8, each ending in a newline): index,
    seed, then the metrics as ``run`` gives them."""
    fans: FanCounts
    """Histograms of days of supply on the fan grid (:func:`fan_series` by grid time)."""


def replication_seed(seed: int, index: int) -> int:
    """The run seed of replication ``index`` of an ensemble whose seed is ``seed``."""
    return derive_seed(seed, f"rep/{index}")


def fan_series(sc: Scenario) -> list[tuple[str, str | None]]:
    """(consumable, segment) of each days-of-supply fan, in the order of the fans: every
    consumable station-wide (segment None: the worst segment), then each segment of every
    consumable with a stock per segment (not one pool, not held by one segment)."""
    out: list[tuple[str, str | None]] = [(c.id, None) for c in sc.station.consumables]
    stocks = mk.stock_segments(sc)
    return out + [(c, s) for c, segs in stocks.items() if len(segs) > 1 for s in segs]


def run_chunk(job: Job, reps: range) -> Chunk:
    """Run the replications with indexes ``reps`` of ``job`` (in a worker process or here)."""
    sc, grid = job.scenario, job.grid
    columns = [f"{c}_days" if s is None else f"{c}_{s}_days" for c, s in fan_series(sc)]
    fans = np.empty((len(reps), len(columns), len(grid)), dtype=np.float32)
    raw: list[list[Any]] = []
    keys: tuple[str, ...] = ()
    seeds = [replication_seed(job.seed, i) for i in reps]
    # the collector paused for the whole chunk: a run leaves only a little cyclic garbage
    # (simpy's environment), and collecting between runs cost ~4% (baseline-uncertain)
    with gc_paused():
        for r, seed in enumerate(seeds):
            res = from_record(run_engine(sc, seed))
            if not keys:
                keys = tuple(res.metrics)
            elif tuple(res.metrics) != keys:  # same scenario, same keys: a bug otherwise
                raise RuntimeError(f"replication with seed {seed} has other metric keys")
            raw.append(list(res.metrics.values()))
            series = res.series
            sample_days(series["day"], [series[c] for c in columns], grid, fans[r])
    return pack_chunk(sc, reps, seeds, keys, raw, fans)


def pack_chunk(
    sc: Scenario,
    reps: Sequence[int],
    seeds: Sequence[int],
    keys: tuple[str, ...],
    raw: list[list[Any]],
    fans: np.ndarray,
) -> Chunk:
    """A :class:`Chunk` of replications ``reps`` run with ``seeds``: their metric values
    ``raw`` (one list per replication, in the order of ``keys``) and days of supply
    ``fans`` (replications, series, grid)."""
    kinds: list[str] = []
    packed: dict[str, Packed] = {}
    epoch = sc.epoch.toordinal()
    for j, key in enumerate(keys):
        col = [row[j] for row in raw]
        kind, nums = _column(col, epoch)
        kinds.append(kind)
        if kind == "text":
            packed[key] = pack_texts(col)
        elif nums is not None:
            packed[key] = pack_numbers(np.array(nums, dtype=np.float64))
    rows = [
        f"{i},{seed}," + ",".join([_CELL.get(type(v), csv_cell)(v) for v in row])
        for i, seed, row in zip(reps, seeds, raw, strict=True)
    ]
    text = "".join(row + "\n" for row in rows)
    return Chunk(len(reps), keys, tuple(kinds), packed, text.encode(), fan_counts(fans))


def _column(col: list[Any], epoch_ordinal: int) -> tuple[str, list[float] | None]:
    """The kind of a metric column and its values as floats (None for text)."""
    first = next((v for v in col if v is not None), None)
    if first is None:
        return "null", None
    if not isinstance(first, str):
        return "number", [math.nan if v is None else float(v) for v in col]
    days: dict[str, float] = {}
    try:
        for v in col:
            if v is not None and v not in days:
                days[v] = float(date.fromisoformat(v).toordinal() - epoch_ordinal)
    except (TypeError, ValueError):
        return "text", None
    return "date", [math.nan if v is None else days[v] for v in col]


_QUOTE = re.compile(r'[,"\r\n]')


def _text_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _QUOTE.search(text) else text


def csv_cell(v: Any) -> str:
    """A metric as a CSV cell: floats in round-trip form, null empty, text quoted if needed."""
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return _text_cell(str(v))


_CELL: dict[type, Callable[[Any], str]] = {
    float: repr,
    int: str,
    str: _text_cell,
    type(None): lambda v: "",
}
"""Fast path of :func:`csv_cell` by exact type (a replication has ~170 metrics)."""


def sample_days(
    day: np.ndarray, days: Sequence[np.ndarray], grid: np.ndarray, out: np.ndarray
) -> None:
    """Days of supply at the ``grid`` times into ``out`` (one row per array of ``days``, each
    over the series times ``day``), exact: the state after the last series row at or before
    each time, minus the time elapsed since (days of supply fall with slope -1 while
    anything is used; they stay infinite while nothing is). Never below 0."""
    i = np.searchsorted(day, grid, side="right") - 1
    i[i < 0] = 0
    elapsed = grid - day[i]
    for j, column in enumerate(days):
        v = column[i]
        v -= elapsed  # inf - x stays inf
        out[j] = v
    np.maximum(out, 0.0, out=out)
