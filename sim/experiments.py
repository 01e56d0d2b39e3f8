"""Experiments over one scenario: parameter sweeps and the critical value of a parameter.

A *sweep* runs the scenario at every point of a grid of ``--param PATH`` values (the full
product of the value lists) and tabulates every metric; a *critical* search finds, by
bisection, the largest whole value of one numeric parameter (e.g. a repair in days) for
which a criterion (no reserve breach, no depletion, no uncrewed segment) still holds.

Seeds. Every sweep run has its own seed ``derive_seed(S, key)``, where ``S`` is the
scenario's seed (after ``--set`` overrides) and ``key`` is the canonical text of the run's
parameter values, ``"sweep/" + ";".join("PATH=VALUE")`` over the paths in sorted order,
e.g. ``"sweep/pads.baikonur-31.outages.0.repair_days=120"``. A run's seed therefore depends
only on its parameters, never on its position in the grid or on the number of workers:
reordering or extending a value list leaves every other run unchanged, and the outputs are
identical, byte for byte, for any ``workers``. The seed is written into each row. A critical
search evaluates every value with one seed (the scenario's, or ``seed``), so that all
evaluations see the same random world (common random numbers) and the criterion is a
deterministic function of the parameter.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

import numpy as np
import yaml
from tqdm import tqdm

from sim.engine import SEGMENTS
from sim.errors import Mark, Problem, ScenarioError
from sim.executors import chunked, make_executor
from sim.results import Metric, Result, simulate, write_atomically
from sim.rng import derive_seed
from sim.scenario import load_scenario, scenario_digest

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

Value = int | float | str | bool | date | None
"""One value of a swept parameter (a YAML scalar)."""

Criterion = Literal["reserve", "depletion", "uncrewed", "any"]
"""What must hold: no reserve breach, no depletion, no uncrewed segment (nor forced
return), or all three."""

CRITERIA: tuple[str, ...] = get_args(Criterion)

CRITERION_TEXT = {
    "reserve": "no consumable falls below its reserve",
    "depletion": "no consumable runs out",
    "uncrewed": "no segment is ever uncrewed and no crew vehicle is forced home",
    "any": "no reserve breach, no depletion, no uncrewed segment, no forced return",
}

MAX_POINTS = 100_000
"""Largest number of values one SPEC may expand to."""

_RANGE = re.compile(r"[-+.\deE_\s]*:[-+.\deE_\s:]*")
_DATETIME = re.compile(r"\s*\d{4}-\d\d-\d\d[Tt ]")


# -- values ------------------------------------------------------------------------------
def _number(text: str) -> int | float | None:
    """``text`` as an int (when integral) or a finite float, else None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        x = float(text)
    except ValueError:
        return None
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() else x


def _tidy(x: float) -> int | float:
    x = round(x, 10) + 0.0
    return int(x) if x.is_integer() else x


def parse_values(spec: str) -> list[Value]:
    """Expand a SPEC: a list ``30,60,90`` or an inclusive range ``START:STOP[:STEP]``.

    Numbers come back as int when integral, else float; other list items are YAML scalars
    (dates such as ``2026-05-01``, strings, booleans). Raises ValueError (one line) for a
    SPEC that cannot be read.
    """
    text = spec.strip()
    if not text:
        raise ValueError("empty SPEC: give a list such as 30,60,90 or a range such as 0:720:30")
    if "," not in text and _RANGE.fullmatch(text):
        return _parse_range(text)
    values: list[Value] = []
    for item in (s.strip() for s in text.split(",")):
        if not item:
            raise ValueError(f"empty item in SPEC {spec!r}")
        number = _number(item)
        if number is not None:
            values.append(number)
            continue
        if item.lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
            raise ValueError(f"{item!r} in SPEC {spec!r} is not a finite number")
        if ":" in item and not _DATETIME.match(item):
            if "," not in text:
                raise ValueError(f"range {text!r} must be numbers START:STOP[:STEP]")
            raise ValueError(f"{item!r} in SPEC {spec!r}: a range START:STOP:STEP stands alone")
        try:
            value = yaml.safe_load(item)
        except yaml.YAMLError:
            raise ValueError(f"cannot read {item!r} in SPEC {spec!r} as a YAML scalar") from None
        if isinstance(value, (list, dict)) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise ValueError(f"{item!r} in SPEC {spec!r} is not a single value")
        values.append(value)
    return values


