"""Parameter sweeps over one scenario: every metric at every point of a grid of values.

A *sweep* runs the scenario at every point of a grid of ``--param PATH`` values (the full
product of the value lists) and tabulates every metric. The scenario file is read once;
its merged source is sent to each worker once and every point is built from it there
(:class:`~sim.scenario.loader.ScenarioSource`), on the batch path Monte Carlo uses
(:func:`~sim.experiments.executors.run_batch`).

Seeds. Every sweep run has its own seed ``derive_seed(S, key)``, where ``S`` is the
scenario's seed (after ``--set`` overrides) and ``key`` is the canonical text of the run's
parameter values, ``"sweep/" + ";".join("PATH=VALUE")`` over the paths in sorted order,
e.g. ``"sweep/pads.baikonur-31.outages.0.repair_days=120"``. A run's seed therefore depends
only on its parameters, never on its position in the grid or on the number of workers:
reordering or extending a value list leaves every other run unchanged, and the outputs are
identical, byte for byte, for any ``workers``. The seed is written into each row.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from tqdm import tqdm

from sim.engine import derive_seed, gc_paused
from sim.engine import run as run_engine
from sim.experiments.executors import make_executor, run_batch
from sim.results import Metric, from_record, write_atomically
from sim.results.folders import csv_value
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import ScenarioSource, read_source, scenario_digest
from sim.scenario.specs import MAX_POINTS, Value, override, relabel, run_key, value_text

__all__ = ["SweepResult", "SweepRun", "sweep"]


def _cell(value: Value) -> str:
    """A parameter value for a CSV cell or a table."""
    return "" if value is None else value_text(value)


def _json_value(value: Value) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- sweep -------------------------------------------------------------------------------
@dataclass
class SweepRun:
    """One run of a sweep: its parameter values, its seed and its metrics."""

    params: dict[str, Value]
    seed: int
    metrics: dict[str, Metric]


@dataclass
class SweepResult:
    """All runs of a sweep, in grid order (the first parameter varies slowest)."""

    scenario: str
    scenario_sha256: str
    """sha256 of the resolved scenario before the swept values are applied."""
    params: list[str]
    runs: list[SweepRun]
    reserve_days: dict[str, float] = field(default_factory=dict)
    """Reserve line of each consumable, days of supply."""

    def metric_keys(self) -> list[str]:
        """Every metric key, in the order of the metrics dicts (first appearance)."""
        keys: dict[str, None] = {}
        for run in self.runs:
            keys.update(dict.fromkeys(run.metrics))
        return list(keys)

    def values(self, param: str) -> list[Value]:
        """The distinct values of ``param``, in grid order."""
        seen: list[Value] = []
        for run in self.runs:
            if run.params[param] not in seen:
                seen.append(run.params[param])
        return seen

    def to_json(self) -> dict[str, Any]:
        """The content of ``sweep.json``."""
        return {
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_sha256,
            "params": list(self.params),
            "reserve_days": self.reserve_days,
            "runs": [
                {
                    "params": {p: _json_value(v) for p, v in r.params.items()},
                    "seed": r.seed,
                    "metrics": r.metrics,
                }
                for r in self.runs
            ],
        }

    def to_csv(self) -> str:
        """The content of ``sweep.csv``: param paths, ``seed``, every metric; None is empty."""
        keys = self.metric_keys()
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([*self.params, "seed", *keys])
        for r in self.runs:
            cells = [_cell(r.params[p]) for p in self.params] + [str(r.seed)]
            w.writerow(cells + [csv_value(r.metrics.get(k)) for k in keys])
        return buf.getvalue()

    def write_files(self, folder: Path) -> None:
        """Write ``sweep.csv`` and ``sweep.json`` into the existing ``folder`` (the chart,
        ``sweep.png``, is drawn by :func:`sim.plots.sweep.sweep_chart`)."""
        (folder / "sweep.csv").write_text(self.to_csv(), encoding="utf-8")
        text = json.dumps(self.to_json(), indent=2, allow_nan=False)
        (folder / "sweep.json").write_text(text + "\n", encoding="utf-8")

    def write(self, folder: str | Path, *, force: bool = False) -> Path:
        """Write :meth:`write_files` into ``folder``, atomically (see
        :func:`~sim.results.folders.write_atomically` for what it may replace)."""
        return write_atomically(Path(folder), self.write_files, force=force)


class _Task(NamedTuple):
    slot: int
    overrides: tuple[str, ...]
    """The ``--set`` overrides, then the point's parameter values."""
    seed: int


