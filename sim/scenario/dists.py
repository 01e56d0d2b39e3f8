"""Uncertain numbers: a plain number or a one-key distribution mapping from YAML.

Every distribution is sampled by inverse CDF from one uniform number ``u`` in (0, 1), so
the same keyed draw gives a larger value for a distribution that is shifted up: runs that
differ only in one input stay paired (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

__all__ = [
    "Choice",
    "Dist",
    "Fixed",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "dist_json_schema",
    "parse_dist",
]

_STD_NORMAL = NormalDist()


def _finite(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ValueError(f"{what} must be a number, got {x!r}")
    try:
        value = float(x)
    except OverflowError:
        raise ValueError(f"{what} must be finite, got a {len(str(x))}-digit number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return value


@dataclass(frozen=True)
class Fixed:
    """A known value (days)."""

    value: float

    def sample(self, u: float) -> float:
        return self.value

    def to_yaml(self) -> Any:
        return self.value

    @property
    def mean(self) -> float:
        return self.value


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high]."""

    low: float
    high: float

    def sample(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    def to_yaml(self) -> Any:
        return {"uniform": [self.low, self.high]}

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Triangular:
    """Triangular on [low, high] with its peak at ``mode``."""

    low: float
    mode: float
    high: float

    def sample(self, u: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return a
        cut = (c - a) / (b - a)
        if u < cut:
            return a + math.sqrt(u * (b - a) * (c - a))
        return b - math.sqrt((1 - u) * (b - a) * (b - c))

    def to_yaml(self) -> Any:
        return {"triangular": [self.low, self.mode, self.high]}

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


@dataclass(frozen=True)
class LogNormal:
    """Log-normal with the given median and log-space standard deviation ``sigma``."""

    median: float
    sigma: float

    def sample(self, u: float) -> float:
        return self.median * math.exp(self.sigma * _STD_NORMAL.inv_cdf(u))

    def to_yaml(self) -> Any:
        return {"lognormal": {"median": self.median, "sigma": self.sigma}}

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


@dataclass(frozen=True)
class Normal:
    """Normal(mean, sd) truncated to [min, max] (sampled inside the bounds, not clipped)."""

    mu: float
    sd: float
    low: float = -math.inf
    high: float = math.inf

    def sample(self, u: float) -> float:
        if self.sd == 0:
            return min(max(self.mu, self.low), self.high)
        dist = NormalDist(self.mu, self.sd)
        lo = dist.cdf(self.low) if math.isfinite(self.low) else 0.0
        hi = dist.cdf(self.high) if math.isfinite(self.high) else 1.0
        p = min(max(lo + u * (hi - lo), 1e-12), 1 - 1e-12)
        return min(max(dist.inv_cdf(p), self.low), self.high)

    def to_yaml(self) -> Any:
        out: dict[str, float] = {"mean": self.mu, "sd": self.sd}
        if math.isfinite(self.low):
            out["min"] = self.low
        if math.isfinite(self.high):
            out["max"] = self.high
        return {"normal": out}

    @property
    def mean(self) -> float:
        return self.mu


@dataclass(frozen=True)
class Choice:
    """One of ``values`` with the given ``weights`` (equal when not given)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def sample(self, u: float) -> float:
        total = sum(self.weights)
        acc = 0.0
        for value, weight in zip(self.values, self.weights, strict=True):
            acc += weight / total
            if u < acc:
                return value
        return self.values[-1]

    def to_yaml(self) -> Any:
        return {"choice": {"values": list(self.values), "weights": list(self.weights)}}

    @property
    def mean(self) -> float:
        return sum(v * w for v, w in zip(self.values, self.weights, strict=True)) / sum(
            self.weights
        )


Dist = Fixed | Uniform | Triangular | LogNormal | Normal | Choice

_KINDS = {
    "triangular": "[low, mode, high]",
    "uniform": "[low, high]",
    "lognormal": "{median: M, sigma: S}",
    "normal": "{mean: M, sd: S, min: A, max: B}",
    "choice": "[v1, v2, ...] or {values: [...], weights: [...]}",
}


def _numbers(raw: Any, n: int, kind: str) -> list[float]:
    if not isinstance(raw, list) or len(raw) != n:
        raise ValueError(f"{kind} takes {_KINDS[kind]}, got {raw!r}")
    return [_finite(x, f"{kind} parameter") for x in raw]


def _params(raw: Any, kind: str, required: set[str], optional: set[str]) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{kind} takes {_KINDS[kind]}, got {raw!r}")
    unknown = set(raw) - required - optional
    missing = required - set(raw)
    if unknown or missing:
        detail = "; ".join(
            s
            for s in (
                f"unknown {sorted(map(str, unknown))}" if unknown else "",
                f"missing {sorted(missing)}" if missing else "",
            )
            if s
        )
        raise ValueError(f"{kind} takes {_KINDS[kind]}: {detail}")
    return {k: _finite(v, f"{kind}.{k}") for k, v in raw.items()}


def parse_dist(raw: Any, *, nonneg: bool = True) -> Dist:
    """Parse a number or ``{kind: params}`` into a distribution; raise ValueError if bad.

    With ``nonneg`` (durations in days) every possible value must be >= 0.
    """
    if isinstance(raw, (Fixed, Uniform, Triangular, LogNormal, Normal, Choice)):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = _finite(raw, "value")
        if nonneg and value < 0:
            raise ValueError(f"must be >= 0 days, got {value:g}")
        return Fixed(value)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ValueError(
            "expected a number or a one-key distribution mapping: "
            + ", ".join(f"{{{k}: {v}}}" for k, v in _KINDS.items())
            + f"; got {raw!r}"
        )
    ((kind, params),) = raw.items()
    dist: Dist
    if kind == "triangular":
        a, c, b = _numbers(params, 3, kind)
        if not a <= c <= b:
            raise ValueError(f"triangular needs low <= mode <= high, got [{a:g}, {c:g}, {b:g}]")
        dist, low = Triangular(a, c, b), a
    elif kind == "uniform":
        a, b = _numbers(params, 2, kind)
        if a > b:
            raise ValueError(f"uniform needs low <= high, got [{a:g}, {b:g}]")
        dist, low = Uniform(a, b), a
    elif kind == "lognormal":
        p = _params(params, kind, {"median", "sigma"}, set())
        if p["median"] <= 0 or p["sigma"] < 0:
            raise ValueError("lognormal needs median > 0 and sigma >= 0")
        dist, low = LogNormal(p["median"], p["sigma"]), 0.0
    elif kind == "normal":
        p = _params(params, kind, {"mean", "sd"}, {"min", "max"})
        lo, hi = p.get("min", -math.inf), p.get("max", math.inf)
        if p["sd"] < 0 or lo > hi:
            raise ValueError("normal needs sd >= 0 and min <= max")
        if nonneg and lo < 0:
            raise ValueError("normal for a duration needs min >= 0 (it is truncated there)")
        dist, low = Normal(p["mean"], p["sd"], lo, hi), lo
    elif kind == "choice":
        if isinstance(params, Mapping):
            if set(params) - {"values", "weights"} or "values" not in params:
                raise ValueError(f"choice takes {_KINDS[kind]}, got {params!r}")
            values = params["values"]
            weights = params.get("weights")
        else:
            values, weights = params, None
        if not isinstance(values, list) or not values:
            raise ValueError("choice needs a non-empty list of values")
        vals = [_finite(v, "choice value") for v in values]
        if weights is None:
            ws = [1.0] * len(vals)
        else:
            if not isinstance(weights, list) or len(weights) != len(vals):
                raise ValueError("choice weights must be a list as long as values")
            ws = [_finite(w, "choice weight") for w in weights]
            if any(w < 0 for w in ws) or sum(ws) <= 0:
                raise ValueError("choice weights must be >= 0 and not all 0")
        dist, low = Choice(tuple(vals), tuple(ws)), min(vals)
    else:
        raise ValueError(f"unknown distribution {kind!r}; expected one of {', '.join(_KINDS)}")
    if nonneg and low < 0:
        raise ValueError(f"{kind} for a duration must not go below 0 days")
    return dist


def dist_json_schema() -> dict[str, Any]:
    """JSON Schema of an uncertain non-negative number (days)."""
    num = {"type": "number"}
    return {
        "description": "days: a number or a distribution",
        "oneOf": [
            {"type": "number", "minimum": 0},
            _one("triangular", {"type": "array", "items": num, "minItems": 3, "maxItems": 3}),
            _one("uniform", {"type": "array", "items": num, "minItems": 2, "maxItems": 2}),
            _one("lognormal", _obj({"median": num, "sigma": num}, ["median", "sigma"])),
            _one(
                "normal",
                _obj({"mean": num, "sd": num, "min": num, "max": num}, ["mean", "sd"]),
            ),
            _one(
                "choice",
                {
                    "anyOf": [
                        {"type": "array", "items": num, "minItems": 1},
                        _obj(
                            {
                                "values": {"type": "array", "items": num},
                                "weights": {"type": "array", "items": num},
                            },
                            ["values"],
                        ),
                    ]
                },
            ),
        ],
    }


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _one(kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    return _obj({kind: schema}, [kind])
