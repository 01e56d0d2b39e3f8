"""Monte Carlo ensembles: N replications of an uncertain scenario, their statistics, and
paired comparisons of scenarios under common random numbers.

Replication ``i`` runs with seed ``derive_seed(S, "rep/i")`` (:func:`replication_seed`),
where ``S`` is the scenario's seed (or the first scenario's, in a paired comparison).
Inside a run every draw comes from a stream keyed by name (``repair/<pad>/<n>``,
``slip/<flight>``, ``launch/<flight>``, ``standdown/<flight>``), so replication ``i`` of two
scenarios sees the same repair, slips and failures wherever their inputs agree: their
differences are paired, not noise. A replication is reproduced alone by ``iss-sim run
--seed <its seed>``, and the results do not depend on the executor or the chunking.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim._version import __version__
from sim.engine import EPS_DAYS, derive_seed
from sim.experiments.executors import Executor, SerialExecutor, run_batch
from sim.experiments.replications import Chunk, Job, csv_cell, fan_series, run_chunk
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
"""Most replications of one ensemble (each keeps ~11 KB of metrics and fans in memory: the
baseline world, 227 metrics and 8 weekly fans of 110 points, 4 of them per segment)."""
GRID_STEP_DAYS = 7.0
"""Days between two samples of the days-of-supply fans."""

Progress = Callable[[int], None]
"""Called with the number of replications just finished."""


def replication_seed(seed: int, index: int) -> int:
    """The run seed of replication ``index`` of an ensemble whose seed is ``seed``."""
    return derive_seed(seed, f"rep/{index}")


# -- the ensemble ----------------------------------------------------------------------------
@dataclass(eq=False)
class MonteCarloResult:
    """Replications of one scenario: every metric of every replication, column by column,
    and each consumable's days of supply sampled on a weekly grid (station-wide, and per
    segment for a stock per segment)."""

    scenario: Scenario
    seed: int
    """Ensemble seed: replication ``i`` ran with ``replication_seed(seed, i)``."""
    seeds: list[int]
    keys: list[str]
    """Metric keys, in the order ``iss-sim run`` gives them."""
    kinds: dict[str, str]
    """Per key: ``number``, ``date``, ``text`` or ``null`` (never a value)."""
    table: np.ndarray
    """(replications, keys) float64: numbers, dates as days since epoch, NaN for null."""
    texts: dict[str, list[str | None]]
    """Text metrics (flight outcomes) per replication."""
    rows: list[str]
    """The lines of ``replications.csv`` (without its header)."""
    grid: np.ndarray
    """Days since epoch at which the fans are sampled."""
    fans: np.ndarray
    """(replications, series, grid) float32 days of supply (inf: nothing used): first each
    consumable (the worst segment), then each segment stock of :attr:`fan_series`."""
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {k: j for j, k in enumerate(self.keys)}

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.seeds)

    @property
    def consumables(self) -> list[str]:
        """Consumable ids, in the order of the fans."""
        return [c.id for c in self.scenario.station.consumables]

    def values(self, key: str) -> np.ndarray:
        """Metric ``key`` over replications (dates as days since epoch; NaN for null);
        ``key`` may also be a probability name (then 0/1 per replication)."""
        if key in self._index:
            return self.table[:, self._index[key]]
        if key in self.kinds or not self.keys:  # no value anywhere
            return np.full(self.n, np.nan)
        flags = self.indicators()
        if key in flags:
            return flags[key].astype(float)
        raise KeyError(key)

    def indicators(self) -> dict[str, np.ndarray]:
        """Per replication, whether each event people act on happened (booleans; see
        :func:`sim.results.metrics.indicators`)."""

        def column(key: str) -> np.ndarray:
            j = self._index.get(key)
            return self.table[:, j] if j is not None else np.full(self.n, np.nan)

        return mk.indicators(column, self.texts, mk.stock_segments(self.scenario), self.n)

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
        """(consumable, segment) of each fan, in the order of :attr:`fans` (segment None:
        station-wide, the worst segment)."""
        return fan_series(self.scenario)

    def fan_quantiles(self, qs: Sequence[float] = (5, 50, 95)) -> dict[str, np.ndarray]:
        """Per consumable: the percentiles ``qs`` of days of supply (the worst segment at
        each time), shape (len(qs), grid)."""
        return {c: self._percentiles(j, qs) for j, c in enumerate(self.consumables)}

    def segment_fan_quantiles(
        self, qs: Sequence[float] = (5, 50, 95)
    ) -> dict[tuple[str, str], np.ndarray]:
        """Per (consumable, segment) with a stock per segment: the percentiles ``qs`` of
        that segment's days of supply, shape (len(qs), grid); empty when the fans hold only
        the station-wide series."""
        series = self.fan_series
        if self.fans.shape[1] != len(series):
            return {}
        return {
            (c, s): self._percentiles(j, qs) for j, (c, s) in enumerate(series) if s is not None
        }

    def _percentiles(self, j: int, qs: Sequence[float]) -> np.ndarray:
        """Percentiles ``qs`` over replications of fan ``j``, shape (len(qs), grid)."""
        a = self.fans[:, j, :].astype(float)
        a[np.isposinf(a)] = 1e300  # percentiles of inf give NaN; put them back as inf below
        q = np.percentile(a, list(qs), axis=0) if self.n else np.full((len(qs), a.shape[1]), np.nan)
        q[q >= 1e299] = np.inf
        return q

    def summary(self, quantiles: Sequence[float] = (5, 50, 95)) -> dict[str, Any]:
        """Statistics of every metric and the event probabilities (``montecarlo.json``)."""
        qs = check_quantiles(quantiles)
        sc = self.scenario
        stats: dict[str, Any] = {}
        for key in self.keys:
            kind = self.kinds[key]
            if kind == "text":
                counts: dict[str, int] = {}
                for v in self.texts[key]:
                    counts["null" if v is None else v] = (
                        counts.get("null" if v is None else v, 0) + 1
                    )
                stats[key] = {"kind": "text", "counts": dict(sorted(counts.items()))}
            else:
                stats[key] = metric_stats(self.values(key), kind, qs, sc.epoch)
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

    def csv_text(self) -> str:
        """The content of ``replications.csv``: one row per replication."""
        header = ",".join(["replication", "seed", *map(csv_cell, self.keys)])
        return "\n".join([header, *self.rows]) + "\n"

    def write_files(
        self,
        folder: Path,
        quantiles: Sequence[float] = (5, 50, 95),
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Write montecarlo.json (with ``extra`` entries) and replications.csv into the
        existing ``folder`` (the fan chart is drawn by :func:`sim.plots.fan.fan_chart`)."""
        data = {**self.summary(quantiles), **(extra or {})}
        text = json.dumps(data, indent=2, allow_nan=False)
        (folder / "montecarlo.json").write_text(text + "\n", encoding="utf-8")
        (folder / "replications.csv").write_text(self.csv_text(), encoding="utf-8")

    def write(
        self, out_dir: str | Path, quantiles: Sequence[float] = (5, 50, 95), *, force: bool = False
    ) -> Path:
        """Write the result folder atomically (replaced whole or not at all; see
        :func:`~sim.results.folders.write_atomically` for what it may replace)."""
        return write_atomically(
            Path(out_dir), lambda d: self.write_files(d, quantiles), force=force
        )


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
    if not 0 <= n <= MAX_REPLICATIONS:
        raise ValueError(
            f"the number of replications must be from 0 to {MAX_REPLICATIONS:,}, got {n:,}"
        )
    base = scenario.seed if seed is None else int(seed)
    ex = executor if executor is not None else SerialExecutor()
    reps = [(i, replication_seed(base, i)) for i in range(start, start + n)]
    job = Job(scenario, np.arange(0.0, scenario.horizon_days + EPS_DAYS, grid_step_days))
    chunks = run_batch(ex, run_chunk, job, reps, chunk_size=chunk_size, progress=progress)
    return _assemble(job, base, [s for _, s in reps], chunks)


