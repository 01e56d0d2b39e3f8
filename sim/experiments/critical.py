"""The critical value of a parameter: the largest whole value (e.g. a repair in days) for
which a criterion (no reserve breach, no depletion, no uncrewed segment) still holds.

The search evaluates every value with one seed (the scenario's, or ``seed``), so that all
evaluations see the same random world (common random numbers) and the criterion is a
deterministic function of the parameter; bisection then narrows it to one unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

from sim.results import metrics as mk
from sim.results.binding import binding
from sim.results.result import Result, simulate
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_source
from sim.scenario.model import SEGMENTS, Scenario
from sim.scenario.specs import override, relabel
from sim.scenario.yamlsource import value_at

__all__ = [
    "Breach",
    "Criterion",
    "CriticalResult",
    "breaches",
    "check_numeric",
    "critical",
    "monotone_warnings",
]

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
            when = m.get(mk.consumable_key(c, "first_below_reserve_date"))
            if when is not None:
                found.append(Breach("reserve", c, str(when)))
    if criterion in ("depletion", "any"):
        for c in consumables:
            when = m.get(mk.consumable_key(c, "depleted_date"))
            if when is not None:
                found.append(Breach("depletion", c, str(when)))
    if criterion in ("uncrewed", "any"):
        day = result.series["day"]
        held = np.diff(day) > 0
        for seg in SEGMENTS:
            uncrewed = m.get(mk.uncrewed_key(seg))
            if isinstance(uncrewed, (int, float)) and uncrewed > 0:
                gap = np.flatnonzero((result.series[f"crew_{seg}"][:-1] == 0) & held)
                found.append(Breach("uncrewed", seg, result.date(float(day[gap[0]]))))
        for e in result.events:
            if e.kind == "forced_return":
                found.append(Breach("forced_return", e.subject, result.date(e.day)))
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
    binds: str | None = None
    """At ``first_failing``: the first reserve breach and the delivery that would have
    prevented it, in one sentence (see :mod:`sim.results.binding`); None without one."""

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
            "binds": self.binds,
        }


def check_numeric(sc: Scenario, param: str, command: str = "critical") -> None:
    """ValueError unless ``param`` names a number (or a distribution, or an unset number)
    of ``sc``: bisection needs a numeric parameter (``command`` names who needs it)."""
    found, value = value_at(sc.model_dump(), param)
    if not found:
        return  # a key not written: the first evaluation reports the path if it is wrong
    if isinstance(value, (bool, str, list, date)) or (isinstance(value, dict) and len(value) != 1):
        kind = (
            "a date" if isinstance(value, date) else
            "text" if isinstance(value, str) else
            "true/false" if isinstance(value, bool) else
            "a list" if isinstance(value, list) else "a mapping"
        )  # fmt: skip
        hint = " (to vary a date, use sweep --values 2026-05-01,2026-06-01)" * isinstance(
            value, date
        )
        raise ValueError(
            f"{command} needs a numeric parameter (days, kg, a count); {param} is {kind}{hint}"
        )


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
    progress: Callable[[int], object] | None = None,
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
    source = read_source(scenario)
    sets = tuple(overrides)
    base = source.build(sets)
    check_numeric(base, param)
    run_seed = base.seed if seed is None else seed
    memo: dict[int, list[Breach]] = {}

    def run_at(value: int) -> Result:
        try:
            sc = source.build((*sets, override(param, value)))
        except ScenarioError as exc:
            raise relabel(exc, len(sets)) from None
        return simulate(sc, seed=run_seed)

    def evaluate(value: int) -> list[Breach]:
        if value not in memo:
            memo[value] = breaches(run_at(value), criterion)
            if progress is not None:
                progress(1)
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
        binds=None if failing is None else _binds(run_at(failing), memo[failing]),
    )


def _binds(result: Result, found: list[Breach]) -> str | None:
    """The sentence of what binds the first reserve breach among ``found``."""
    first = next((b for b in found if b.kind == "reserve"), None)
    if first is None:
        return None
    b = binding(result, first.subject)
    return None if b is None else b.sentence(result)
