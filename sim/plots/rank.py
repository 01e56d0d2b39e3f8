"""The tornado chart of ``iss-sim rank``: for each flight (and pad repair), what losing or
slipping it does to the first reserve breach and to the lowest days of supply."""

from __future__ import annotations

import math
import textwrap

from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.experiments.rank import RankResult, RankRow, Subject
from sim.plots.style import FAILURE_COLOR, Axes, Figure
from sim.results.changes import Change

__all__ = ["rank_chart"]

_LOST = FAILURE_COLOR
_SLIPS = ["#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#E69F00"]
_CREW = "#A0322B"
"""Labels of the flights whose loss or slip harms the crew."""


def _variant_label(variant: str) -> str:
    return "lost" if variant == "lost" else f"+{variant.removeprefix('slip+')} d"


def _legend_label(variant: str) -> str:
    return "lost" if variant == "lost" else f"slipped {variant.removeprefix('slip+')} days"


def _breach(c: Change) -> float:
    """Days the breach of :meth:`~sim.results.changes.Change.breach_move` moves (negative:
    earlier): the station's first if it moved, else the stock's that moved most."""
    m = c.breach_move()
    if m is None:
        return 0.0
    return -(m.first if m.first is not None else m.worse)


def _new(c: Change) -> bool:
    """Whether that bar counts from the horizon: a breach where the base run had none (in
    that stock, or, for the station's first, in any)."""
    m = c.breach_move()
    if m is None:
        return False
    return m.was is None if m.first is not None else m.base is None


def _supply(c: Change) -> float:
    """Change of the worst segment's lowest days of supply (negative: less)."""
    m = c.supply_move()
    return 0.0 if m is None else -m.worse


def _crew_note(rows: list[RankRow]) -> str:
    """What the variants of one subject do to the crew, in a few words ("" if nothing)."""
    parts = []
    for r in rows:
        c = r.change
        if c is None:
            continue
        what = []
        if c.forced_returns > 1e-6:
            what.append(f"{c.forced_returns:.0f} forced home")
        if c.uncrewed_days > 1e-6:
            what.append(f"uncrewed +{c.uncrewed_days:.0f} d")
        if c.unseated_person_days > 1e-6:
            what.append(f"unseated +{c.unseated_person_days:.0f} p-d")
        if what:
            parts.append((r.variant, ", ".join(what)))
    if not parts:
        return ""
    if len({w for _, w in parts}) == 1:
        when = (
            "lost or slipped"
            if len(parts) == len(rows)
            else ", ".join(_variant_label(v) for v, _ in parts)
        )
        text = f"crew: {parts[0][1]} ({when})"
    else:
        text = "crew: " + "; ".join(f"{_variant_label(v)}: {w}" for v, w in parts)
    return "\n".join(textwrap.wrap(text, 44, subsequent_indent="  "))


def rank_chart(result: RankResult, top: int = 15) -> Figure:
    """Horizontal bars for the ``top`` subjects that change anything, the most severe at
    the top: left, how many days the station's first reserve breach moves; right, the
    change of the worst segment's lowest days of supply; one bar per variant (lost, each
    slip). A subject that harms the crew has its label in red, with what it does."""
    shown: list[Subject] = [
        s for s in result.subjects if any(r.change and r.change.changed() for r in result.rows[s])
    ][: max(1, top)]
    variants = result.variants()
    n = max(1, len(shown))
    import matplotlib.pyplot as plt  # after sim.plots.style chose the backend

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13.0, 1.8 + 0.55 * n + 0.4 * len(variants)), sharey=True,
        layout="constrained",
    )  # fmt: skip
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))  # type: ignore[call-arg,union-attr]
    height = 0.8 / len(variants)
    colors = {v: _SLIPS[(i - 1) % len(_SLIPS)] for i, v in enumerate(variants)}
    colors["lost"] = _LOST
    for ax, value in ((left, _breach), (right, _supply)):
        for k, v in enumerate(variants):
            ys, xs, hatch = [], [], []
            for i, s in enumerate(shown):
                row = result.row(s, v)
                if row is not None and row.change is not None:
                    ys.append(i - 0.4 + height * (k + 0.5))
                    xs.append(value(row.change))
                    hatch.append("///" if ax is left and _new(row.change) else None)
            bars = ax.barh(ys, xs, height=height * 0.9, color=colors[v], zorder=2,
                           edgecolor="white", linewidth=0)  # fmt: skip
            for bar, h in zip(bars, hatch, strict=True):
                bar.set_hatch(h)
        for i, s in enumerate(shown):
            done = [r.change for r in result.rows[s] if r.change is not None]
            if all(abs(value(c)) < 0.05 for c in done):
                ax.text(0, i, "  no change", va="center", fontsize=8, color="#777777")
        ax.axvline(0, color="#333333", lw=0.8, zorder=3)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        _symmetric(ax)
    labels = []
    for s in shown:
        note = _crew_note(result.rows[s])
        if s.kind == "outage":
            note = "\n".join(x for x in ("slipped: the repair as much longer", note) if x)
        date = f"{s.date}" if s.kind == "flight" else f"from {s.date}"
        labels.append(f"{s.label} ({date})" + (f"\n{note}" if note else ""))
    left.set_yticks(range(len(shown)), labels, fontsize=8.5)
    for tick, s in zip(left.get_yticklabels(), shown, strict=True):
        if _crew_note(result.rows[s]):
            tick.set_color(_CREW)
    right.tick_params(axis="y", labelleft=False)
    left.set_ylim(len(shown) - 0.5, -0.5)  # the most severe at the top
    left.set_xlabel(
        "first reserve breach: change, days (left: earlier)\n"
        "(the station's first, else the stock's that moved most)",
        fontsize=9,
    )
    right.set_xlabel(
        "lowest days of supply: change, days (left: less)\n"
        "(worst segment, of the consumable that ends lowest)",
        fontsize=9,
    )
    left.set_title("When the first reserve breach comes", loc="left", fontsize=10.5)
    right.set_title("How low the supply gets", loc="left", fontsize=10.5)
    names = [_legend_label(v) for v in variants]
    handles = [Patch(facecolor=colors[v]) for v in variants]
    if any(p.get_hatch() for p in left.patches):
        handles.append(Patch(facecolor="#bbbbbb", hatch="///", edgecolor="white", linewidth=0))
        names.append("a new breach\n(none before the horizon\nin the plan: counted from it)")
    left.legend(handles, names, loc="lower right", fontsize=8.5, frameon=True, framealpha=0.9)
    slips = " and ".join(f"{d:g}" for d in result.slips)
    fig.suptitle(
        f"Which flight matters? Each flight lost or slipped {slips} days, each pad repair "
        f"{slips} days longer, against the plan",
        x=0.01,
        ha="left",
        fontsize=13,
    )
    fig.text(
        0.01,
        0.005,
        f"scenario {result.scenario} · seed {result.seed} (every run on the same random "
        f"numbers) · iss-sim {result.version} · the {len(shown)} most severe of "
        f"{len(result.subjects)} shown, first the crew's, then by the breach, then the supply",
        fontsize=8,
        color="#555555",
        va="bottom",
    )
    if not shown:
        left.text(0.5, 0.5, "no flight changes anything", transform=left.transAxes, ha="center")
    return fig


def _symmetric(ax: Axes) -> None:
    """x limits symmetric about 0 (a tornado reads both ways), never narrower than a day."""
    lo, hi = ax.get_xlim()
    edge = max(abs(lo), abs(hi), 1.0)
    if not math.isfinite(edge):
        edge = 1.0
    ax.set_xlim(-edge, edge)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
