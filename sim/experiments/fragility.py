"""Fragility curves: P(breach | parameter = d) for every d of a range, from one ensemble.

Replication ``i`` has the Monte Carlo seed ``replication_seed(S, i)`` (``S`` the scenario's
seed, or ``seed``), and every draw of a run comes from a stream keyed by name, so setting
the parameter (e.g. ``pads.baikonur-31.outages.0.repair_days``) to a fixed number changes
nothing else: replication ``i`` sees the same slips and failures at every value (common
random numbers). For each replication the criterion is then a function of the value alone,
and bisection finds that replication's own *critical value*: the smallest value of the grid
at which the criterion is met (valid where the criterion is monotone in the parameter).
The curve at ``d`` is the share of replications whose critical value is at most ``d`` (the
empirical CDF of the critical values): one bisection, about ``log2(range / step)`` runs,
per replication instead of one run per grid value.

Monotonicity is checked, not assumed: every replication (or the first ``check``) also
runs at :data:`CHECK_VALUES` evenly spaced values across the range; every breach followed
by a value that holds again is reported with the replication's seed (``iss-sim run --set
PATH=VALUE --seed SEED`` reproduces it), and at those values the curve is compared with the
runs themselves (a brute-force grid there, exact for the replications checked).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args

import numpy as np

from sim._version import __version__
from sim.engine import gc_paused
from sim.engine import run as run_engine
from sim.experiments.critical import check_numeric
from sim.experiments.executors import Executor, SerialExecutor, run_batch
from sim.experiments.montecarlo import MAX_REPLICATIONS, replication_seed
from sim.experiments.stats import json_number, wilson_interval
from sim.results import Metric, from_record, write_atomically
from sim.results import metrics as mk
from sim.results.folders import write_csv
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import ScenarioSource, read_source, scenario_digest
from sim.scenario.model import Scenario
from sim.scenario.specs import override, relabel

__all__ = [
    "CRITERIA",
    "FragilityCriterion",
    "FragilityResult",
    "NonMonotone",
    "ParamLabel",
    "breached",
    "fragility",
    "param_label",
]

FragilityCriterion = Literal["reserve", "depletion", "uncrewed"]
"""What counts as a breach: a consumable below its reserve, one running out, or a segment
without crew for some time."""

CRITERIA: tuple[str, ...] = get_args(FragilityCriterion)

CRITERION_TEXT = {
    "reserve": "some consumable falls below its reserve",
    "depletion": "some consumable runs out",
    "uncrewed": "some segment is uncrewed for some time",
}
CRITERION_LABEL = {
    "reserve": "below reserve",
    "depletion": "depleted",
    "uncrewed": "segment uncrewed",
}
"""Short names for tables and legends."""

MAX_VALUES = 100_000
"""Most grid values of one curve (rows of ``fragility.csv`` per criterion)."""
CHECK_VALUES = 9
"""Evenly spaced values (ends included) at which checked replications also run."""
CACHE_SCENARIOS = 512
"""Most scenarios (one per value) a worker keeps built: the first bisection steps of every
replication visit the same few values (building one costs about half a run)."""

Value = int | float


# -- what a breach is -------------------------------------------------------------------------
def breached(metrics: Mapping[str, Metric], stocks: mk.Stocks) -> dict[str, bool]:
    """Whether each criterion is met in one run with ``metrics``, as the ensemble
    probabilities define it (:func:`sim.results.metrics.indicators`): ``reserve`` is
    ``consumables.p_any_below_reserve``, ``depletion`` ``consumables.p_any_depleted`` and
    ``uncrewed`` any of ``crew.p_rs/usos/station_uncrewed``. ``stocks``: the scenario's
    :func:`~sim.results.metrics.stock_segments`."""

    def column(key: str) -> np.ndarray:
        v = metrics.get(key)
        if v is None:
            return np.array([math.nan])
        return np.array([0.0 if isinstance(v, str) else float(v)])  # a date: present

    flags = mk.indicators(column, {}, stocks, 1)
    return {
        "reserve": bool(flags["consumables.p_any_below_reserve"][0]),
        "depletion": bool(flags["consumables.p_any_depleted"][0]),
        "uncrewed": any(bool(flags[f"crew.p_{u}_uncrewed"][0]) for u in mk.UNCREWED),
    }


# -- labels -----------------------------------------------------------------------------------
class ParamLabel(NamedTuple):
    """How charts and tables name a parameter."""

    name: str
    """e.g. ``Site 31 repair``."""
    unit: str
    """e.g. ``days`` ("" if unknown)."""
    noun: str
    """What a title asks about, e.g. ``Site 31 repair length``."""

    @property
    def axis(self) -> str:
        """``Site 31 repair (days)``."""
        return f"{self.name} ({self.unit})" if self.unit else self.name


_LABELS: tuple[tuple[str, str, str, str], ...] = (
    (r"pads\.baikonur-31\.outages\.0\.repair_days", "Site 31 repair", "days",
     "Site 31 repair length"),
    (r"pads\.([^.]+)\.outages\.(\d+)\.repair_days", "{0} repair (outage {1})", "days",
     "{0} repair length"),
    (r"pads\.([^.]+)\.ready_days", "{0} days from repair to launch", "days",
     "{0} time from repair to launch"),
    (r"pads\.([^.]+)\.turnaround_days", "{0} turnaround", "days", "{0} turnaround"),
    (r"station\.consumables\.([^.]+)\.reserve_days", "{0} reserve", "days of supply",
     "{0} reserve"),
    (r"station\.consumables\.([^.]+)\.per_crew_day", "{0} use", "kg per crew-day",
     "{0} use per crew-day"),
    (r"station\.consumables\.([^.]+)\.initial\.kg", "{0} initial stock", "kg",
     "initial {0} stock"),
    (r"vehicles\.([^.]+)\.docked_life_days", "{0} docked life", "days", "{0} docked life"),
    (r"vehicles\.([^.]+)\.transit_days", "{0} transit", "days", "{0} transit time"),
    (r"vehicles\.([^.]+)\.stay_days", "{0} stay", "days", "{0} stay"),
    (r"flights\.([^.]+)\.cargo\.([^.]+)", "{1} on {0}", "kg", "{1} carried by {0}"),
    (r"flights\.([^.]+)\.launch", "{0} launch date", "", "{0} launch date"),
    (r"flights\.([^.]+)\.stay_days", "{0} stay", "days", "{0} stay"),
    (r"rules\.handover_days", "crew handover", "days", "crew handover"),
    (r"rules\.evacuate_below_days", "evacuation line", "days of supply", "evacuation line"),
    (r"station\.altitude\.decay_km_per_day", "orbit decay", "km per day", "orbit decay"),
)  # fmt: skip
"""(path pattern, name, unit, noun) of parameters with a human label; the first match wins."""


def param_label(param: str) -> ParamLabel:
    """How to name a parameter path, e.g. ``Site 31 repair`` in ``days``; an unknown path
    keeps its path, with the unit guessed from a ``days`` or ``kg`` ending ("" if none)."""
    for pattern, name, unit, noun in _LABELS:
        m = re.fullmatch(pattern, param)
        if m:
            return ParamLabel(name.format(*m.groups()), unit, noun.format(*m.groups()))
    last = param.rsplit(".", 1)[-1]
    unit = "days" if last.endswith("days") else "kg" if last.endswith("kg") else ""
    return ParamLabel(param, unit, param)


# -- the worker side --------------------------------------------------------------------------
class _Job:
    """What every worker needs once: the scenario source, the grid and the criteria. Built
    scenarios are kept per worker (:data:`CACHE_SCENARIOS`), never pickled."""

    def __init__(
        self,
        source: ScenarioSource,
        sets: tuple[str, ...],
        param: str,
        values: tuple[Value, ...],
        criteria: tuple[str, ...],
        check_at: tuple[int, ...],
        stocks: dict[str, tuple[str, ...]],
    ) -> None:
        self.source, self.sets, self.param = source, sets, param
        self.values, self.criteria, self.check_at, self.stocks = values, criteria, check_at, stocks
        self._built: dict[int, Scenario] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_built": {}}

    def scenario(self, k: int) -> Scenario:
        """The scenario with the parameter at grid value ``k`` (built once per worker)."""
        sc = self._built.get(k)
        if sc is None:
            try:
                sc = self.source.build((*self.sets, override(self.param, self.values[k])))
            except ScenarioError as exc:  # its problems would not survive pickling: text
                raise ValueError(str(relabel(exc, len(self.sets)))) from None
            if len(self._built) < CACHE_SCENARIOS:
                self._built[k] = sc
        return sc

    def evaluate(self, k: int, seed: int) -> tuple[bool, ...]:
        """Per criterion, whether a run at grid value ``k`` with ``seed`` breaches it."""
        flags = breached(from_record(run_engine(self.scenario(k), seed)).metrics, self.stocks)
        return tuple(flags[c] for c in self.criteria)


@dataclass(frozen=True)
class _Rep:
    """A worker's answer for one replication."""

    index: int
    seed: int
    critical: tuple[int | None, ...]
    """Per criterion: grid index of the smallest breaching value (None: none up to hi)."""
    runs: int
    """Runs of the bisection."""
    checks: int
    """Runs added by the monotonicity check."""
    points: tuple[tuple[int, tuple[bool, ...]], ...]
    """Checked replications only: every (grid index, breached per criterion) evaluated."""