class _Done(NamedTuple):
    slot: int
    metrics: dict[str, Metric] | None
    problems: list[Problem] | None


def _run_points(source: ScenarioSource, chunk: list[_Task]) -> list[_Done]:
    """A worker's unit of work: build and simulate several sweep points from the scenario
    source it was sent once (no file is read again), the collector paused throughout."""
    done = []
    with gc_paused():
        for task in chunk:
            try:
                scenario = source.build(task.overrides)
            except ScenarioError as exc:  # pickling it would lose the problems: send data
                done.append(_Done(task.slot, None, list(exc.problems)))
                continue
            metrics = from_record(run_engine(scenario, task.seed)).metrics
            done.append(_Done(task.slot, metrics, None))
    return done


def _normalise(
    params: Mapping[str, Sequence[Value]] | Sequence[tuple[str, Sequence[Value]]],
) -> list[tuple[str, list[Value]]]:
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    if not items:
        raise ValueError("a sweep needs at least one parameter")
    seen: set[str] = set()
    out: list[tuple[str, list[Value]]] = []
    for path, values in items:
        if path in seen:
            raise ValueError(f"parameter {path!r} is given twice")
        seen.add(path)
        vals = list(values)
        if not vals:
            raise ValueError(f"parameter {path!r} has no values")
        out.append((path, vals))
    return out


def sweep(
    scenario: str | Path,
    params: Mapping[str, Sequence[Value]] | Sequence[tuple[str, Sequence[Value]]],
    *,
    overrides: Sequence[str] = (),
    workers: int = 1,
    progress: bool = False,
) -> SweepResult:
    """Run ``scenario`` (a file) at every point of the grid of ``params`` values.

    ``params`` maps dotted paths (as in ``--set``) to value lists; the grid is their full
    product, the first parameter varying slowest. ``overrides`` (``PATH=VALUE``) apply to
    every run. Each run's seed is ``derive_seed(scenario seed, run_key(point))`` (see the
    module docstring), so results do not depend on ``workers``: 1 runs in this process,
    more run on a process pool in chunks. ``progress`` shows a tqdm bar on stderr when it
    is a terminal. Raises ScenarioError (located at ``--param:N``) for a bad path, checked
    with the first values before anything runs.
    """
    grid_params = _normalise(params)
    size = math.prod(len(v) for _, v in grid_params)
    if size > MAX_POINTS:
        raise ValueError(f"the grid has {size:,} points; a sweep may have at most {MAX_POINTS:,}")
    source = read_source(scenario)
    sets = tuple(overrides)
    base = source.build(sets)
    names = [p for p, _ in grid_params]
    points = [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(v for _, v in grid_params))
    ]
    try:
        source.build(sets + tuple(override(p, v) for p, v in points[0].items()))
    except ScenarioError as exc:
        raise relabel(exc, len(sets)) from None
    tasks = [
        _Task(
            i,
            sets + tuple(override(p, v) for p, v in point.items()),
            derive_seed(base.seed, run_key(point)),
        )
        for i, point in enumerate(points)
    ]
    done = _execute(source, tasks, workers, progress)
    runs: list[SweepRun] = []
    for task, point, result in zip(tasks, points, done, strict=True):
        if result.problems is not None:
            raise relabel(ScenarioError(result.problems), len(sets))
        assert result.metrics is not None
        runs.append(SweepRun(point, task.seed, result.metrics))
    return SweepResult(
        scenario=base.name,
        scenario_sha256=scenario_digest(base),
        params=names,
        runs=runs,
        reserve_days={c.id: c.reserve_days for c in base.station.consumables},
    )


def _execute(
    source: ScenarioSource, tasks: list[_Task], workers: int, progress: bool
) -> list[_Done]:
    """Run ``tasks`` in chunks on a local executor; results come back in task order."""
    bar = tqdm(
        total=len(tasks),
        unit="run",
        desc="sweep: runs",
        file=sys.stderr,
        disable=not (progress and sys.stderr.isatty()),
    )
    try:
        with make_executor("local", workers if len(tasks) > 1 else 1) as executor:
            parts = run_batch(executor, _run_points, source, tasks, progress=bar.update)
    finally:
        bar.close()
    return [d for part in parts for d in part]
