"""Uncertain numbers: a plain number or a one-key distribution mapping from YAML.

Every distribution is sampled by inverse CDF from one uniform number ``u`` in (0, 1), so
the same keyed draw gives a larger value for a distribution that is shifted up: runs that
differ only in one input stay paired (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Protocol

from sim.scenario.errors import short

__all__ = [
    "MAX_DAYS",
    "Choice",
    "Dist",
    "Fixed",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "dist_json_schema",
    "draw",
    "parse_dist",
    "quantile_reaching",
]

MAX_DAYS = 36_525.0
"""Longest duration a scenario may state or a distribution may draw, days (100 years):
bounds every number that reaches the engine."""
MAX_SIGMA = 5.0
"""Largest log-space spread of a lognormal."""

_STD_NORMAL = NormalDist()


def _finite(x: Any, what: str) -> float:
    """``x`` as a float within +-MAX_DAYS; ValueError naming ``what`` otherwise."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ValueError(f"{what} must be a number, got {short(x)}")
    try:
        value = float(x)
    except OverflowError:
        raise ValueError(
            f"{what} must be finite and within {MAX_DAYS:,.0f} days, got a number of "
            f"{int(x).bit_length()} bits"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {short(x)}")
    if abs(value) > MAX_DAYS:
        raise ValueError(f"{what} must be within {MAX_DAYS:,.0f} days (100 years), got {value:g}")
    return value


@dataclass(frozen=True)
class Fixed:
    """A known value (days)."""

    value: float

    def sample(self, u: float) -> float:
        return self.value

    def to_yaml(self) -> Any:
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


@dataclass(frozen=True)
class LogNormal:
    """Log-normal with the given median and log-space standard deviation ``sigma``."""

    median: float
    sigma: float

    def sample(self, u: float) -> float:
        return self.median * math.exp(self.sigma * _STD_NORMAL.inv_cdf(u))

    def to_yaml(self) -> Any:
        return {"lognormal": {"median": self.median, "sigma": self.sigma}}


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


class Dist(Protocol):
    """An uncertain number (days): a value drawn from one uniform number ``u`` in (0, 1)
    by inverse CDF, so that a larger ``u`` never gives a smaller value."""

    def sample(self, u: float) -> float:
        """The value at quantile ``u``."""
        ...

    def to_yaml(self) -> Any:
        """The YAML form it was read from (a number or ``{kind: params}``)."""
        ...


@dataclass(frozen=True)
class _Kind:
    """A distribution kind of the YAML syntax ``{name: params}``."""

    syntax: str
    """Its parameters as a user writes them, for error messages."""
    parse: Callable[[Any], tuple[Dist, float]]
    """Parameters to the distribution and its lowest possible value; ValueError if bad."""
    schema: dict[str, Any]
    """JSON Schema of the parameters."""


_NUM = {"type": "number"}
_KINDS: dict[str, _Kind] = {}
"""The registry of kinds, by name, in the order errors and the schema list them."""


def _kind(
    name: str, syntax: str, schema: dict[str, Any]
) -> Callable[[Callable[[Any], tuple[Dist, float]]], Callable[[Any], tuple[Dist, float]]]:
    """Register the decorated parser as the kind ``name``."""

    def register(
        parse: Callable[[Any], tuple[Dist, float]],
    ) -> Callable[[Any], tuple[Dist, float]]:
        _KINDS[name] = _Kind(syntax, parse, schema)
        return parse

    return register


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _array(n: int) -> dict[str, Any]:
    return {"type": "array", "items": _NUM, "minItems": n, "maxItems": n}


def _numbers(raw: Any, n: int, kind: str) -> list[float]:
    if not isinstance(raw, list) or len(raw) != n:
        raise ValueError(f"{kind} takes {_KINDS[kind].syntax}, got {short(raw)}")
    return [_finite(x, f"{kind} parameter") for x in raw]


def _params(raw: Any, kind: str, required: set[str], optional: set[str]) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{kind} takes {_KINDS[kind].syntax}, got {short(raw)}")
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
        raise ValueError(f"{kind} takes {_KINDS[kind].syntax}: {detail}")
    return {k: _finite(v, f"{kind}.{k}") for k, v in raw.items()}


@_kind("triangular", "[low, mode, high]", _array(3))
def _triangular(params: Any) -> tuple[Dist, float]:
    a, c, b = _numbers(params, 3, "triangular")
    if not a <= c <= b:
        raise ValueError(f"triangular needs low <= mode <= high, got [{a:g}, {c:g}, {b:g}]")
    return Triangular(a, c, b), a


@_kind("uniform", "[low, high]", _array(2))
def _uniform(params: Any) -> tuple[Dist, float]:
    a, b = _numbers(params, 2, "uniform")
    if a > b:
        raise ValueError(f"uniform needs low <= high, got [{a:g}, {b:g}]")
    return Uniform(a, b), a


@_kind(
    "lognormal", "{median: M, sigma: S}", _obj({"median": _NUM, "sigma": _NUM}, ["median", "sigma"])
)
def _lognormal(params: Any) -> tuple[Dist, float]:
    p = _params(params, "lognormal", {"median", "sigma"}, set())
    if p["median"] <= 0 or not 0 <= p["sigma"] <= MAX_SIGMA:
        raise ValueError(f"lognormal needs median > 0 and sigma >= 0 (at most {MAX_SIGMA:g})")
    return LogNormal(p["median"], p["sigma"]), 0.0


@_kind(
    "normal",
    "{mean: M, sd: S, min: A, max: B}",
    _obj({"mean": _NUM, "sd": _NUM, "min": _NUM, "max": _NUM}, ["mean", "sd"]),
)
def _normal(params: Any) -> tuple[Dist, float]:
    p = _params(params, "normal", {"mean", "sd"}, {"min", "max"})
    lo, hi = p.get("min", -math.inf), p.get("max", math.inf)
    if p["sd"] < 0 or lo > hi:
        raise ValueError("normal needs sd >= 0 and min <= max")
    return Normal(p["mean"], p["sd"], lo, hi), lo


@_kind(
    "choice",
    "[v1, v2, ...] or {values: [...], weights: [...]}",
    {
        "anyOf": [
            {"type": "array", "items": _NUM, "minItems": 1},
            _obj(
                {
                    "values": {"type": "array", "items": _NUM},
                    "weights": {"type": "array", "items": _NUM},
                },
                ["values"],
            ),
        ]
    },
)
def _choice(params: Any) -> tuple[Dist, float]:
    if isinstance(params, Mapping):
        if set(params) - {"values", "weights"} or "values" not in params:
            raise ValueError(f"choice takes {_KINDS['choice'].syntax}, got {short(params)}")
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
    return Choice(tuple(vals), tuple(ws)), min(vals)


_CLASSES = (Fixed, Uniform, Triangular, LogNormal, Normal, Choice)


def parse_dist(raw: Any, *, nonneg: bool = True) -> Dist:
    """Parse a number or ``{kind: params}`` into a distribution; raise ValueError if bad.

    With ``nonneg`` (durations in days) every possible value must be >= 0.
    """
    if isinstance(raw, _CLASSES):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = _finite(raw, "value")
        if nonneg and value < 0:
            raise ValueError(f"must be >= 0 days, got {value:g}")
        return Fixed(value)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ValueError(
            "expected a number or a one-key distribution mapping: "
            + ", ".join(f"{{{k}: {v.syntax}}}" for k, v in _KINDS.items())
            + f"; got {short(raw)}"
        )
    ((name, params),) = raw.items()
    kind = _KINDS.get(name)
    if kind is None:
        raise ValueError(f"unknown distribution {short(name)}; expected one of {', '.join(_KINDS)}")
    dist, low = kind.parse(params)
    if nonneg and low < 0:
        if name == "normal":
            raise ValueError("normal for a duration needs min >= 0 (it is truncated there)")
        raise ValueError(f"{name} for a duration must not go below 0 days")
    return dist


_U_LOW = 0.5 * 2.0**-53
"""The smallest uniform number a keyed stream gives (see sim.engine.rng)."""
_U_HIGH = 1.0 - 2.0**-53
"""The largest uniform number below 1."""


def draw(dist: Dist, u: float, at_least: float | None = None) -> float:
    """A value of ``dist`` at quantile ``u``, capped at MAX_DAYS (a lognormal's far tail
    could otherwise reach any size).

    With ``at_least`` (days), a value conditional on being at least that: the draw at
    quantile ``u0 + u (1 - u0)``, where ``u0`` = :func:`quantile_reaching`. It is the plain
    draw when every value reaches ``at_least`` (so the draw stays paired with the plain
    one); a fixed value is returned as it is, and a distribution that cannot reach
    ``at_least`` gives its largest value."""
    if at_least is not None and not isinstance(dist, Fixed):
        u0 = quantile_reaching(dist, at_least)
        if u0 > 0.0:
            value = _capped(dist.sample(min(u0 + u * (1.0 - u0), _U_HIGH)))
            return value if u0 == 1.0 else max(value, at_least)
    return _capped(dist.sample(u))


def _capped(value: float) -> float:
    return value if value <= MAX_DAYS else MAX_DAYS


def quantile_reaching(dist: Dist, low: float) -> float:
    """The quantile ``u0`` from which ``dist`` draws at least ``low`` (days): 0 when every
    draw does, 1 when none can; else found by bisection to the float's resolution (a draw
    never decreases with its quantile)."""
    if dist.sample(_U_LOW) >= low:
        return 0.0
    if dist.sample(_U_HIGH) < low:
        return 1.0
    lo, hi = _U_LOW, _U_HIGH  # sample(lo) < low <= sample(hi)
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            return hi
        if dist.sample(mid) >= low:
            hi = mid
        else:
            lo = mid


def dist_json_schema() -> dict[str, Any]:
    """JSON Schema of an uncertain non-negative number (days)."""
    return {
        "description": "days: a number or a distribution",
        "oneOf": [
            {"type": "number", "minimum": 0, "maximum": MAX_DAYS},
            *(_obj({name: kind.schema}, [name]) for name, kind in _KINDS.items()),
        ],
    }
