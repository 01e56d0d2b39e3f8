"""A comparison's rows and how they read: a text table, Markdown for CI job summaries and
JUnit XML for CI test reports."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sim.results.metrics import metric_group

__all__ = ["VERDICTS", "WHOLE_RUN", "CompareReport", "Row", "metric_group"]

VERDICTS = ("same", "within", "changed", "type", "missing", "extra")
"""same; within (changed inside tolerance); changed (beyond); type (kind changed);
missing (in OLD only); extra (in NEW only)."""
WHOLE_RUN = "(run)"
"""The key of a row that stands for a whole run present on one side only."""
_INF = math.inf
_RANK = {"changed": 0, "type": 0, "missing": 0, "within": 1, "extra": 2, "same": 3}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARK = {"within": "≈", "extra": "+", "missing": "−", "same": "="}


def value_kind(value: Any) -> str:
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
        cases: dict[str, None] = {}
        for r in reports:
            out.rows += r.rows
            cases.update(dict.fromkeys(r.cases))
            out.ignored += r.ignored
        out.cases = list(cases)
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
        """Rows by severity: failing, then within tolerance, then extra (then same); within
        each, crew safety first, then depletions, breaches, margins, and flight dates last
        (:func:`severity`), then by the size of the change."""
        rows = [r for r in self.rows if show_same or r.verdict != "same"]
        order = {c: i for i, c in enumerate(self.cases)}
        return sorted(
            rows,
            key=lambda r: (
                0 if r.failed else _RANK[r.verdict],
                severity(r.key),
                -r.rel,
                -abs(r.delta) if r.delta is not None else -_INF,
                order.get(r.case, 0),
                r.key,
            ),
        )

    def headline(self, title: str = "iss-sim compare") -> str:
        """One line: the verdict and the counts."""
        n = sum(1 for r in self.rows if r.key != WHOLE_RUN)
        multi = len(self.cases) > 1
        if self.ok:
            runs = f" in {count_noun(len(self.cases), 'run')}" if multi else ""
            return f"{title}: no change beyond tolerance ({count_noun(n, 'metric')}{runs})"
        bad = self.failures
        n_runs = sum(1 for r in bad if r.key == WHOLE_RUN)
        words = []
        if len(bad) > n_runs:
            words.append(f"{count_noun(len(bad) - n_runs, 'metric')} changed beyond tolerance")
        if n_runs:
            words.append(f"{count_noun(n_runs, 'run')} on one side only")
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
        extra = [f"{count_noun(self.ignored, 'metric')} ignored"] if self.ignored else []
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
            words = [count_noun(within, "change") + " within tolerance"] if within else []
            words += (
                [count_noun(len(rest) - within, "other difference")] if len(rest) > within else []
            )
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
        by_case: dict[str, dict[str, list[Row]]] = {c: {} for c in self.cases}
        for r in self.rows:  # one pass: linear in the number of rows
            by_case.setdefault(r.case, {}).setdefault(r.group, []).append(r)
        for case in self.cases:
            groups = by_case[case]
            suite = ET.SubElement(root, "testsuite", name=_xml(case))
            n_bad = 0
            for group, rows in groups.items():
                tc = ET.SubElement(suite, "testcase", classname=_xml(case), name=_xml(group))
                tc.set("time", "0")
                bad = [r for r in rows if r.failed]
                if bad:
                    n_bad += 1
                    msg = f"{count_noun(len(bad), 'metric')} beyond tolerance: "
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


_CREW_SAFETY = ("uncrewed", "forced_returns", "evacuation", "unseated", "decrew", "held_")


def severity(key: str) -> int:
    """How much a change in metric ``key`` matters, 0 (crew safety) to 6 (flight and pad
    dates): crew safety, depletions, reserve breaches, margins, other crew figures,
    masses, then flights and pads."""
    if key.startswith(("flight.", "pad.")):
        return 6
    if key.startswith("crew."):
        return 0 if any(w in key for w in _CREW_SAFETY) else 4
    if key.endswith(("depleted_date", "shortfall_kg")):
        return 1
    if key.endswith(("first_below_reserve_date", "days_below_reserve")) or "below_min" in key:
        return 2
    if key.endswith(("min_days_of_supply", "min_altitude_km")):
        return 3
    return 5


def count_noun(count: int, noun: str) -> str:
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