def _assemble(job: Job, seed: int, seeds: list[int], chunks: list[Chunk]) -> MonteCarloResult:
    sc, grid = job.scenario, job.grid
    keys = next((c.keys for c in chunks if c.keys), ())
    kinds = dict.fromkeys(keys, "null")
    for c in chunks:
        if c.keys != keys:
            raise RuntimeError("chunks of one scenario disagree on the metric keys")
        for key, kind in zip(keys, c.kinds, strict=True):
            if kind != "null" and kinds[key] not in ("null", kind):
                raise RuntimeError(f"metric {key!r} is both {kinds[key]} and {kind}")
            if kind != "null":
                kinds[key] = kind
    texts: dict[str, list[str | None]] = {k: [] for k, kind in kinds.items() if kind == "text"}
    for c in chunks:
        for key in texts:
            texts[key] += c.texts.get(key, [None] * len(c.rows))
    return MonteCarloResult(
        scenario=sc,
        seed=seed,
        seeds=seeds,
        keys=list(keys),
        kinds=kinds,
        table=np.vstack([c.values for c in chunks]) if chunks else np.zeros((0, len(keys))),
        texts=texts,
        rows=[r for c in chunks for r in c.rows],
        grid=grid,
        fans=np.vstack([c.fans for c in chunks])
        if chunks
        else np.zeros((0, len(fan_series(sc)), len(grid)), np.float32),
    )


def extend(
    result: MonteCarloResult,
    n: int,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """``result`` with ``n`` more replications (indexes continue where it stopped)."""
    more = montecarlo(
        result.scenario,
        n,
        executor,
        seed=result.seed,
        start=result.n,
        progress=progress,
        grid_step_days=float(result.grid[1] - result.grid[0])
        if len(result.grid) > 1
        else GRID_STEP_DAYS,
    )
    if result.n == 0:
        return more
    if more.n == 0:
        return result
    if more.keys != result.keys:
        raise RuntimeError("the new replications have other metric keys")
    kinds = {k: v if v != "null" else more.kinds[k] for k, v in result.kinds.items()}
    texts = {
        k: result.texts.get(k, [None] * result.n) + more.texts.get(k, [None] * more.n)
        for k, kind in kinds.items()
        if kind == "text"
    }
    return MonteCarloResult(
        scenario=result.scenario,
        seed=result.seed,
        seeds=result.seeds + more.seeds,
        keys=result.keys,
        kinds=kinds,
        table=np.vstack([result.table, more.table]),
        texts=texts,
        rows=result.rows + more.rows,
        grid=result.grid,
        fans=np.vstack([result.fans, more.fans]),
    )
