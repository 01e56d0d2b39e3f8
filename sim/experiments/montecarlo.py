"""Monte Carlo ensembles: N replications of an uncertain scenario, their statistics, and
paired comparisons of scenarios under common random numbers.

Replication ``i`` runs with seed ``derive_seed(S, "rep/i")`` (:func:`replication_seed`),
where ``S`` is the scenario's seed (or the first scenario's, in a paired comparison).
Inside a run every draw comes from a stream keyed by name (``repair/<pad>/<n>``,
``slip/<flight>``, ``launch/<flight>``, ``standdown/<flight>``), so replication ``i`` of two
scenarios sees the same repair, slips and failures wherever their inputs agree: their
differences are paired, not noise. A replication is reproduced alone by ``iss-sim run
--seed <its seed>``, and the results do not depend on the executor or the chunking.

An ensemble is held in memory that grows by ~0.6 KB a replication (baseline-uncertain):
chunks are taken in as they finish, each metric is a column in its narrowest exact type
(:mod:`sim.experiments.columns`), the lines of ``replications.csv`` go to a temporary file
(:mod:`sim.experiments.spool`) and the fans are histograms whose size does not depend on
the number of replications (:mod:`sim.experiments.fansketch`).

The worker side lives in :mod:`sim.experiments.replications`, the statistics in
:mod:`sim.experiments.stats`, the paired comparison in :mod:`sim.experiments.paired` and
adding replications until a confidence interval is narrow enough in
:mod:`sim.experiments.precision`; the probabilities are defined by
:mod:`sim.results.metrics`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from sim._version import __version__
from sim.engine import EPS_DAYS
from sim.experiments.columns import NumberColumn, TextColumn
from sim.experiments.executors import Executor, SerialExecutor, default_chunk_size
from sim.experiments.fansketch import FanSketch
from sim.experiments.replications import (
    Chunk,
    Job,
    csv_cell,
    fan_series,
    pack_chunk,
    replication_seed,
    run_chunk,
)
from sim.experiments.spool import Spool
from sim.experiments.stats import (
    check_quantiles,
    halfwidth,
    json_number,
    json_quantiles,
    metric_stats,
    wilson_interval,
)
from sim.results import metrics as mk
from sim.results import write_atomically
from sim.scenario.loader import load_scenario, scenario_digest
from sim.scenario.model import Scenario

__all__ = ["MAX_REPLICATIONS", "MonteCarloResult", "extend", "montecarlo", "replication_seed"]

MAX_REPLICATIONS = 1_000_000
"""Most replications of one ensemble (each keeps ~0.6 KB of metrics in memory and ~2 KB of
``replications.csv`` in a temporary file: the baseline world, 243 metrics)."""
GRID_STEP_DAYS = 7.0
"""Days between two samples of the days-of-supply fans."""

Progress = Callable[[int], None]
"""Called with the number of replications just finished."""


# -- the ensemble ----------------------------------------------------------------------------
@dataclass(eq=False)
class MonteCarloResult:
    """Replications of one scenario: every metric of every replication, column by column
    (:meth:`values`), ``replications.csv`` in a temporary file until written, and each
    consumable's days of supply on a weekly grid as histograms (:attr:`sketch`; station-wide,
    and per segment for a stock per segment). Made empty here and filled by
    :func:`montecarlo`; :meth:`close` (or ``with``) deletes the temporary file at once,
    else it goes when the result is garbage collected."""

    scenario: Scenario
    seed: int
    """Ensemble seed: replication ``i`` ran with ``replication_seed(seed, i)``."""
    grid: np.ndarray
    """Days since epoch at which the fans are sampled."""
    start: int = 0
    """Index of the first replication."""
    keys: list[str] = field(init=False)
    """Metric keys, in the order ``iss-sim run`` gives them."""
    kinds: dict[str, str] = field(init=False)
    """Per key: ``number``, ``date``, ``text`` or ``null`` (never a value)."""
    sketch: FanSketch = field(init=False)
    """Histograms of days of supply per (fan series, grid time) over the replications."""
    _columns: dict[str, NumberColumn | TextColumn] = field(init=False, repr=False)
    _n: int = field(init=False, repr=False)
    _capacity: int = field(init=False, repr=False)
    _spool: Spool = field(init=False, repr=False)
    _flags: dict[str, np.ndarray] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.keys, self.kinds, self._columns = [], {}, {}
        self._n = self._capacity = 0
        self.sketch = FanSketch(len(fan_series(self.scenario)), len(self.grid))
        self._spool = Spool()
        self._flags = None

    @classmethod
    def from_table(
        cls, scenario: Scenario, table: Mapping[str, Sequence[Any]], seed: int = 1
    ) -> MonteCarloResult:
        """An ensemble of metrics made elsewhere: per key, its value in every replication
        (as ``iss-sim run`` gives them: numbers, ISO dates, text, None), replication ``i``
        seeded as :func:`montecarlo` seeds it; no fan grid."""
        keys = tuple(table)
        n = len(table[keys[0]]) if keys else 0
        if any(len(v) != n for v in table.values()):
            raise ValueError("every metric needs a value for every replication")
        result = cls(scenario, seed, np.zeros(0))
        if n:
            reps = range(n)
            raw = [[table[k][i] for k in keys] for i in reps]
            fans = np.zeros((n, result.sketch.shape[0], 0), dtype=np.float32)
            seeds = [replication_seed(seed, i) for i in reps]
            result._reserve(n)
            result._add(pack_chunk(scenario, reps, seeds, keys, raw, fans))
        return result

    @property
    def n(self) -> int:
        """Number of replications."""
        return self._n

    @property
    def seeds(self) -> list[int]:
        """The run seed of every replication (computed, not stored)."""
        return [replication_seed(self.seed, i) for i in range(self.start, self.start + self.n)]

    @property
    def nbytes(self) -> int:
        """Bytes of memory the metric columns and the fan histograms hold."""
        return sum(c.nbytes for c in self._columns.values()) + self.sketch.nbytes

    @property
    def consumables(self) -> list[str]:
        """Consumable ids, in the order of the fans."""
        return [c.id for c in self.scenario.station.consumables]

    @property
    def texts(self) -> Mapping[str, list[str | None]]:
        """Text metrics (flight outcomes) per replication, by key (each list made when
        asked for: :meth:`text_counts` is cheaper)."""
        return _Texts(self)

    def text_counts(self, key: str) -> dict[str | None, int]:
        """How many replications have each text of metric ``key`` (None: null)."""
        col = self._columns.get(key)
        if isinstance(col, TextColumn):
            return col.counts()
        if key not in self.kinds:
            raise KeyError(key)
        return {None: self.n} if self.n else {}

    def values(self, key: str) -> np.ndarray:
        """Metric ``key`` over replications (dates as days since epoch; NaN for null and
        text); ``key`` may also be a probability name (then 0/1 per replication)."""
        if key in self.kinds or not self.keys:  # no value anywhere
            return self._column(key)
        flags = self.indicators()
        if key in flags:
            return flags[key].astype(float)
        raise KeyError(key)

    def _column(self, key: str) -> np.ndarray:
        col = self._columns.get(key)
        return col.values() if isinstance(col, NumberColumn) else np.full(self.n, np.nan)

    def indicators(self) -> dict[str, np.ndarray]:
        """Per replication, whether each event people act on happened (booleans; see
        :func:`sim.results.metrics.indicators`)."""
        if self._flags is None:
            stocks = mk.stock_segments(self.scenario)
            self._flags = mk.indicators(self._column, self.texts, stocks, self.n)
        return {k: v.copy() for k, v in self._flags.items()}

    def probabilities(self) -> dict[str, float]:
        """Share of replications in which each event of :meth:`indicators` happened."""
        return {k: float(np.mean(v)) if self.n else math.nan for k, v in self.indicators().items()}

    def probability_intervals(self, confidence: float = 0.95) -> dict[str, tuple[float, float]]:
        """Wilson score interval of each probability of :meth:`probabilities`."""
        return {
            k: wilson_interval(int(np.sum(v)), self.n, confidence)
            for k, v in self.indicators().items()
        }

    def cihalfwidth(self, key: str) -> float:
        """Half-width of the 95% confidence interval of the mean of ``key`` (normal
        approximation, over the replications where it has a value; inf below 2)."""
        return halfwidth(self.values(key))

    @property
    def fan_series(self) -> list[tuple[str, str | None]]:
        """(consumable, segment) of each fan, in the order of :attr:`sketch` (segment None:
        station-wide, the worst segment)."""
        return fan_series(self.scenario)

    def fan_quantiles(self, qs: Sequence[float] = (5, 50, 95)) -> dict[str, np.ndarray]:
        """Per consumable: the percentiles ``qs`` of days of supply (the worst segment at
        each time), shape (len(qs), grid); within 1/16 day of the exact ones (see
        :mod:`sim.experiments.fansketch`)."""
        return {c: self.sketch.percentiles(j, qs) for j, c in enumerate(self.consumables)}

    def segment_fan_quantiles(
        self, qs: Sequence[float] = (5, 50, 95)
    ) -> dict[tuple[str, str], np.ndarray]:
        """Per (consumable, segment) with a stock per segment: the percentiles ``qs`` of
        that segment's days of supply, shape (len(qs), grid); empty when the fans hold only
        the station-wide series."""
        series = self.fan_series
        if self.sketch.shape[0] != len(series):
            return {}
        return {
            (c, s): self.sketch.percentiles(j, qs)
            for j, (c, s) in enumerate(series)
            if s is not None
        }

    def fan_out_share(self, consumable: str, segment: str | None = None) -> np.ndarray | None:
        """Share of replications with no ``consumable`` left (in ``segment``; None: the worst
        segment) at each grid time, exact; None when the fans do not hold that series."""
        series = self.fan_series
        if (consumable, segment) not in series:
            return None
        j = series.index((consumable, segment))
        return self.sketch.zero_share(j) if j < self.sketch.shape[0] else None

    def summary(self, quantiles: Sequence[float] = (5, 50, 95)) -> dict[str, Any]:
        """Statistics of every metric and the event probabilities (``montecarlo.json``)."""
        qs = check_quantiles(quantiles)
        sc = self.scenario
        stats: dict[str, Any] = {}
        for key in self.keys:
            kind = self.kinds[key]
            if kind == "text":
                counts: dict[str, int] = {}
                for v, c in self.text_counts(key).items():
                    name = "null" if v is None else v
                    counts[name] = counts.get(name, 0) + c
                stats[key] = {"kind": "text", "counts": dict(sorted(counts.items()))}
            else:
                stats[key] = metric_stats(self._column(key), kind, qs, sc.epoch)
        return {
            "scenario": sc.name,
            "scenario_sha256": scenario_digest(sc),
            "scenario_file": sc.files[0] if sc.files else None,
            "version": __version__,
            "seed": self.seed,
            "replication_seeds": "derive_seed(seed, 'rep/<i>'); each row of replications.csv",
            "replications": self.n,
            "epoch": sc.epoch.isoformat(),
            "horizon": sc.horizon.isoformat(),
            "reserve_days": {c.id: c.reserve_days for c in sc.station.consumables},
            "quantiles": json_quantiles(qs),
            "probabilities": {k: json_number(p) for k, p in self.probabilities().items()},
            "probability_ci95": {
                k: [json_number(lo), json_number(hi)]
                for k, (lo, hi) in self.probability_intervals().items()
            },
            "metrics": stats,
        }

    def _header(self) -> bytes:
        return (",".join(["replication", "seed", *map(csv_cell, self.keys)]) + "\n").encode()

    def csv_text(self) -> str:
        """The content of ``replications.csv``: one row per replication (read back from
        the temporary file: for small ensembles)."""
        return (self._spool.read() if self._spool.size else self._header()).decode()

    def write_files(
        self,
        folder: Path,
        quantiles: Sequence[float] = (5, 50, 95),
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Write montecarlo.json (with ``extra`` entries) and replications.csv (copied from
        the temporary file) into the existing ``folder`` (the fan chart is drawn by
        :func:`sim.plots.fan.fan_chart`)."""
        data = {**self.summary(quantiles), **(extra or {})}
        text = json.dumps(data, indent=2, allow_nan=False)
        (folder / "montecarlo.json").write_text(text + "\n", encoding="utf-8")
        with (folder / "replications.csv").open("wb") as fh:
            if self._spool.size:
                self._spool.copy_to(fh)
            else:
                fh.write(self._header())

    def write(
        self, out_dir: str | Path, quantiles: Sequence[float] = (5, 50, 95), *, force: bool = False
    ) -> Path:
        """Write the result folder atomically (replaced whole or not at all; see
        :func:`~sim.results.folders.write_atomically` for what it may replace)."""
        return write_atomically(
            Path(out_dir), lambda d: self.write_files(d, quantiles), force=force
        )

    def close(self) -> None:
        """Delete the temporary ``replications.csv`` now (the statistics stay; writing the
        files or :meth:`csv_text` then raise ValueError)."""
        self._spool.close()

    def __enter__(self) -> MonteCarloResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- filling --------------------------------------------------------------------------
    def _reserve(self, total: int) -> None:
        """Make room for ``total`` replications in every column."""
        self._capacity = max(self._capacity, total)
        for col in self._columns.values():
            col.reserve(total)

    def _add(self, c: Chunk) -> None:
        """Take the replications of chunk ``c`` in (they follow the ones held)."""
        if not self.keys:
            self.keys, self.kinds = list(c.keys), dict.fromkeys(c.keys, "null")
        elif c.keys != tuple(self.keys):
            raise RuntimeError("chunks of one scenario disagree on the metric keys")
        for key, kind in zip(c.keys, c.kinds, strict=True):
            if kind != "null" and self.kinds[key] not in ("null", kind):
                raise RuntimeError(f"metric {key!r} is both {self.kinds[key]} and {kind}")
            if kind != "null":
                self.kinds[key] = kind
        for key in c.keys:
            packed = c.columns.get(key)
            col = self._columns.get(key)
            if col is None:
                if packed is None:
                    continue  # no value so far: nothing held
                text = self.kinds[key] == "text"
                col = TextColumn(self._capacity) if text else NumberColumn(self._capacity)
                col.append(None, self._n)  # the replications before: null
                self._columns[key] = col
            col.append(packed, c.n)
        if not self._spool.size:
            self._spool.write(self._header())
        self._spool.write(c.csv)
        self.sketch.add(c.fans)
        self._n += c.n
        self._flags = None

    def _copy(self, capacity: int) -> MonteCarloResult:
        """An independent copy with room for ``capacity`` replications."""
        new = MonteCarloResult(self.scenario, self.seed, self.grid, self.start)
        new.keys, new.kinds = list(self.keys), dict(self.kinds)
        new._columns = {k: c.copy(capacity) for k, c in self._columns.items()}
        new._n, new._capacity = self._n, max(capacity, self._n)
        new.sketch = self.sketch.copy()
        new._spool.close()
        new._spool = self._spool.copy()
        return new


