"""Precision on demand: add replications until a confidence interval is narrow enough
(``iss-sim montecarlo --until-ci METRIC=WIDTH``)."""

from __future__ import annotations

from collections.abc import Sequence

from sim.experiments.executors import Executor
from sim.experiments.montecarlo import MonteCarloResult, Progress, extend, montecarlo
from sim.experiments.paired import paired
from sim.scenario.model import Scenario

__all__ = ["ci_width", "until_ci"]


def ci_width(results: Sequence[MonteCarloResult], key: str) -> float:
    """Full width of the 95% CI of the mean of ``key`` for one ensemble; for several, the
    widest CI of the mean paired difference against the first."""
    if len(results) == 1:
        return 2 * results[0].cihalfwidth(key)
    return max(paired(results[0], r).ci_width(key) for r in results[1:])


def until_ci(
    scenarios: Sequence[Scenario],
    key: str,
    width: float,
    *,
    first: int = 500,
    batch: int = 500,
    max_n: int = 20_000,
    executor: Executor | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> tuple[list[MonteCarloResult], bool]:
    """Run ``first`` replications of every scenario (paired, with one ensemble seed), then
    ``batch`` more at a time until :func:`ci_width` of ``key`` is below ``width`` or
    ``max_n`` replications ran. Returns the ensembles and whether the width was reached."""
    if not scenarios:
        raise ValueError("no scenario")
    base = scenarios[0].seed if seed is None else seed
    n = max(1, min(first, max_n))
    results = [montecarlo(s, n, executor, seed=base, progress=progress) for s in scenarios]
    while not ci_width(results, key) < width and results[0].n < max_n:
        more = min(batch, max_n - results[0].n)
        results = [extend(r, more, executor, progress, in_place=True) for r in results]
    return results, ci_width(results, key) < width