def _bisect(at: Callable[[int], tuple[bool, ...]], j: int, last: int) -> int | None:
    """Smallest grid index whose run breaches criterion ``j`` (None: not even at ``last``),
    assuming the criterion is monotone: breached at ``last``, then at 0, then halving."""
    if not at(last)[j]:
        return None
    if at(0)[j]:
        return 0
    good, bad = 0, last
    while bad - good > 1:
        mid = (good + bad) // 2
        if at(mid)[j]:
            bad = mid
        else:
            good = mid
    return bad


def _run_reps(job: _Job, reps: list[tuple[int, int, bool]]) -> list[_Rep]:
    """Bisect every replication (index, seed, checked) of ``job``, the collector paused."""
    done = []
    last = len(job.values) - 1
    with gc_paused():
        for index, seed, checked in reps:
            memo: dict[int, tuple[bool, ...]] = {}

            def at(k: int, seed: int = seed, memo: dict[int, tuple[bool, ...]] = memo) -> Any:
                if k not in memo:
                    memo[k] = job.evaluate(k, seed)
                return memo[k]

            critical = tuple(_bisect(at, j, last) for j in range(len(job.criteria)))
            runs = len(memo)
            if checked:
                for k in job.check_at:
                    at(k)
            points = tuple(sorted(memo.items())) if checked else ()
            done.append(_Rep(index, seed, critical, runs, len(memo) - runs, points))
    return done


