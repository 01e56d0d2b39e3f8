"""Experiments as text for the terminal: one ensemble's probabilities and margins, the
paired differences B - A, the outcome of ``--until-ci``, a sweep's table, a critical
value's result and a fragility curve's table."""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np

from sim.experiments.critical import CRITERION_TEXT, CriticalResult
from sim.experiments.fragility import CRITERION_LABEL, FragilityResult, param_label
from sim.experiments.fragility import CRITERION_TEXT as BREACH_TEXT
from sim.experiments.montecarlo import MonteCarloResult
from sim.experiments.paired import PairedResult
from sim.experiments.rank import RankResult
from sim.experiments.sweep import SweepResult
from sim.results import metrics as mk
from sim.results.changes import base_line
from sim.results.report import table_lines
from sim.scenario.specs import value_text

__all__ = [
    "critical_text",
    "default_metrics",
    "fragility_text",
    "paired_table",
    "precision_line",
    "rank_text",
    "single_table",
    "sweep_table",
]


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _num(x: float | str | None) -> str:
    if x is None:
        return "-"
    return x if isinstance(x, str) else f"{x:.1f}"


def single_table(mc: MonteCarloResult, quantiles: list[float]) -> str:
    """Probabilities per consumable and for the crew, each with its 95% Wilson interval,
    then each consumable's minimum days of supply (mean and quantiles)."""
    sc = mc.scenario
    p = mc.probabilities()
    ci = mc.probability_intervals()

    def pct(key: str) -> str:
        lo, hi = ci[key]
        if math.isnan(lo):
            return _pct(p[key])
        return f"{_pct(p[key])} ({100 * lo:.1f}-{100 * hi:.1f})"

    s = mc.summary(quantiles)["metrics"]
    lines = [f"{sc.name}: {mc.n:,} replications (ensemble seed {mc.seed})", ""]
    qheads = [f"P{q:g}" for q in quantiles]
    rows = []
    for c, segments in mk.stock_segments(sc).items():
        own = segments if len(segments) > 1 else ()
        for seg in (None, *own):
            if seg is None:
                label, key = (
                    (f"{c} (worst)" if own else c),
                    mk.consumable_key(c, "min_days_of_supply"),
                )
            else:
                label, key = f"  {seg}", mk.segment_key(c, seg, "min_days_of_supply")
            entry = s.get(key, {})
            rows.append(
                [
                    label,
                    pct(mk.probability_key(c, "below_reserve", seg)),
                    pct(mk.probability_key(c, "depleted", seg)),
                    _num(entry.get("mean")),
                ]
                + [_num(entry.get(f"p{q:g}")) for q in quantiles]
            )
    heads = ["consumable", "P(below reserve)", "P(depleted)", "min days mean", *qheads]
    lines += table_lines(heads, rows)
    lines.append("")
    lines.append(
        f"  crew: P(uncrewed) RS {pct('crew.p_rs_uncrewed')}, USOS "
        f"{pct('crew.p_usos_uncrewed')}, station {pct('crew.p_station_uncrewed')}; "
        f"P(forced return) {pct('crew.p_forced_return')}"
    )
    lines.append(f"  launches: P(at least one failure) {pct('launch.p_any_failure')}")
    lines.append("  (in brackets: 95% Wilson intervals)")
    return "\n".join(lines)


def paired_table(
    pair: PairedResult, s: dict[str, Any], a: str, b: str, quantiles: list[float], top: int
) -> str:
    """From ``s`` (``pair.summary()``): the probabilities of A and B with the difference and
    its CI, then the ``top`` metrics whose mean difference B - A is largest relative to the
    metric's spread in A (so that kg and days compare), with the CI and quantiles of B - A."""
    lines = [
        f"B - A over {pair.a.n:,} paired replications (ensemble seed {pair.a.seed})",
        f"  A = {a}",
        f"  B = {b}",
        "",
    ]
    rows = []
    for key, e in s["probabilities"].items():
        lo, hi = e["ci95"]
        ci = "-" if lo is None else f"[{100 * lo:+.1f}, {100 * hi:+.1f}]"
        rows.append([key, _pct(e["a"]), _pct(e["b"]), f"{100 * e['difference']:+.1f}", ci])
    lines += table_lines(["probability", "A", "B", "B-A (points)", "95% CI (paired)"], rows)
    ranked = []
    for key, e in s["difference_b_minus_a"].items():
        if e["mean"] == 0 and e["std"] == 0:
            continue
        va = pair.a.values(key)
        spread = float(np.std(va[np.isfinite(va)])) or e["std"] or 0.0
        ranked.append((abs(e["mean"]) / spread if spread else math.inf, key, e))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    lines.append("")
    if not ranked:
        lines.append("  no metric differs between A and B in any replication")
        return "\n".join(lines)
    rows = []
    for _, key, e in ranked[:top]:
        lo, hi = e["ci95"]
        ci = "[exact]" if lo == hi else ("-" if lo is None else f"[{lo:+.2f}, {hi:+.2f}]")
        unit = " d" if e["unit"] == "days" else ""
        cells = [key, f"{e['mean']:+.2f}{unit}", ci]
        cells += [f"{e[f'p{q:g}']:+.1f}" for q in quantiles]
        rows.append([*cells, _pct(e["p_b_greater"]), _pct(e["p_b_less"])])
    lines.append(
        f"  largest mean differences B - A ({min(top, len(ranked))} of {len(ranked)} metrics "
        "that differ, by |mean| / std in A)"
    )
    heads = ["metric", "mean B-A", "95% CI", *(f"P{q:g}" for q in quantiles), "B>A", "B<A"]
    lines += table_lines(heads, rows)
    return "\n".join(lines)