def _parse_range(text: str) -> list[Value]:
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (2, 3):
        raise ValueError(f"range {text!r} must be START:STOP or START:STOP:STEP")
    nums = [_number(p) for p in parts]
    for p, n in zip(parts, nums, strict=True):
        if n is None:
            raise ValueError(f"range {text!r}: {p!r} is not a number")
    start, stop = nums[0], nums[1]
    step = nums[2] if len(parts) == 3 else 1
    assert start is not None and stop is not None and step is not None
    if step == 0:
        raise ValueError(f"range {text!r}: STEP must not be 0")
    if (stop - start) * step < 0:
        raise ValueError(f"range {text!r}: STEP {step} goes away from STOP {stop}")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_POINTS:
        raise ValueError(f"range {text!r} has {count} values (at most {MAX_POINTS})")
    if all(isinstance(n, int) for n in (start, stop, step)):
        return list(range(int(start), int(stop) + (1 if step > 0 else -1), int(step)))
    return [_tidy(start + i * step) for i in range(count)]


def value_text(value: Value) -> str:
    """``value`` as YAML text that reads back as the same value (dates in ISO form)."""
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:  # YAML 1.1 floats need a dot
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent if exponent[0] in '+-' else '+' + exponent}"
        return text
    if isinstance(value, str):
        return value if _scalar_roundtrips(value) else json.dumps(value)
    return json.dumps(value)  # int, bool, None


def _scalar_roundtrips(text: str) -> bool:
    try:
        return bool(yaml.safe_load(text) == text) and text == text.strip() and "," not in text
    except yaml.YAMLError:
        return False


def _cell(value: Value) -> str:
    """A parameter value for a CSV cell or a table."""
    return "" if value is None else value_text(value)


def _json_value(value: Value) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def run_key(point: Mapping[str, Value]) -> str:
    """The canonical key of one sweep point: ``sweep/PATH=VALUE;...`` over sorted paths."""
    return "sweep/" + ";".join(f"{p}={value_text(point[p])}" for p in sorted(point))


def _override(path: str, value: Value) -> str:
    return f"{path}={value_text(value)}"


def _relabel(exc: ScenarioError, n_sets: int) -> ScenarioError:
    """Report problems of the parameter overrides at ``--param:N:COL`` instead of ``--set``."""
    problems = []
    for p in exc.problems:
        if p.mark.file == "--set" and p.mark.line > n_sets:
            p = Problem(Mark("--param", p.mark.line - n_sets, p.mark.col), p.path, p.message)
        problems.append(p)
    return ScenarioError(problems)


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
            from sim.experiment_plots import sweep_chart
            from sim.plotting import save

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
        load_scenario(path, sets + tuple(_override(p, v) for p, v in points[0].items()))
    except ScenarioError as exc:
        raise _relabel(exc, len(sets)) from None
    tasks = [
        _Task(
            i,
            path,
            sets + tuple(_override(p, v) for p, v in point.items()),
            derive_seed(base.seed, run_key(point)),
        )
        for i, point in enumerate(points)
    ]
    done = _execute(tasks, workers, progress)
    runs: list[SweepRun] = []
    for task, point, result in zip(tasks, points, done, strict=True):
        if result.problems is not None:
            raise _relabel(ScenarioError(result.problems), len(sets))
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


# -- critical ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Breach:
    """One way a criterion fails in a run: what, which item, from when."""

    kind: Literal["reserve", "depletion", "uncrewed", "forced_return"]
    subject: str
    """A consumable id, a segment (RS, USOS) or a crew vehicle id."""
    date: str | None
    """ISO date of the first breach (UTC)."""

    def __str__(self) -> str:
        what = {
            "reserve": f"{self.subject} below reserve",
            "depletion": f"{self.subject} depleted",
            "uncrewed": f"{self.subject} segment uncrewed",
            "forced_return": f"{self.subject} forced home (docked-life limit)",
        }[self.kind]
        return f"{what} on {self.date or '?'}"


