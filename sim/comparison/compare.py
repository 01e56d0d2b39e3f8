"""Diff two result sets metric by metric, with tolerances; text table, Markdown and JUnit XML.

A *side* is a run folder (``summary.json``), a sweep folder (``sweep.json``: one run per
parameter combination) or either JSON file. Runs are matched by name, metrics by key.
Numbers pass within ``atol + rtol * |old|``, dates within ``date_days``, anything else
must be equal; a metric whose kind changes (a date became null) always fails.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sim.comparison.report import (
    VERDICTS,
    WHOLE_RUN,
    CompareReport,
    Row,
    count_noun,
    metric_group,
    value_kind,
)
from sim.comparison.tolerances import CompareError, Tolerance, Tolerances, load_tolerances
from sim.scenario.errors import short
from sim.scenario.yamlsource import MAX_RESULT_BYTES, UnreadableFile, read_file

__all__ = [
    "VERDICTS",
    "WHOLE_RUN",
    "CompareError",
    "CompareReport",
    "Row",
    "Side",
    "Tolerance",
    "Tolerances",
    "baseline_of",
    "compare",
    "compare_metrics",
    "compare_sides",
    "load_side",
    "load_tolerances",
    "metric_group",
    "run_row",
    "side_from_json",
]

MAX_NUMBER = 1e300
"""Largest magnitude of an integer metric that is compared (floats are at most ~1.8e308
anyway); a larger one is an unusable input, not a change."""

VOLATILE = ("version", "scenario_file", "scenario_file_sha256", "description", "pads", "ports")
"""Summary fields that a baseline leaves out: they change without the results changing
(the description and the pad and port names are there for the charts' titles and rows)."""

# --------------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class Side:
    """One side of a comparison: runs by name, each a flat metrics dict."""

    source: str
    scenario: str
    runs: dict[str, dict[str, Any]]
    sweep: bool = False
    """True for a sweep (runs named like ``repair_days=120``), False for one run."""


def load_side(path: str | Path) -> Side:
    """Load a run folder, a sweep folder, a ``summary.json`` or a ``sweep.json``."""
    p = Path(path)
    if p.is_dir():
        for name in ("summary.json", "sweep.json"):
            if (p / name).is_file():
                return side_from_json(_read_json(p / name), str(p / name))
        raise CompareError(f"{p}: no summary.json or sweep.json in this folder")
    if not p.exists():
        raise CompareError(f"{p}: no such file or folder")
    return side_from_json(_read_json(p), str(p))


def _read_json(p: Path) -> Any:
    try:
        text = read_file(p, "result file", MAX_RESULT_BYTES)
    except UnreadableFile as exc:
        raise CompareError(f"{exc.path}: {exc.reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompareError(f"{p}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise CompareError(f"{p}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise CompareError(f"{p}: not usable JSON: {str(exc)[:120]}") from None


def side_from_json(data: Any, source: str) -> Side:
    """A side from the parsed content of a ``summary.json`` or a ``sweep.json``."""
    if not isinstance(data, dict):
        raise CompareError(f"{source}: expected a JSON object, got {type(data).__name__}")
    name = data.get("scenario")
    name = name if isinstance(name, str) and name else Path(source).stem
    if "metrics" in data:
        return Side(source, name, {name: _metrics(data["metrics"], source)})
    if "runs" not in data:
        raise CompareError(f"{source}: neither a summary (`metrics`) nor a sweep (`runs`)")
    runs = data["runs"]
    if not isinstance(runs, list):
        raise CompareError(f"{source}: `runs` must be a list")
    order = [p for p in data.get("params") or [] if isinstance(p, str)]
    out: dict[str, dict[str, Any]] = {}
    for i, run in enumerate(runs):
        where = f"{source}: runs[{i}]"
        if not isinstance(run, dict) or not isinstance(run.get("params"), dict):
            raise CompareError(f"{where}: expected an object with `params` and `metrics`")
        label = _run_label(run["params"], order)
        if label in out:
            label = f"{label}, seed={run.get('seed')}"
        if label in out:
            raise CompareError(f"{where}: a second run with the same params ({label})")
        out[label] = _metrics(run.get("metrics"), where)
    return Side(source, name, out, sweep=True)


def _metrics(metrics: Any, where: str) -> dict[str, Any]:
    if not isinstance(metrics, dict):
        raise CompareError(f"{where}: `metrics` must be a JSON object of scalars")
    for key, value in metrics.items():
        if isinstance(value, (dict, list)):
            raise CompareError(f"{where}: metric {short(key)} is not a scalar")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise CompareError(f"{where}: metric {short(key)} is a number too large to compare")
    return metrics


def _run_label(params: dict[str, Any], order: list[str]) -> str:
    paths = [p for p in order if p in params] + sorted(p for p in params if p not in order)
    short = [p.rsplit(".", 1)[-1] for p in paths]
    names = short if len(set(short)) == len(short) else paths
    text = (v if isinstance(v, str) else json.dumps(v) for v in (params[p] for p in paths))
    return ", ".join(f"{n}={t}" for n, t in zip(names, text, strict=True)) or "base"


def baseline_of(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A summary without its volatile fields (package version, file path and file hash)."""
    return {k: v for k, v in summary.items() if k not in VOLATILE}


# ------------------------------------------------------------------------------- compare


def _compare_value(case: str, key: str, a: Any, b: Any, tol: Tolerance) -> Row:
    ka, kb = value_kind(a), value_kind(b)
    if ka != kb:
        return Row(case, key, "type", a, b, f"{ka}→{kb}", rel=math.inf, failed=True)
    if a == b or (ka == "number" and math.isnan(a) and math.isnan(b)):
        return Row(case, key, "same", a, b, ka, 0.0 if ka in ("number", "date") else None)
    if ka == "number":
        d = b - a
        if not math.isfinite(d):
            return Row(case, key, "changed", a, b, ka, rel=math.inf, failed=True)
        ok = tol.allows(a, b)
        rel = abs(d) / abs(a) if a else math.inf
        return Row(case, key, "within" if ok else "changed", a, b, ka, d, rel, not ok)
    if ka == "date":
        days = float((date.fromisoformat(b) - date.fromisoformat(a)).days)
        ok = abs(days) <= tol.date_days
        return Row(case, key, "within" if ok else "changed", a, b, ka, days, math.inf, not ok)
    return Row(case, key, "changed", a, b, ka, rel=math.inf, failed=True)


def compare_metrics(
    case: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    tolerances: Tolerances | None = None,
    *,
    strict_extra: bool = False,
    only: Sequence[str] = (),
) -> CompareReport:
    """Compare two flat metrics dicts of run ``case``; ``only`` keeps keys matching a glob."""
    tols = tolerances or Tolerances()
    report = CompareReport(cases=[case])
    for key in [*old, *(k for k in new if k not in old)]:
        if only and not any(fnmatchcase(key, g) for g in only):
            continue
        tol = tols.for_key(key)
        if tol.ignore:
            report.ignored += 1
        elif key not in new:
            a = old[key]
            report.rows.append(
                Row(case, key, "missing", a, None, value_kind(a), rel=math.inf, failed=True)
            )
        elif key not in old:
            b = new[key]
            extra = Row(
                case, key, "extra", None, b, value_kind(b), rel=math.inf, failed=strict_extra
            )
            report.rows.append(extra)
        else:
            report.rows.append(_compare_value(case, key, old[key], new[key], tol))
    return report


def run_row(case: str, verdict: str, what: str, failed: bool, note: str) -> Row:
    """A row for a run present on one side only (``verdict`` missing or extra); ``what``
    is shown for the side that has it, e.g. ``28 metrics``."""
    old, new = (what, None) if verdict == "missing" else (None, what)
    return Row(case, WHOLE_RUN, verdict, old, new, "run", rel=math.inf, failed=failed, note=note)


def compare_sides(
    old: Side,
    new: Side,
    tolerances: Tolerances | None = None,
    *,
    strict_extra: bool = False,
    only: Sequence[str] = (),
) -> CompareReport:
    """Compare two sides: a run with a run, or a sweep with a sweep run by run."""
    opts: dict[str, Any] = {"strict_extra": strict_extra, "only": only}
    if old.sweep != new.sweep:
        kinds = {True: "a sweep", False: "a run"}
        raise CompareError(
            f"cannot compare {kinds[old.sweep]} ({old.source}) with {kinds[new.sweep]} "
            f"({new.source})"
        )
    if not old.sweep:
        o_name, o_metrics = next(iter(old.runs.items()))
        n_name, n_metrics = next(iter(new.runs.items()))
        case = n_name if o_name == n_name else f"{o_name} → {n_name}"
        return compare_metrics(case, o_metrics, n_metrics, tolerances, **opts)
    parts = []
    for label in [*old.runs, *(k for k in new.runs if k not in old.runs)]:
        case = f"{new.scenario}[{label}]"
        if label in old.runs and label in new.runs:
            o, n = old.runs[label], new.runs[label]
            parts.append(compare_metrics(case, o, n, tolerances, **opts))
            continue
        if label in old.runs:
            what = count_noun(len(old.runs[label]), "metric")
            row = run_row(case, "missing", what, True, "run only in OLD")
        else:
            what = count_noun(len(new.runs[label]), "metric")
            row = run_row(case, "extra", what, strict_extra, "run only in NEW")
        parts.append(CompareReport([row], [case]))
    return CompareReport.combine(parts)


def compare(
    old: str | Path | Side,
    new: str | Path | Side,
    tolerances: Tolerances | None = None,
    *,
    strict_extra: bool = False,
    only: Sequence[str] = (),
) -> CompareReport:
    """Compare two result sets (run or sweep folders, their JSON files, or loaded sides).

    Raises CompareError for unusable input.
    """
    o = old if isinstance(old, Side) else load_side(old)
    n = new if isinstance(new, Side) else load_side(new)
    return compare_sides(o, n, tolerances, strict_extra=strict_extra, only=only)