def precision_line(p: dict[str, Any], is_paired: bool) -> str:
    """One line on ``p`` (the ``until_ci`` entry of the JSON): whether the CI got narrow enough."""
    what = f"the mean {'paired difference ' if is_paired else ''}of {p['metric']}"
    width = "inf" if p["achieved_width"] is None else f"{p['achieved_width']:.4g}"
    if p["reached"]:
        return (
            f"  until-ci: 95% CI of {what} is {width} wide (< {p['width']:g}) "
            f"after {p['replications']:,} replications"
        )
    return (
        f"  until-ci: cap of {p['max_n']:,} replications reached; the 95% CI of {what} is "
        f"{width} wide, not below {p['width']:g}"
    )


# -- sweeps and critical values -----------------------------------------------------------
def default_metrics(result: SweepResult) -> list[str]:
    """Each consumable's minimum days of supply, then the uncrewed days of each segment
    and the forced returns."""
    keys = result.metric_keys()
    wanted = [mk.consumable_key(c, "min_days_of_supply") for c in result.reserve_days]
    wanted += [mk.uncrewed_key(s) for s in mk.UNCREWED[:-1]] + ["crew.forced_returns"]
    return [k for k in wanted if k in keys]


_SHORT = {
    **{mk.uncrewed_key(u): f"{u.upper()} uncrewed d" for u in mk.UNCREWED[:-1]},
    mk.uncrewed_key("station"): "uncrewed d",
    "crew.forced_returns": "forced",
}


def _min_days_of(metric: str) -> str | None:
    """The consumable of a ``<c>.min_days_of_supply`` key, else None."""
    parts = mk.split_consumable_key(metric)
    return parts[0] if parts is not None and parts[1] == "min_days_of_supply" else None


def _header(metric: str) -> str:
    consumable = _min_days_of(metric)
    if consumable is not None:
        return f"{consumable} min d"
    return _SHORT.get(metric, metric)


def _param_headers(params: list[str]) -> list[str]:
    last = [p.rsplit(".", 1)[-1] for p in params]
    return last if len(set(last)) == len(last) else params


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def sweep_table(result: SweepResult, metrics: list[str]) -> str:
    """A text table, one row per run: parameter values, then ``metrics``; a minimum days of
    supply below its reserve is marked ``*``."""
    heads = [*_param_headers(result.params), *(_header(m) for m in metrics)]
    rows: list[list[str]] = []
    below = False
    for run in result.runs:
        row = [value_text(run.params[p]) for p in result.params]
        for m in metrics:
            v = run.metrics.get(m)
            cell = _show(v)
            consumable = _min_days_of(m)
            reserve = None if consumable is None else result.reserve_days.get(consumable)
            if reserve is not None and isinstance(v, (int, float)) and v < reserve:
                cell += "*"
                below = True
            row.append(cell)
        rows.append(row)
    lines = [f"{result.scenario}: {len(result.runs)} runs over {', '.join(result.params)}", ""]
    lines += table_lines(heads, rows, left=len(result.params))
    if below:
        reserves = sorted(set(result.reserve_days.values()))
        lines.append("")
        lines.append(
            "  * below the reserve ("
            + ", ".join(f"{r:g}" for r in reserves)
            + " days of supply); min d = minimum days of supply"
        )
    return "\n".join(lines)