def breaches(result: Result, criterion: Criterion) -> list[Breach]:
    """Every breach of ``criterion`` in ``result``, the earliest first (empty: it holds)."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r} (one of {', '.join(CRITERIA)})")
    m = result.metrics
    found: list[Breach] = []
    consumables = [c.id for c in result.scenario.station.consumables]
    if criterion in ("reserve", "any"):
        for c in consumables:
            when = m.get(f"{c}.first_below_reserve_date")
            if when is not None:
                found.append(Breach("reserve", c, str(when)))
    if criterion in ("depletion", "any"):
        for c in consumables:
            when = m.get(f"{c}.depleted_date")
            if when is not None:
                found.append(Breach("depletion", c, str(when)))
    if criterion in ("uncrewed", "any"):
        day = result.series["day"]
        held = np.diff(day) > 0
        for seg in SEGMENTS:
            uncrewed = m.get(f"crew.{seg.lower()}_uncrewed_days")
            if isinstance(uncrewed, (int, float)) and uncrewed > 0:
                gap = np.flatnonzero((result.series[f"crew_{seg}"][:-1] == 0) & held)
                found.append(Breach("uncrewed", seg, result.date(float(day[gap[0]]))))
        for t, kind, subject, _ in result.events:
            if kind == "forced_return":
                found.append(Breach("forced_return", subject, result.date(t)))
    order = {k: i for i, k in enumerate(("reserve", "depletion", "uncrewed", "forced_return"))}
    return sorted(found, key=lambda b: (b.date or "9999", order[b.kind], b.subject))


def monotone_warnings(
    points: Iterable[tuple[float, bool]], param: str = "the parameter"
) -> list[str]:
    """Warnings for every switch from fails back to holds in ``(value, holds)`` points.

    A monotone criterion holds up to one value and fails beyond it; each fails -> holds
    switch (in value order) means bisection may have found only one of several boundaries.
    """
    warnings: list[str] = []
    last_fail: float | None = None
    for value, holds in sorted(points):
        if not holds:
            last_fail = value
        elif last_fail is not None:
            warnings.append(
                f"not monotone in {param}: the criterion fails at {last_fail:g} but holds "
                f"again at {value:g}; the value reported is the first boundary above lo"
            )
            last_fail = None
    return warnings


@dataclass
class CriticalResult:
    """The largest value of a parameter for which a criterion holds, found by bisection."""

    scenario: str
    param: str
    criterion: Criterion
    lo: int
    hi: int
    seed: int
    status: Literal["found", "fails_at_lo", "holds_through_hi"]
    value: int | None
    """Largest value that holds (every checked value from lo to it holds); None if lo fails."""
    first_failing: int | None
    """``value + 1`` (or lo); None if every value up to hi holds."""
    binding: list[Breach]
    """Breaches at ``first_failing``, the earliest first: what binds first, and when."""
    evaluations: int
    spot_checks: list[tuple[int, bool]]
    """(value, holds) at evenly spaced values across [lo, hi]."""
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``iss-sim critical --json``)."""
        return {
            "scenario": self.scenario,
            "param": self.param,
            "criterion": self.criterion,
            "lo": self.lo,
            "hi": self.hi,
            "seed": self.seed,
            "status": self.status,
            "value": self.value,
            "first_failing": self.first_failing,
            "binding": [
                {"kind": b.kind, "subject": b.subject, "date": b.date} for b in self.binding
            ],
            "evaluations": self.evaluations,
            "spot_checks": [{"value": v, "holds": h} for v, h in self.spot_checks],
            "warnings": self.warnings,
        }


def critical(
    scenario: str | Path,
    param: str,
    *,
    lo: int = 0,
    hi: int = 1095,
    criterion: Criterion = "reserve",
    overrides: Sequence[str] = (),
    seed: int | None = None,
    spot_checks: int = 8,
) -> CriticalResult:
    """The largest whole value of ``param`` in [lo, hi] for which ``criterion`` holds.

    ``param`` is a dotted path to a number (e.g. ``pads.baikonur-31.outages.0.repair_days``,
    days). First ``spot_checks`` evenly spaced values across [lo, hi] are run; the first
    holds -> fails step among them is then narrowed by bisection to one unit. Every value
    runs with the same seed (``seed``, default the scenario's), so draws are paired across
    values. Warnings report any fails -> holds switch seen among the values run.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"unknown criterion {criterion!r} (one of {', '.join(CRITERIA)})")
    if lo > hi:
        raise ValueError(f"lo {lo} is above hi {hi}")
    path = str(scenario)
    sets = tuple(overrides)
    base = load_scenario(path, sets)
    run_seed = base.seed if seed is None else seed
    memo: dict[int, list[Breach]] = {}

    def evaluate(value: int) -> list[Breach]:
        if value not in memo:
            try:
                sc = load_scenario(path, (*sets, _override(param, value)))
            except ScenarioError as exc:
                raise _relabel(exc, len(sets)) from None
            memo[value] = breaches(simulate(sc, seed=run_seed), criterion)
        return memo[value]

    k = max(2, spot_checks)
    spots = sorted({round(lo + i * (hi - lo) / (k - 1)) for i in range(k)})
    spot_results = [(v, not evaluate(v)) for v in spots]
    status: Literal["found", "fails_at_lo", "holds_through_hi"]
    first_bad = next((i for i, (_, ok) in enumerate(spot_results) if not ok), None)
    if first_bad == 0:
        status, value, failing = "fails_at_lo", None, lo
    elif first_bad is None:
        status, value, failing = "holds_through_hi", hi, None
    else:
        good, bad = spots[first_bad - 1], spots[first_bad]
        while bad - good > 1:
            mid = (good + bad) // 2
            if evaluate(mid):
                bad = mid
            else:
                good = mid
        status, value, failing = "found", good, bad
    return CriticalResult(
        scenario=base.name,
        param=param,
        criterion=criterion,
        lo=lo,
        hi=hi,
        seed=run_seed,
        status=status,
        value=value,
        first_failing=failing,
        binding=[] if failing is None else evaluate(failing),
        evaluations=len(memo),
        spot_checks=spot_results,
        warnings=monotone_warnings(((v, not b) for v, b in memo.items()), param),
    )
