"""Paired comparison of Monte Carlo ensembles run with the same replication seeds: B - A
replication by replication (common random numbers), with 95% confidence intervals; the
scenarios of a paired comparison (several files, or one file at every point of a
``--param`` grid) and its result folder (``paired.json``, one sub-folder per scenario)."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.montecarlo import MonteCarloResult
from sim.experiments.stats import (
    check_quantiles,
    halfwidth,
    json_number,
    json_quantiles,
    paired_difference_interval,
    wilson_interval,
)
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import read_source
from sim.scenario.model import Scenario
from sim.scenario.specs import Value, override, relabel, value_text

__all__ = [
    "PairedResult",
    "folder_name",
    "grid_scenarios",
    "labelled",
    "paired",
    "write_paired",
]


@dataclass
class PairedResult:
    """B - A, replication by replication, for two ensembles run with the same seeds."""

    a: MonteCarloResult
    b: MonteCarloResult

    def difference(self, key: str) -> np.ndarray:
        """B - A of metric or probability ``key`` per replication (dates: days; NaN where
        either has no value)."""
        d: np.ndarray = self.b.values(key) - self.a.values(key)
        return d

    def keys(self) -> list[str]:
        """Numeric and date metrics both ensembles have."""
        return [
            k
            for k in self.a.keys
            if self.a.kinds[k] in ("number", "date") and self.b.kinds.get(k, "text") != "text"
        ]

    def ci_width(self, key: str) -> float:
        """Full width of the 95% confidence interval of the mean difference of ``key``."""
        return 2 * halfwidth(self.difference(key))

    def summary(self, quantiles: Sequence[float] = (5, 50, 95)) -> dict[str, Any]:
        """Per probability and per metric: the mean of B - A with its 95% confidence
        interval, and the distribution of B - A (``paired.json``)."""
        qs = check_quantiles(quantiles)
        pa, pb = self.a.indicators(), self.b.indicators()
        probs = {}
        for k in pa:
            n = len(pa[k])
            d = pb[k].astype(float) - pa[k].astype(float)
            mean = float(np.mean(d)) if n else math.nan
            lo, hi = paired_difference_interval(pa[k], pb[k])
            a_lo, a_hi = wilson_interval(int(np.sum(pa[k])), n)
            b_lo, b_hi = wilson_interval(int(np.sum(pb[k])), n)
            probs[k] = {
                "a": json_number(float(np.mean(pa[k]))) if n else None,
                "a_ci95": [json_number(a_lo), json_number(a_hi)],
                "b": json_number(float(np.mean(pb[k]))) if n else None,
                "b_ci95": [json_number(b_lo), json_number(b_hi)],
                "difference": json_number(mean),
                "ci95": [json_number(lo), json_number(hi)],
                "ci95_method": "Newcombe hybrid score, paired (1998, method 10)",
            }
        metrics = {}
        for k in self.keys():
            d = self.difference(k)
            ok = d[np.isfinite(d)]
            if not len(ok):
                continue
            mean, half = float(np.mean(ok)), halfwidth(ok)
            entry: dict[str, Any] = {
                "unit": "days" if self.a.kinds[k] == "date" else "as the metric",
                "n": len(ok),
                "mean": json_number(mean),
                "std": json_number(float(np.std(ok, ddof=1))) if len(ok) > 1 else 0.0,
                "ci95": [json_number(mean - half), json_number(mean + half)],
            }
            pct = np.percentile(ok, qs)
            entry.update({f"p{q:g}": json_number(float(x)) for q, x in zip(qs, pct, strict=True)})
            entry["p_b_greater"] = json_number(float(np.mean(ok > 0)))
            entry["p_b_less"] = json_number(float(np.mean(ok < 0)))
            metrics[k] = entry
        return {
            "a": self.a.scenario.name,
            "b": self.b.scenario.name,
            "seed": self.a.seed,
            "replications": self.a.n,
            "quantiles": json_quantiles(qs),
            "probabilities": probs,
            "difference_b_minus_a": metrics,
        }


def paired(a: MonteCarloResult, b: MonteCarloResult) -> PairedResult:
    """Pair two ensembles replication by replication; they must share their seeds
    (run both with the same ``seed=`` and number of replications)."""
    if (a.seed, a.start, a.n) != (b.seed, b.start, b.n):  # the same replication seeds
        raise ValueError("paired ensembles need the same replication seeds (same seed and n)")
    return PairedResult(a, b)


# -- the scenarios of a paired comparison and its folder -------------------------------------
def labelled(scenarios: Sequence[Scenario]) -> list[tuple[str, Scenario]]:
    """Each scenario with a unique label: its name, ``name-2`` for a second of that name."""
    seen: dict[str, int] = {}
    out = []
    for sc in scenarios:
        seen[sc.name] = seen.get(sc.name, 0) + 1
        out.append((sc.name if seen[sc.name] == 1 else f"{sc.name}-{seen[sc.name]}", sc))
    return out


def grid_scenarios(
    path: str | Path,
    grid: Sequence[tuple[str, Sequence[Value]]],
    overrides: Sequence[str] = (),
) -> list[tuple[str, Scenario]]:
    """The scenario file ``path`` at every point of the full grid of ``(PATH, values)``
    (the first point is the reference A), each labelled ``name=value,...`` by the last part
    of its paths. ValueError for fewer than two points; ScenarioError located at
    ``--param:N`` for a bad path or value."""
    points = list(itertools.product(*([(p, v) for v in values] for p, values in grid)))
    if len(points) < 2:
        raise ValueError("a paired sweep needs at least two values")
    source = read_source(path)
    out = []
    for point in points:
        sets = [override(p, v) for p, v in point]
        try:
            sc = source.build([*overrides, *sets])
        except ScenarioError as exc:
            raise relabel(exc, len(overrides)) from None
        out.append((",".join(f"{p.rsplit('.', 1)[-1]}={value_text(v)}" for p, v in point), sc))
    return out


def folder_name(label: str) -> str:
    """A label made safe as a folder name (other characters become ``_``)."""
    return re.sub(r"[^A-Za-z0-9._=,+-]", "_", label)


def write_paired(
    folder: Path,
    labels: Sequence[str],
    results: Sequence[MonteCarloResult],
    summaries: Sequence[dict[str, Any]],
    quantiles: Sequence[float] = (5, 50, 95),
    precision: dict[str, Any] | None = None,
    extra: Callable[[MonteCarloResult, Path], object] | None = None,
) -> None:
    """Write a paired comparison into the existing ``folder``: one sub-folder per scenario
    (its ensemble's files, plus ``extra(result, sub_folder)``, e.g. a chart) and
    ``paired.json`` with ``summaries``, the :meth:`PairedResult.summary` of every scenario
    against the first (and the ``until_ci`` entry ``precision``, if given)."""
    for label, result in zip(labels, results, strict=True):
        sub = folder / folder_name(label)
        sub.mkdir()
        result.write_files(sub, quantiles)
        if extra is not None:
            extra(result, sub)
    data: dict[str, Any] = {
        "reference": labels[0],
        "seed": results[0].seed,
        "replications": results[0].n,
        "scenarios": {
            x: {"name": r.scenario.name, "folder": folder_name(x)}
            for x, r in zip(labels, results, strict=True)
        },
        "comparisons": [
            {**summary, "a": labels[0], "b": label}
            for label, summary in zip(labels[1:], summaries, strict=True)
        ],
    }
    if precision is not None:
        data["until_ci"] = precision
    text = json.dumps(data, indent=2, allow_nan=False)
    (folder / "paired.json").write_text(text + "\n", encoding="utf-8")
