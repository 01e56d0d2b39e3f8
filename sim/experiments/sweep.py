"""Parameter sweeps over one scenario: every metric at every point of a grid of values.

A *sweep* runs the scenario at every point of a grid of ``--param PATH`` values (the full
product of the value lists) and tabulates every metric. The critical value of a parameter
lives in :mod:`sim.experiments.critical` and SPEC parsing in :mod:`sim.scenario.specs`;
both are re-exported here.

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

from sim.engine.rng import derive_seed
from sim.experiments.critical import (
    Breach,
    Criterion,
    CriticalResult,
    breaches,
    critical,
    monotone_warnings,
)
from sim.experiments.executors import chunked, make_executor
from sim.results import Metric, simulate, write_atomically
from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import load_scenario, scenario_digest
from sim.scenario.specs import Value, override, parse_values, relabel, run_key, value_text

# Also importable from here, where they were defined before sim.critical and sim.specs.
from sim.experiments.critical import CRITERIA as CRITERIA  # isort: skip
from sim.experiments.critical import CRITERION_TEXT as CRITERION_TEXT  # isort: skip
from sim.scenario.specs import MAX_POINTS as MAX_POINTS  # isort: skip

__all__ = [
    "Breach",
    "Criterion",
    "CriticalResult",
    "SweepResult",
    "SweepRun",
    "Value",
    "breaches",
    "critical",
    "monotone_warnings",
    "parse_values",
    "run_key",
    "sweep",
    "value_text",
]


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
            w.writerow(cells + [_metric_cell(r.metrics.get(k)) for k in keys])
        return buf.getvalue()

    def write(self, folder: str | Path, metrics: Sequence[str] | None = None) -> Path:
        """Write ``sweep.csv``, ``sweep.json`` and ``sweep.png`` (``metrics`` against the
        first parameter) into ``folder``, atomically."""

        def fill(d: Path) -> None:
            from sim.plots.style import save
            from sim.plots.sweep import sweep_chart

            (d / "sweep.csv").write_text(self.to_csv(), encoding="utf-8")
            text = json.dumps(self.to_json(), indent=2, allow_nan=False)
            (d / "sweep.json").write_text(text + "\n", encoding="utf-8")
            save(sweep_chart(self, metrics), d / "sweep.png")

        return write_atomically(Path(folder), fill)


def _metric_cell(v: Metric) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 6)) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    return str(v)


class _Task(NamedTuple):
    slot: int
    path: str
    overrides: tuple[str, ...]
    seed: int


class _Done(NamedTuple):
    slot: int
    metrics: dict[str, Metric] | None
    problems: list[Problem] | None


def _run_task(task: _Task) -> _Done:
    """Load and simulate one sweep point (in a worker process or in-process)."""
    try:
        scenario = load_scenario(task.path, task.overrides)
    except ScenarioError as exc:  # its pickling would lose the problems: send them as data
        return _Done(task.slot, None, list(exc.problems))
    return _Done(task.slot, simulate(scenario, seed=task.seed).metrics, None)


def _run_chunk(_: None, chunk: list[_Task]) -> list[_Done]:
    """A worker's unit of work: several sweep points, one after the other."""
    return [_run_task(t) for t in chunk]


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
    path = str(scenario)
    sets = tuple(overrides)
    base = load_scenario(path, sets)
    names = [p for p, _ in grid_params]
    points = [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(v for _, v in grid_params))
    ]
    try:
        load_scenario(path, sets + tuple(override(p, v) for p, v in points[0].items()))
    except ScenarioError as exc:
        raise relabel(exc, len(sets)) from None
    tasks = [
        _Task(
            i,
            path,
            sets + tuple(override(p, v) for p, v in point.items()),
            derive_seed(base.seed, run_key(point)),
        )
        for i, point in enumerate(points)
    ]
    done = _execute(tasks, workers, progress)
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


def _execute(tasks: list[_Task], workers: int, progress: bool) -> list[_Done]:
    """Run ``tasks`` in chunks on a local executor; results come back in task order."""
    size = max(1, math.ceil(len(tasks) / (max(workers, 1) * 4)))
    done: list[_Done] = []
    bar = tqdm(
        total=len(tasks),
        unit="run",
        desc="sweep",
        file=sys.stderr,
        disable=not (progress and sys.stderr.isatty()),
    )
    try:
        with make_executor("local", workers if len(tasks) > 1 else 1) as executor:
            for part in executor.map(_run_chunk, None, chunked(tasks, size)):
                done.extend(part)
                bar.update(len(part))
    finally:
        bar.close()
    return done
