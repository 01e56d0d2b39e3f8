"""Diff two result sets metric by metric, with tolerances; text table, Markdown and JUnit XML.

A *side* is a run folder (``summary.json``), a sweep folder (``sweep.json``: one run per
parameter combination) or either JSON file. Runs are matched by name, metrics by key.
Numbers pass within ``atol + rtol * |old|``, dates within ``date_days``, anything else
must be equal; a metric whose kind changes (a date became null) always fails.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.yamlsource import LDict, parse_yaml

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

VERDICTS = ("same", "within", "changed", "type", "missing", "extra")
"""same; within (changed inside tolerance); changed (beyond); type (kind changed);
missing (in OLD only); extra (in NEW only)."""
WHOLE_RUN = "(run)"
"""The key of a row that stands for a whole run present on one side only."""
VOLATILE = ("version", "scenario_file", "scenario_file_sha256")
"""Summary fields that a baseline leaves out: they change without the results changing."""
_INF = math.inf
_RANK = {"changed": 0, "type": 0, "missing": 0, "within": 1, "extra": 2, "same": 3}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARK = {"within": "≈", "extra": "+", "missing": "−", "same": "="}


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
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CompareError(f"{p}: tolerance file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CompareError(f"{p}: cannot read the tolerance file: {exc}") from None
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
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
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
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CompareError(f"{p}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompareError(f"{p}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise CompareError(f"{p}: not valid JSON: nested too deeply") from None


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
            raise CompareError(f"{where}: metric {key!r} is not a scalar")
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


def metric_group(key: str) -> str:
    """The group of a metric: ``pad.X`` and ``flight.X`` per item, else the first segment."""
    if key.startswith(("pad.", "flight.")) and key.count(".") >= 2:
        return key.rsplit(".", 1)[0]
    return key.split(".", 1)[0]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        if _DATE.fullmatch(value):
            try:
                date.fromisoformat(value)
                return "date"
            except ValueError:
                pass
        return "string"
    return "other"


@dataclass(frozen=True)
class Row:
    """One metric of one run, compared."""

    case: str
    """the run: scenario name, or ``scenario[param=value]`` for a sweep run"""
    key: str
    verdict: str
    """one of VERDICTS"""
    old: Any = None
    new: Any = None
    kind: str = "null"
    """number, date, string, null, bool or other; ``old→new`` for a ``type`` row;
    ``run`` for a WHOLE_RUN row"""
    delta: float | None = None
    """new − old: in the metric's unit for numbers, in days for dates"""
    rel: float = 0.0
    """|delta| / |old| for numbers; inf for a change without a scale"""
    failed: bool = False
    """whether this row makes the comparison fail"""
    note: str = ""
    """an explanation shown instead of the delta (a run on one side only)"""

    @property
    def group(self) -> str:
        """The JUnit test case this row belongs to."""
        return WHOLE_RUN if self.key == WHOLE_RUN else metric_group(self.key)


def _compare_value(case: str, key: str, a: Any, b: Any, tol: Tolerance) -> Row:
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return Row(case, key, "type", a, b, f"{ka}→{kb}", rel=_INF, failed=True)
    if a == b or (ka == "number" and math.isnan(a) and math.isnan(b)):
        return Row(case, key, "same", a, b, ka, 0.0 if ka in ("number", "date") else None)
    if ka == "number":
        d = b - a
        if not math.isfinite(d):
            return Row(case, key, "changed", a, b, ka, rel=_INF, failed=True)
        ok = tol.allows(a, b)
        rel = abs(d) / abs(a) if a else _INF
        return Row(case, key, "within" if ok else "changed", a, b, ka, d, rel, not ok)
    if ka == "date":
        days = float((date.fromisoformat(b) - date.fromisoformat(a)).days)
        ok = abs(days) <= tol.date_days
        return Row(case, key, "within" if ok else "changed", a, b, ka, days, _INF, not ok)
    return Row(case, key, "changed", a, b, ka, rel=_INF, failed=True)


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
            report.rows.append(Row(case, key, "missing", a, None, _kind(a), rel=_INF, failed=True))
        elif key not in old:
            b = new[key]
            extra = Row(case, key, "extra", None, b, _kind(b), rel=_INF, failed=strict_extra)
            report.rows.append(extra)
        else:
            report.rows.append(_compare_value(case, key, old[key], new[key], tol))
    return report