class _Texts(Mapping[str, list[str | None]]):
    """The text metrics of an ensemble by key, each decoded when asked for."""

    def __init__(self, mc: MonteCarloResult) -> None:
        self._mc = mc
        self._keys = [k for k, kind in mc.kinds.items() if kind == "text"]

    def __getitem__(self, key: str) -> list[str | None]:
        col = self._mc._columns.get(key)
        if key not in self._keys or not isinstance(col, TextColumn):
            raise KeyError(key)
        return col.texts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def montecarlo(
    scenario: Scenario | str | os.PathLike[str],
    n: int,
    executor: Executor | None = None,
    *,
    seed: int | None = None,
    start: int = 0,
    progress: Progress | None = None,
    chunk_size: int | None = None,
    grid_step_days: float = GRID_STEP_DAYS,
) -> MonteCarloResult:
    """Run replications ``start .. start+n-1`` of ``scenario`` (a Scenario, or the path of
    a scenario file) on ``executor`` (default: in this process). ``seed`` is the ensemble
    seed (default the scenario's); give two scenarios the same one to pair them."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(os.fspath(scenario))
    _check_n(n)
    base = scenario.seed if seed is None else int(seed)
    grid = np.arange(0.0, scenario.horizon_days + EPS_DAYS, grid_step_days)
    result = MonteCarloResult(scenario, base, grid, start)
    _run(result, n, executor, chunk_size, progress)
    return result


def extend(
    result: MonteCarloResult,
    n: int,
    executor: Executor | None = None,
    progress: Progress | None = None,
    *,
    in_place: bool = False,
) -> MonteCarloResult:
    """``result`` with ``n`` more replications (indexes continue where it stopped): a new
    result (``result`` is left as it was), or ``result`` itself grown if ``in_place`` (no
    copy of what it holds, for a loop that keeps only the grown ensemble)."""
    _check_n(n)
    if not n:
        return result
    grown = result if in_place else result._copy(result.n + n)
    _run(grown, n, executor, None, progress)
    return grown


def _check_n(n: int) -> None:
    if not 0 <= n <= MAX_REPLICATIONS:
        raise ValueError(
            f"the number of replications must be from 0 to {MAX_REPLICATIONS:,}, got {n:,}"
        )


def _run(
    result: MonteCarloResult,
    n: int,
    executor: Executor | None,
    chunk_size: int | None,
    progress: Progress | None,
) -> None:
    """Run ``n`` replications after those of ``result`` into it, each chunk taken in as
    the executor yields it (the executor's window bounds what is outstanding). A chunk
    is a range of ``chunk_size`` indexes (default
    :func:`~sim.experiments.executors.default_chunk_size`); ``progress(k)`` after each."""
    ex = executor if executor is not None else SerialExecutor()
    size = chunk_size or default_chunk_size(n, ex.workers)
    first = result.start + result.n
    chunks = [range(i, min(i + size, first + n)) for i in range(first, first + n, size)]
    result._reserve(result.n + n)
    chunk_results = ex.map(run_chunk, Job(result.scenario, result.grid, result.seed), chunks)
    try:
        for chunk in chunk_results:
            result._add(chunk)
            if progress is not None:
                progress(chunk.n)
    finally:  # abandoned: the executor cancels what it still has outstanding, now
        close = getattr(chunk_results, "close", None)
        if close is not None:
            close()
