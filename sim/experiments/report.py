"""Text tables of Monte Carlo results for the terminal: one ensemble's probabilities and
margins, the paired differences B - A, and the outcome of ``--until-ci``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.experiments.montecarlo import MonteCarloResult, PairedResult
from sim.results.report import table_lines

__all__ = ["paired_table", "precision_line", "single_table"]


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _num(x: float | str | None) -> str:
    if x is None:
        return "-"
    return x if isinstance(x, str) else f"{x:.1f}"


def single_table(mc: MonteCarloResult, quantiles: list[float]) -> str:
    """Probabilities per consumable and for the crew, then each consumable's minimum days of
    supply (mean and quantiles)."""
    sc = mc.scenario
    p = mc.probabilities()
    s = mc.summary(quantiles)["metrics"]
    lines = [f"{sc.name}: {mc.n:,} replications (ensemble seed {mc.seed})", ""]
    qheads = [f"P{q:g}" for q in quantiles]
    rows = []
    for c in mc.consumables:
        entry = s.get(f"{c}.min_days_of_supply", {})
        rows.append(
            [
                c,
                _pct(p[f"{c}.p_below_reserve"]),
                _pct(p[f"{c}.p_depleted"]),
                _num(entry.get("mean")),
            ]
            + [_num(entry.get(f"p{q:g}")) for q in quantiles]
        )
    heads = ["consumable", "P(below reserve)", "P(depleted)", "min days mean", *qheads]
    lines += table_lines(heads, rows)
    lines.append("")
    lines.append(
        f"  crew: P(uncrewed) RS {_pct(p['crew.p_rs_uncrewed'])}, USOS "
        f"{_pct(p['crew.p_usos_uncrewed'])}, station {_pct(p['crew.p_station_uncrewed'])}; "
        f"P(forced return) {_pct(p['crew.p_forced_return'])}"
    )
    lines.append(f"  launches: P(at least one failure) {_pct(p['launch.p_any_failure'])}")
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
    lines += table_lines(["probability", "A", "B", "B-A (points)", "95% CI"], rows)
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