# -- the result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NonMonotone:
    """A checked replication whose criterion is breached at one value and holds again at
    a larger one: its critical value is only the first boundary bisection found."""

    criterion: str
    replication: int
    seed: int
    breaches_at: Value
    holds_at: Value

    def __str__(self) -> str:
        return (
            f"{self.criterion}: replication {self.replication} (seed {self.seed}) breaches at "
            f"{self.breaches_at:g} but holds again at {self.holds_at:g}"
        )


@dataclass(eq=False)
class FragilityResult:
    """Critical values of a parameter per replication and the curves they make."""

    scenario: Scenario
    """The scenario with ``--set`` overrides, before the parameter is set."""
    param: str
    values: list[Value]
    """The grid, ascending: lo, lo + step, ..., hi."""
    step: Value
    criteria: list[str]
    seed: int
    """Ensemble seed: replication ``i`` ran with ``replication_seed(seed, i)``."""
    seeds: list[int]
    critical: dict[str, list[int | None]]
    """Per criterion and replication: grid index of its critical value (None: > hi)."""
    runs: int
    """Runs of the bisections."""
    check_runs: int
    """Runs added by the monotonicity check."""
    checked: list[int]
    """Replications checked for monotonicity."""
    check_values: list[Value]
    direct: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Per criterion and check value: (replications checked whose critical value is at
    most it, replications checked whose run at it breaches); equal where monotone."""
    non_monotone: list[NonMonotone] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.seeds)

    @property
    def lo(self) -> Value:
        return self.values[0]

    @property
    def hi(self) -> Value:
        return self.values[-1]

    @property
    def grid_runs(self) -> int:
        """Runs a brute-force grid would take: every value for every replication."""
        return self.n * len(self.values)

    def counts(self, criterion: str) -> np.ndarray:
        """Per grid value d: replications whose critical value is at most d (int array)."""
        hist = np.zeros(len(self.values), dtype=np.int64)
        for k in self.critical[criterion]:
            if k is not None:
                hist[k] += 1
        return np.cumsum(hist)

    def curve(self, criterion: str, confidence: float = 0.95) -> tuple[np.ndarray, ...]:
        """(probability, interval low, interval high) per grid value: the share of
        replications breached at that value and its Wilson score interval."""
        counts = self.counts(criterion)
        intervals: dict[int, tuple[float, float]] = {}
        for c in set(counts.tolist()):
            intervals[c] = wilson_interval(c, self.n, confidence)
        low = np.array([intervals[c][0] for c in counts.tolist()])
        high = np.array([intervals[c][1] for c in counts.tolist()])
        p = counts / self.n if self.n else np.full(len(counts), math.nan)
        return p, low, high

    def quantile(self, criterion: str, q: float) -> Value | None:
        """The smallest grid value at which the curve reaches ``q`` (0..1); None if it
        does not within the range."""
        counts = self.counts(criterion)
        hit = np.flatnonzero(counts >= q * self.n - 1e-9)
        return self.values[int(hit[0])] if len(hit) else None

    def largest_gap(self, criterion: str) -> tuple[float, Value | None]:
        """The largest difference, as a share of the replications checked, between the
        curve and the runs at a check value (0 where monotone), and that value."""
        pairs = zip(self.direct.get(criterion, []), self.check_values, strict=False)
        gaps = [(abs(a - b), v) for (a, b), v in pairs]
        gap, at = max(gaps, key=lambda g: g[0], default=(0, None))
        return (gap / len(self.checked), at) if gap else (0.0, None)

    @property
    def warnings(self) -> list[str]:
        """One warning per criterion with a replication found not monotone."""
        out = []
        for c in self.criteria:
            bad = [x for x in self.non_monotone if x.criterion == c]
            if bad:
                gap, at = self.largest_gap(c)
                shown = "; ".join(f"seed {x.seed}: breached at {x.breaches_at:g}, holds at "
                                  f"{x.holds_at:g}" for x in bad[:5])  # fmt: skip
                more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
                off = (
                    f"; at {at:g} the curve is {100 * gap:.1f} points off the runs there"
                    if at is not None
                    else ""
                )
                out.append(
                    f"{c} is not monotone in {self.param} on {len(bad)} of {len(self.checked)} "
                    f"checked replications ({shown}{more}); their critical value is the first "
                    f"boundary found, so the curve is only approximate{off}"
                )
        return out

    def to_json(self) -> dict[str, Any]:
        """The content of ``fragility.json``."""
        sc = self.scenario
        label = param_label(self.param)
        curves: dict[str, Any] = {}
        for c in self.criteria:
            p, low, high = self.curve(c)
            ks = self.critical[c]
            curves[c] = {
                "meaning": CRITERION_TEXT[c],
                "breach_at_lo": sum(k == 0 for k in ks),
                "no_breach_through_hi": sum(k is None for k in ks),
                "reaches": {f"{q:g}": self.quantile(c, q / 100) for q in (10, 50, 90)},
                "probability": [json_number(float(x)) for x in p],
                "ci95_low": [json_number(float(x)) for x in low],
                "ci95_high": [json_number(float(x)) for x in high],
            }
        return {
            "scenario": sc.name,
            "scenario_sha256": scenario_digest(sc),
            "scenario_file": sc.files[0] if sc.files else None,
            "version": __version__,
            "param": self.param,
            "label": label.name,
            "unit": label.unit,
            "lo": self.lo,
            "hi": self.hi,
            "step": self.step,
            "seed": self.seed,
            "replication_seeds": "derive_seed(seed, 'rep/<i>'), as montecarlo's; each in "
            "critical_values",
            "replications": self.n,
            "criteria": list(self.criteria),
            "runs": {
                "bisection": self.runs,
                "per_replication": json_number(self.runs / self.n) if self.n else None,
                "monotonicity_checks": self.check_runs,
                "total": self.runs + self.check_runs,
                "grid": self.grid_runs,
                "grid_per_replication": len(self.values),
            },
            "monotonicity": {
                "replications_checked": len(self.checked),
                "values": self.check_values,
                "monotone": not self.non_monotone,
                "curve_vs_runs": {
                    c: [
                        {"d": v, "curve": a, "runs": b}
                        for v, (a, b) in zip(self.check_values, self.direct[c], strict=True)
                    ]
                    for c in self.criteria
                },
                "non_monotone": [
                    {
                        "criterion": x.criterion,
                        "replication": x.replication,
                        "seed": x.seed,
                        "breaches_at": x.breaches_at,
                        "holds_at": x.holds_at,
                    }
                    for x in self.non_monotone
                ],
            },
            "warnings": self.warnings,
            "values": list(self.values),
            "curves": curves,
            "critical_values": [
                {
                    "replication": i,
                    "seed": s,
                    **{c: self._value(self.critical[c][i]) for c in self.criteria},
                }
                for i, s in enumerate(self.seeds)
            ],
        }

    def _value(self, k: int | None) -> Value | None:
        return None if k is None else self.values[k]

    def write_files(self, folder: Path) -> None:
        """Write ``fragility.csv`` and ``fragility.json`` into the existing ``folder`` (the
        chart, ``fragility.png``, is drawn by :func:`sim.plots.fragility.fragility_chart`)."""
        rows = []
        for c in self.criteria:
            counts = self.counts(c)
            p, low, high = self.curve(c)
            for k, d in enumerate(self.values):
                rows.append([d, c, int(counts[k]), self.n, p[k], low[k], high[k]])
        header = ["d", "criterion", "breached", "replications", "probability", "ci95_low",
                  "ci95_high"]  # fmt: skip
        write_csv(folder / "fragility.csv", header, rows)
        text = json.dumps(self.to_json(), indent=2, allow_nan=False)
        (folder / "fragility.json").write_text(text + "\n", encoding="utf-8")

    def write(self, out_dir: str | Path, *, force: bool = False) -> Path:
        """Write the result folder atomically (replaced whole or not at all; see
        :func:`~sim.results.folders.write_atomically` for what it may replace)."""
        return write_atomically(Path(out_dir), self.write_files, force=force)


# -- the experiment ---------------------------------------------------------------------------
def _number(x: float) -> Value:
    """A whole number as int (so that a count parameter gets ``120``, not ``120.0``)."""
    return int(x) if float(x).is_integer() else float(x)


def grid_values(lo: float, hi: float, step: float) -> list[Value]:
    """lo, lo + step, ... up to hi, and hi itself (ValueError for an empty or huge grid)."""
    for name, v in (("lo", lo), ("hi", hi), ("step", step)):
        if not math.isfinite(v):
            raise ValueError(f"{name} must be a finite number, got {v}")
    if lo >= hi:
        raise ValueError(f"lo {lo:g} must be below hi {hi:g}")
    if step <= 0:
        raise ValueError(f"step must be above 0, got {step:g}")
    k = math.floor((hi - lo) / step + 1e-9)
    if k + 2 > MAX_VALUES:
        raise ValueError(
            f"[{lo:g}, {hi:g}] in steps of {step:g} has {k + 1:,} values; at most "
            f"{MAX_VALUES:,} (give a larger step)"
        )
    values = [_number(round(lo + i * step, 9)) for i in range(k + 1)]
    if values[-1] < hi - 1e-9 * max(1.0, abs(hi)):
        values.append(_number(hi))
    return values


def _non_monotone(criteria: Sequence[str], values: Sequence[Value], rep: _Rep) -> list[NonMonotone]:
    """Each criterion's first breach -> holds switch among the values ``rep`` ran at."""
    found = []
    for j, c in enumerate(criteria):
        first_breach: int | None = None
        for k, flags in rep.points:
            if flags[j] and first_breach is None:
                first_breach = k
            elif not flags[j] and first_breach is not None:
                found.append(NonMonotone(c, rep.index, rep.seed, values[first_breach], values[k]))
                break
    return found


