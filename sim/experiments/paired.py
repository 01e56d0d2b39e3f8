"""Paired comparison of two Monte Carlo ensembles run with the same replication seeds: B - A
replication by replication (common random numbers), with 95% confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiments.stats import check_quantiles, halfwidth, json_number, json_quantiles

if TYPE_CHECKING:
    from sim.experiments.montecarlo import MonteCarloResult

__all__ = ["PairedResult", "paired"]


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
            d = pb[k].astype(float) - pa[k].astype(float)
            mean, half = float(np.mean(d)) if len(d) else math.nan, halfwidth(d)
            probs[k] = {
                "a": json_number(float(np.mean(pa[k]))) if len(d) else None,
                "b": json_number(float(np.mean(pb[k]))) if len(d) else None,
                "difference": json_number(mean),
                "ci95": [json_number(mean - half), json_number(mean + half)],
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
    if a.seeds != b.seeds:
        raise ValueError("paired ensembles need the same replication seeds (same seed and n)")
    return PairedResult(a, b)