def run_row(case: str, verdict: str, what: str, failed: bool, note: str) -> Row:
    """A row for a run present on one side only (``verdict`` missing or extra); ``what``
    is shown for the side that has it, e.g. ``28 metrics``."""
    old, new = (what, None) if verdict == "missing" else (None, what)
    return Row(case, WHOLE_RUN, verdict, old, new, "run", rel=_INF, failed=failed, note=note)


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
            what = _n(len(old.runs[label]), "metric")
            row = run_row(case, "missing", what, True, "run only in OLD")
        else:
            what = _n(len(new.runs[label]), "metric")
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


# -------------------------------------------------------------------------------- report


@dataclass
class CompareReport:
    """Every compared metric of every run; ``ok`` when nothing moved beyond tolerance."""

    rows: list[Row] = field(default_factory=list)
    """all rows, ``same`` included, in comparison order"""
    cases: list[str] = field(default_factory=list)
    """the runs compared, in order"""
    ignored: int = 0
    """metrics skipped by an ``ignore: true`` tolerance"""

    @classmethod
    def combine(cls, reports: Iterable[CompareReport]) -> CompareReport:
        """One report from several (e.g. one per scenario)."""
        out = cls()
        for r in reports:
            out.rows += r.rows
            out.cases += [c for c in r.cases if c not in out.cases]
            out.ignored += r.ignored
        return out

    @property
    def failures(self) -> list[Row]:
        """The rows that fail, most severe first."""
        return [r for r in self.sorted_rows() if r.failed]

    @property
    def ok(self) -> bool:
        """True when no row fails."""
        return not any(r.failed for r in self.rows)

    def sorted_rows(self, show_same: bool = False) -> list[Row]:
        """Rows by severity: failing, then within tolerance, then extra (then same)."""
        rows = [r for r in self.rows if show_same or r.verdict != "same"]
        return sorted(
            rows,
            key=lambda r: (
                0 if r.failed else _RANK[r.verdict],
                -r.rel,
                -abs(r.delta) if r.delta is not None else -_INF,
                self.cases.index(r.case) if r.case in self.cases else 0,
                r.key,
            ),
        )

    def headline(self, title: str = "iss-sim compare") -> str:
        """One line: the verdict and the counts."""
        n = sum(1 for r in self.rows if r.key != WHOLE_RUN)
        multi = len(self.cases) > 1
        if self.ok:
            runs = f" in {_n(len(self.cases), 'run')}" if multi else ""
            return f"{title}: no change beyond tolerance ({_n(n, 'metric')}{runs})"
        bad = self.failures
        n_runs = sum(1 for r in bad if r.key == WHOLE_RUN)
        words = []
        if len(bad) > n_runs:
            words.append(f"{_n(len(bad) - n_runs, 'metric')} changed beyond tolerance")
        if n_runs:
            words.append(f"{_n(n_runs, 'run')} on one side only")
        runs = f" in {len({r.case for r in bad})} of {len(self.cases)} runs" if multi else ""
        return f"{title}: {' and '.join(words)}{runs}"

    def to_table(self, title: str = "iss-sim compare", show_same: bool = False) -> str:
        """A plain-text table of what changed, then the headline."""
        multi = len(self.cases) > 1
        head = ["", "run", "metric", "old", "new", "delta"] if multi else ["", "metric"]
        if not multi:
            head += ["old", "new", "delta"]
        body = []
        for r in self.sorted_rows(show_same):
            cells = [_verdict(r), r.case, r.key] if multi else [_verdict(r), r.key]
            body.append([*cells, _val(r, "old"), _val(r, "new"), _delta(r)])
        lines = []
        if body:
            widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
            for row in [head, *body]:
                lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
            lines = [ln.rstrip() for ln in lines] + [""]
        extra = [f"{_n(self.ignored, 'metric')} ignored"] if self.ignored else []
        same = sum(1 for r in self.rows if r.verdict == "same")
        if same and not show_same:
            extra.append(f"{same} unchanged not shown (--all shows them)")
        tail = f" [{'; '.join(extra)}]" if extra else ""
        return "\n".join([*lines, ("OK " if self.ok else "FAIL ") + self.headline(title) + tail])

    def to_markdown(self, title: str = "iss-sim compare") -> str:
        """Markdown for a CI job summary: headline, table of failures, collapsed rest."""
        icon = "✅" if self.ok else "❌"
        parts = [f"### {icon} {self.headline(title)}", ""]
        rows = self.sorted_rows()
        bad = [r for r in rows if r.failed]
        rest = [r for r in rows if not r.failed]
        if bad:
            parts += [*self._md_table(bad), ""]
        if rest:
            within = sum(1 for r in rest if r.verdict == "within")
            words = [_n(within, "change") + " within tolerance"] if within else []
            words += [_n(len(rest) - within, "other difference")] if len(rest) > within else []
            parts += [f"<details><summary>{', '.join(words)}</summary>", ""]
            parts += [*self._md_table(rest), "", "</details>", ""]
        return "\n".join(parts)

    def _md_table(self, rows: list[Row]) -> list[str]:
        lines = ["| metric | old | new | Δ | |", "|---|---|---|---|---|"]
        for r in rows:
            name = f"`{_md(r.key)}`"
            if len(self.cases) > 1:
                name = f"{_md(r.case)} · {name}"
            arrow = "" if not r.delta else ("▲ " if r.delta > 0 else "▼ ")
            cells = [name, _md(_val(r, "old")), _md(_val(r, "new")), arrow + _md(_delta(r))]
            icon = "❌" if r.failed else _MARK.get(r.verdict, "")
            lines.append("| " + " | ".join([*cells, f"{icon} {r.verdict}"]) + " |")
        return lines

    def to_junit(self, name: str = "iss-sim compare") -> str:
        """JUnit XML: a testsuite per run, a testcase per metric group, failures with
        old/new/delta of each failing metric."""
        root = ET.Element("testsuites", name=name)
        total = failed = 0
        for case in self.cases:
            groups: dict[str, list[Row]] = {}
            for r in self.rows:
                if r.case == case:
                    groups.setdefault(r.group, []).append(r)
            suite = ET.SubElement(root, "testsuite", name=_xml(case))
            n_bad = 0
            for group, rows in groups.items():
                tc = ET.SubElement(suite, "testcase", classname=_xml(case), name=_xml(group))
                tc.set("time", "0")
                bad = [r for r in rows if r.failed]
                if bad:
                    n_bad += 1
                    msg = f"{_n(len(bad), 'metric')} beyond tolerance: "
                    msg += ", ".join(r.key for r in bad)
                    if group == WHOLE_RUN:
                        msg = bad[0].note
                    fail = ET.SubElement(tc, "failure", message=_xml(msg), type="changed")
                    fail.text = _xml("\n".join(_line(r) for r in bad))
                info = [r for r in rows if not r.failed and r.verdict != "same"]
                if info:
                    ET.SubElement(tc, "system-out").text = _xml("\n".join(map(_line, info)))
            suite.set("tests", str(len(groups)))
            suite.set("failures", str(n_bad))
            suite.set("errors", "0")
            total += len(groups)
            failed += n_bad
        root.set("tests", str(total))
        root.set("failures", str(failed))
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _val(r: Row, side: str) -> str:
    absent = (side == "new" and r.verdict == "missing") or (side == "old" and r.verdict == "extra")
    return "—" if absent else _fmt(getattr(r, side))


def _delta(r: Row) -> str:
    if r.note:
        return r.note
    if r.verdict == "type":
        return f"kind {r.kind}"
    if r.delta is None or r.verdict == "same":
        return ""
    if r.kind == "date":
        return f"{r.delta:+.0f} d"
    pct = f" ({100 * r.delta / abs(r.old):+.3g} %)" if r.old else ""
    return f"{r.delta:+.6g}{pct}"


def _verdict(r: Row) -> str:
    return r.verdict.upper() if r.failed else r.verdict


def _line(r: Row) -> str:
    delta = f" ({r.note})" if r.note else (f" (Δ {_delta(r)})" if _delta(r) else "")
    return f"{r.key}: {_val(r, 'old')} → {_val(r, 'new')}{delta} [{r.verdict}]"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _xml(text: str) -> str:
    return _XML_BAD.sub("?", text)