def fragility(
    scenario: str | Path,
    param: str,
    n: int,
    *,
    lo: float = 0,
    hi: float = 1095,
    step: float = 1,
    criteria: Sequence[str] = CRITERIA,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    check: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> FragilityResult:
    """P(breach | ``param`` = d) for d over [lo, hi] in steps of ``step`` (the parameter's
    unit, e.g. days), from ``n`` replications of ``scenario`` (a file).

    Each replication's critical value is found by bisection on its own seed, for every
    criterion of ``criteria``; every replication (or the first ``check``) also runs at
    :data:`CHECK_VALUES` evenly spaced values to test monotonicity. ``overrides``
    (``PATH=VALUE``) apply to every run; ``seed`` is the ensemble seed (default the
    scenario's, after overrides). ``progress(k)`` is called as replications finish. Raises
    ValueError for bad arguments and ScenarioError (located at ``--param``) for a bad path
    or a value the scenario does not allow at lo or hi.
    """
    if not 1 <= n <= MAX_REPLICATIONS:
        raise ValueError(f"the number of replications must be from 1 to {MAX_REPLICATIONS:,}, "
                         f"got {n:,}")  # fmt: skip
    chosen = tuple(dict.fromkeys(criteria))
    unknown = [c for c in chosen if c not in CRITERIA]
    if unknown or not chosen:
        raise ValueError(f"unknown criterion {unknown[0] if unknown else ''!r} (one of "
                         f"{', '.join(CRITERIA)})")  # fmt: skip
    check = n if check is None else check
    if check < 0:
        raise ValueError(f"the replications to check must be 0 or more, got {check}")
    values = grid_values(lo, hi, step)
    source = read_source(scenario)
    sets = tuple(overrides)
    base = source.build(sets)
    check_numeric(base, param, "fragility")
    for v in (values[0], values[-1]):  # a bad path or value: located, before any run
        try:
            source.build((*sets, override(param, v)))
        except ScenarioError as exc:
            raise relabel(exc, len(sets)) from None
    last = len(values) - 1
    check_at = tuple(sorted({round(i * last / (CHECK_VALUES - 1)) for i in range(CHECK_VALUES)}))
    job = _Job(source, sets, param, tuple(values), chosen, check_at, mk.stock_segments(base))
    ensemble = base.seed if seed is None else int(seed)
    reps = [(i, replication_seed(ensemble, i), i < check) for i in range(n)]
    ex = executor if executor is not None else SerialExecutor()
    # small chunks: the bar moves, and a chunk is many runs (about 12 each) anyway
    size = max(1, min(50, math.ceil(n / (16 * ex.workers))))
    parts = run_batch(ex, _run_reps, job, reps, chunk_size=size, progress=progress)
    done = [r for part in parts for r in part]
    direct: dict[str, list[tuple[int, int]]] = {}
    for j, c in enumerate(chosen):
        direct[c] = []
        for k in check_at:
            ran = [(r.critical[j], dict(r.points)[k][j]) for r in done if r.points]
            direct[c].append(
                (sum(ck is not None and ck <= k for ck, _ in ran), sum(hit for _, hit in ran))
            )
    return FragilityResult(
        scenario=base,
        param=param,
        values=values,
        step=_number(step),
        criteria=list(chosen),
        seed=ensemble,
        seeds=[r.seed for r in done],
        critical={c: [r.critical[j] for r in done] for j, c in enumerate(chosen)},
        runs=sum(r.runs for r in done),
        check_runs=sum(r.checks for r in done),
        checked=[r.index for r in done if r.points],
        check_values=[values[k] for k in check_at],
        direct=direct,
        non_monotone=[x for r in done for x in _non_monotone(chosen, values, r)],
    )