def critical_text(r: CriticalResult) -> str:
    """The result in a few readable lines."""
    lines = [
        f"{r.scenario}: {r.param} over [{r.lo}, {r.hi}], criterion {r.criterion} "
        f"({CRITERION_TEXT[r.criterion]}), seed {r.seed}",
        "",
    ]
    if r.status == "fails_at_lo":
        lines.append(f"  fails already at lo = {r.lo}: no value in range holds")
    elif r.status == "holds_through_hi":
        lines.append(f"  holds through hi = {r.hi}: no critical value inside the range")
    else:
        lines.append(f"  largest value that holds: {r.value}")
        lines.append(f"  first value that fails:   {r.first_failing}")
    if r.binding:
        first = r.binding[0]
        same = [b for b in r.binding[1:] if b.date == first.date]
        later = [b for b in r.binding[1:] if b.date != first.date]
        lines.append(f"  binds first at {r.first_failing}: {first}")
        if same:
            lines.append(f"    same day: {', '.join(str(b) for b in same)}")
        if later:
            lines.append(f"    then: {', '.join(str(b) for b in later)}")
    if r.binds:
        lines.append(f"  why, at {r.first_failing}: {r.binds}")
    spots = ", ".join(f"{v}{'' if ok else ' x'}" for v, ok in r.spot_checks)
    lines.append(f"  {r.evaluations} runs; spot checks (x = fails): {spots}")
    return "\n".join(lines)


