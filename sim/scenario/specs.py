"""Parameter values given on the command line: reading a SPEC (``30,60,90`` or
``START:STOP:STEP``) and writing values back as YAML text for ``PATH=VALUE`` overrides."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date

import yaml

from sim.scenario.errors import Mark, Problem, ScenarioError

__all__ = [
    "MAX_POINTS",
    "Value",
    "override",
    "parse_values",
    "relabel",
    "run_key",
    "value_text",
]

Value = int | float | str | bool | date | None
"""One value of a swept parameter (a YAML scalar)."""

MAX_POINTS = 100_000
"""Largest number of values one SPEC may expand to."""

_RANGE = re.compile(r"[-+.\deE_\s]*:[-+.\deE_\s:]*")
_DATETIME = re.compile(r"\s*\d{4}-\d\d-\d\d[Tt ]")


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


def run_key(point: Mapping[str, Value]) -> str:
    """The canonical key of one sweep point: ``sweep/PATH=VALUE;...`` over sorted paths."""
    return "sweep/" + ";".join(f"{p}={value_text(point[p])}" for p in sorted(point))


def override(path: str, value: Value) -> str:
    """The ``--set`` text ``PATH=VALUE`` that sets ``path`` to ``value``."""
    return f"{path}={value_text(value)}"


def relabel(exc: ScenarioError, n_sets: int) -> ScenarioError:
    """Report problems of the parameter overrides at ``--param:N:COL`` instead of ``--set``.

    The overrides of the swept parameters follow the ``n_sets`` ``--set`` ones."""
    problems = []
    for p in exc.problems:
        if p.mark.file == "--set" and p.mark.line > n_sets:
            p = Problem(Mark("--param", p.mark.line - n_sets, p.mark.col), p.path, p.message)
        problems.append(p)
    return ScenarioError(problems)
