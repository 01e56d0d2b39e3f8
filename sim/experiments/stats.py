"""Statistics over replications: 95% confidence half-widths, percentiles of each metric,
and numbers made JSON-safe (rounded; None for inf and NaN)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

__all__ = [
    "Z95",
    "check_quantiles",
    "halfwidth",
    "json_number",
    "json_quantiles",
    "metric_stats",
    "paired_difference_interval",
    "wilson_interval",
]

Z95 = 1.959963984540054
"""Two-sided 95% quantile of the standard normal."""


def halfwidth(v: np.ndarray) -> float:
    """Half-width of the 95% confidence interval of the mean of the finite values of ``v``
    (normal approximation; inf below 2 values)."""
    ok = v[np.isfinite(v)]
    if len(ok) < 2:
        return math.inf
    return float(Z95 * np.std(ok, ddof=1) / math.sqrt(len(ok)))


def check_quantiles(quantiles: Sequence[float]) -> list[float]:
    """``quantiles`` as floats; ValueError unless each is a percentage from 0 to 100."""
    qs = [float(q) for q in quantiles]
    bad = [q for q in qs if not 0 <= q <= 100]
    if bad:
        raise ValueError(f"quantiles are percentages from 0 to 100, got {bad[0]:g}")
    return qs


def metric_stats(v: np.ndarray, kind: str, qs: list[float], epoch: date) -> dict[str, Any]:
    """Count, mean, spread, CI half-width and percentiles ``qs`` of one metric's finite values
    ``v`` (``kind`` ``date``: days since ``epoch``, reported as ISO dates)."""
    ok = v[np.isfinite(v)]
    entry: dict[str, Any] = {"kind": kind, "n": len(ok), "null": int(len(v) - len(ok))}
    if not len(ok):
        return entry
    mean = float(np.mean(ok))
    std = float(np.std(ok, ddof=1)) if len(ok) > 1 else 0.0
    half = halfwidth(ok)
    pct = np.percentile(ok, qs)
    if kind == "date":
        entry["mean"] = _date(mean, epoch)
        entry["std_days"] = json_number(std)
        entry["ci95_halfwidth_days"] = json_number(half)
        entry.update({f"p{q:g}": _date(float(x), epoch) for q, x in zip(qs, pct, strict=True)})
    else:
        entry["mean"] = json_number(mean)
        entry["std"] = json_number(std)
        entry["ci95_halfwidth"] = json_number(half)
        entry.update({f"p{q:g}": json_number(float(x)) for q, x in zip(qs, pct, strict=True)})
    return entry


def _date(day: float, epoch: date) -> str:
    return (epoch + timedelta(days=round(day))).isoformat()


def json_number(x: float) -> float | None:
    """Rounded for JSON; None for a value that is not finite (JSON has no inf or NaN)."""
    return round(x, 6) + 0.0 if math.isfinite(x) else None


def json_quantiles(qs: Sequence[float]) -> list[float | int]:
    """Percentages for JSON: whole ones as int (``5``, not ``5.0``)."""
    return [int(q) if float(q).is_integer() else q for q in qs]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (scipy's binomtest); (nan,
    nan) for no trials. Unlike the normal approximation it stays inside [0, 1] and is not
    empty at 0 or n successes: 0 of 1,000 gives [0, 0.0038]."""
    if n <= 0:
        return math.nan, math.nan
    from scipy.stats import binomtest  # imported only where an interval is computed

    ci = binomtest(int(successes), int(n)).proportion_ci(confidence, method="wilson")
    return float(ci.low), float(ci.high)


def paired_difference_interval(
    a: np.ndarray, b: np.ndarray, confidence: float = 0.95
) -> tuple[float, float]:
    """Interval of P(b) - P(a) for paired 0/1 outcomes (the same replications): Newcombe's
    hybrid score method with its correlation correction (method 10 of Newcombe 1998,
    Statistics in Medicine 17:2635), built on the Wilson intervals of each side. It does
    not collapse to zero width when no replication is discordant, as a Wald interval of
    the 0/1 differences does."""
    x, y = np.asarray(a, bool), np.asarray(b, bool)
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    both, only_a = int(np.sum(x & y)), int(np.sum(x & ~y))
    only_b, neither = int(np.sum(~x & y)), int(n - both - only_a - int(np.sum(~x & y)))
    pa, pb = (both + only_a) / n, (both + only_b) / n
    la, ua = wilson_interval(both + only_a, n, confidence)
    lb, ub = wilson_interval(both + only_b, n, confidence)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    phi = (both * neither - only_a * only_b) / math.sqrt(margins) if margins else 0.0
    lower = math.sqrt(max(0.0, (pb - lb) ** 2 - 2 * phi * (pb - lb) * (ua - pa) + (ua - pa) ** 2))
    upper = math.sqrt(max(0.0, (ub - pb) ** 2 - 2 * phi * (ub - pb) * (pa - la) + (pa - la) ** 2))
    d = pb - pa
    return max(-1.0, d - lower), min(1.0, d + upper)