def _table_values(values: list[Any], most: int = 9) -> list[int]:
    """Grid indexes of about ``most`` round values from lo to hi (ends included)."""
    lo, hi = float(values[0]), float(values[-1])
    raw = (hi - lo) / max(1, most - 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    picks = [lo, *np.arange(math.floor(lo / step) * step + step, hi - step / 4, step), hi]
    grid = np.asarray(values, dtype=float)
    return sorted({int(np.searchsorted(grid, x - 1e-9)) for x in picks})


def fragility_text(r: FragilityResult) -> str:
    """The curves at round values of the range, what each criterion means, the runs it
    took against a grid, and the monotonicity check."""
    label = param_label(r.param)
    lines = [
        f"{r.scenario.name}: P(breach | {r.param} = d) for d in [{r.lo:g}, {r.hi:g}] "
        f"(step {r.step:g}), {r.n:,} replications (ensemble seed {r.seed})",
        "",
    ]
    curves = {c: r.curve(c) for c in r.criteria}

    def cell(c: str, k: int) -> str:
        p, low, high = (float(a[k]) for a in curves[c])
        return f"{100 * p:5.1f}% ({100 * low:.1f}-{100 * high:.1f})"

    heads = [label.axis, *(f"P({CRITERION_LABEL[c]})" for c in r.criteria)]
    rows = [
        [f"{r.values[k]:g}", *(cell(c, k) for c in r.criteria)] for k in _table_values(r.values)
    ]
    lines += table_lines(heads, rows)
    lines.append("  (in brackets: 95% Wilson intervals)")
    lines.append("")
    for c in r.criteria:
        ks = r.critical[c]
        at_lo, never = sum(k == 0 for k in ks), sum(k is None for k in ks)
        reach = ", ".join(
            f"{q}% at {'-' if v is None else f'{v:g}'}"
            for q, v in ((q, r.quantile(c, q / 100)) for q in (10, 50, 90))
        )
        lines.append(
            f"  {CRITERION_LABEL[c]} ({BREACH_TEXT[c]}): breached already at {r.lo:g} in "
            f"{at_lo:,}, not by {r.hi:g} in {never:,}; reaches {reach}"
        )
    per = r.runs / r.n
    step_unit = f" {label.unit}" if label.unit else ""
    if r.step == 1 and label.unit == "days":
        step_unit = " day"
    lines.append("")
    lines.append(
        f"  runs: {r.runs:,} by bisection ({per:.1f} per replication over {len(r.values):,} "
        f"values, step {r.step:g}{step_unit}) + {r.check_runs:,} "
        f"monotonicity checks; a grid over every value would take {r.grid_runs:,} "
        f"({len(r.values):,} per replication)"
    )
    values = ", ".join(f"{v:g}" for v in r.check_values)
    if not r.checked:
        lines.append("  monotonicity not checked (--check 0)")
    elif not r.non_monotone:
        lines.append(
            f"  monotone on all {len(r.checked):,} replications checked (each also run at "
            f"{values}): there the curve is the runs' own share exactly"
        )
    for c in r.criteria:
        bad = sorted({x.seed for x in r.non_monotone if x.criterion == c})
        if not bad:
            continue
        shown = ", ".join(map(str, bad[:6])) + (" ..." if len(bad) > 6 else "")
        gap, at = r.largest_gap(c)
        off = (
            f"; the curve is {100 * gap:.1f} points off the runs at {at:g}"
            if at is not None
            else ""
        )
        lines.append(
            f"  NOT MONOTONE: {CRITERION_LABEL[c]} on {len(bad):,} of {len(r.checked):,} "
            f"replications checked (at {values}; seeds {shown}){off}"
        )
    return "\n".join(lines)


# -- which flight matters ---------------------------------------------------------------
def _variant_label(variant: str, kind: str) -> str:
    if variant == "lost":
        return "lost"
    days = variant.removeprefix("slip+")
    return f"repair +{days} d" if kind == "outage" else f"slip +{days} d"


def rank_text(result: RankResult, top: int = 10, sentences: int = 5) -> str:
    """The ``top`` subjects, most severe first, one line per variant (forced returns,
    uncrewed segment-days, unseated person-days if any, the breach that moved, the lowest
    supply's change), then a briefing sentence for each of the first ``sentences``."""
    slips = " and ".join(f"{d:g}" for d in result.slips)
    head = (
        f"Which flight matters: {result.scenario} (seed {result.seed}), every flight lost or "
        f"slipped {slips} days and every pad repair {slips} days longer, against the base "
        f"run on the same random numbers ({result.runs} runs)"
    )
    lines = textwrap.wrap(head, 98, subsequent_indent="  ")
    base = f"base run: {base_line(result.stocks, result.base, result.horizon)}"
    lines += [*textwrap.wrap(base, 98, initial_indent="  ", subsequent_indent="    "), ""]
    shown = result.subjects[: max(0, top)]
    changes = [r.change for s in shown for r in result.rows[s] if r.change is not None]
    unseated = any(abs(c.unseated_person_days) > 1e-6 for c in changes)
    heads = ["rank", "flight or repair", "planned", "change", "forced", "uncrewed d"]
    heads += ["unseated p-d"] * unseated + ["breach moved", "lowest supply"]
    rows: list[list[str]] = []
    for i, s in enumerate(shown, start=1):
        for j, r in enumerate(result.rows[s]):
            lead = [str(i), s.label, s.date] if j == 0 else ["", "", ""]
            label = _variant_label(r.variant, s.kind)
            c = r.change
            if c is None:
                rows.append([*lead, label, "-", "-", *(["-"] * unseated), "not run", "-"])
                continue
            cells = [f"{c.forced_returns:+.0f}" if c.forced_returns else "0"]
            cells.append(f"{c.uncrewed_days:+.1f}" if abs(c.uncrewed_days) > 1e-6 else "0")
            if unseated:
                p = c.unseated_person_days
                cells.append(f"{p:+.0f}" if abs(p) > 1e-6 else "0")
            rows.append([*lead, label, *cells, c.breach_cell(), c.supply_cell()])
    numeric = set(range(4, len(heads) - 2))
    widths = [max([len(h), *(len(r[k]) for r in rows)]) for k, h in enumerate(heads)]
    for cells in [heads, *rows] if rows else []:
        padded = [c.rjust(w) if k in numeric else c.ljust(w)
                  for k, (c, w) in enumerate(zip(cells, widths, strict=True))]  # fmt: skip
        lines.append(("  " + "  ".join(padded)).rstrip())
    key = (
        "forced: crew vehicles sent home at their docked-life limit; uncrewed d: RS + USOS "
        "days with nobody aboard; breach moved: the station's first reserve breach (else the "
        "one stock's that moved most); lowest supply: the worst segment's minimum days of "
        "supply (the change, days)"
    )
    if rows:
        lines += ["", *textwrap.wrap(key, 96, initial_indent="  ", subsequent_indent="  ")]
    said = [("for the crew", result.crew_first(), result.worst)]
    said.append(("for the supplies", result.supplies_first(), result.worst_for_supplies))
    for what, subjects, pick in said:
        chosen = [w for w in map(pick, subjects[: max(0, sentences)]) if w and w.change]
        if chosen:
            lines += [""] * (lines[-1] != "") + [f"  What matters most {what}:"]
        for i, w in enumerate(chosen, start=1):
            assert w.change is not None
            text = f"{i}. {w.change.sentence(w.action())}."
            lines += textwrap.wrap(text, 96, initial_indent="    ", subsequent_indent="       ")
    not_run = [(s, r) for s in result.subjects for r in result.rows[s] if r.change is None]
    for s, r in not_run:
        lines.append(f"  not run: {s.label} {_variant_label(r.variant, s.kind)}: {r.problem}")
    return "\n".join(lines)
