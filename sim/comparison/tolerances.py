"""Tolerances for comparing results: a default plus per-metric globs, from a YAML file."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sim.scenario.errors import ScenarioError, did_you_mean
from sim.scenario.yamlsource import LDict, UnreadableFile, parse_yaml, read_file

__all__ = ["CompareError", "Tolerance", "Tolerances", "load_tolerances"]


class CompareError(Exception):
    """An unusable input (folder, JSON file or tolerance file); the message is one line."""


# ---------------------------------------------------------------------------- tolerances


@dataclass(frozen=True)
class Tolerance:
    """How far one metric may move and still pass."""

    rtol: float = 1e-9
    """relative to |old| (1e-3 = 0.1 %)"""
    atol: float = 1e-9
    """absolute, in the metric's own unit (days, kg, count)"""
    date_days: float = 0.0
    """days an ISO date may move"""
    ignore: bool = False
    """skip the metric altogether"""

    def allows(self, old: float, new: float) -> bool:
        """Whether ``new`` is within tolerance of ``old``."""
        return abs(new - old) <= self.atol + self.rtol * abs(old)


@dataclass(frozen=True)
class Tolerances:
    """A default tolerance and per-metric overrides by glob; the first matching glob wins."""

    default: Tolerance = Tolerance()
    rules: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    """(fnmatch glob on the metric key, the Tolerance fields it sets); unset fields
    come from ``default``."""

    def for_key(self, key: str) -> Tolerance:
        """The tolerance of metric ``key``."""
        for glob, fields in self.rules:
            if fnmatchcase(key, glob):
                return replace(self.default, **fields)
        return self.default

    def with_default(self, **fields: float | None) -> Tolerances:
        """A copy whose default takes every field given (``None`` keeps the current one)."""
        given: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
        return replace(self, default=replace(self.default, **given))


_TOL_FIELDS = ("rtol", "atol", "date_days")


def load_tolerances(path: str | Path) -> Tolerances:
    """Read a YAML tolerance file::

        default: {rtol: 1e-6, atol: 1e-6, date_days: 0}
        metrics:
          "flight.*.launch_date": {date_days: 3}
          "*.consumed_kg": {rtol: 0.01}
          "crew.max_stay_days": {ignore: true}

    Raises CompareError naming the file, line, column and key of the first problem.
    """
    p = Path(path)
    try:
        text = read_file(p, "tolerance file")
    except UnreadableFile as exc:
        raise CompareError(f"{exc.path}: {exc.reason}") from None
    try:
        data = parse_yaml(text, str(p))
    except ScenarioError as exc:
        raise CompareError(str(exc).splitlines()[0]) from None
    if data is None:
        return Tolerances()
    if not isinstance(data, LDict):
        raise CompareError(f"{p}:1:1: a tolerance file is a mapping with `default` and `metrics`")
    _known_keys(data, ("default", "metrics"), "")
    default = Tolerance(**_tol_fields(data, "default", _TOL_FIELDS))
    rules: list[tuple[str, Mapping[str, Any]]] = []
    metrics = data.get("metrics")
    if metrics is not None:
        if not isinstance(metrics, LDict):
            _fail(data, "metrics", "expected a mapping of metric globs to tolerances")
        for glob in metrics:
            if not isinstance(glob, str) or not glob:
                _fail(metrics, glob, "a metric glob must be a non-empty string")
            rules.append((glob, _tol_fields(metrics, glob, (*_TOL_FIELDS, "ignore"))))
    return Tolerances(default, tuple(rules))


def _fail(node: LDict, key: Any, message: str, where: str = "") -> None:
    path = f"{where}.{key}" if where else str(key)
    raise CompareError(f"{node.key_marks.get(key, node.mark)}: {path}: {message}")


def _known_keys(node: LDict, allowed: Sequence[str], where: str) -> None:
    for key in node:
        if key not in allowed:
            hint = did_you_mean(key, allowed)
            _fail(node, key, f"unknown key{hint} (allowed: {', '.join(allowed)})", where)


def _tol_fields(parent: LDict, key: str, allowed: Sequence[str]) -> dict[str, Any]:
    node = parent.get(key)
    if node is None:
        return {}
    if not isinstance(node, LDict):
        _fail(parent, key, f"expected a mapping with some of: {', '.join(allowed)}")
    where = f"metrics.{key}" if "ignore" in allowed else key
    _known_keys(node, allowed, where)
    fields: dict[str, Any] = {}
    for name, value in node.items():
        if name == "ignore":
            if not isinstance(value, bool):
                _fail(node, name, "expected true or false", where)
            fields[name] = value
            continue
        number = _number(value)
        if number is None or not (math.isfinite(number) and number >= 0):
            _fail(node, name, f"expected a finite number >= 0, got {value!r}", where)
        fields[name] = number
    return fields


def _number(value: Any) -> float | None:
    # YAML 1.1 reads 1e-3 (no dot) as a string; accept it as the number it means.
    if isinstance(value, bool):
        return None
    try:
        return float(value) if isinstance(value, (int, float, str)) else None
    except ValueError:
        return None
