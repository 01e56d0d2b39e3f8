"""Fan chart of a Monte Carlo ensemble: days of supply over time, median and P5-P95 band.

One panel per consumable (small multiples sharing the dated x axis), each with its reserve
line and the share of replications that fell below it. Days of supply are sampled weekly
from each replication's exact piecewise-linear series.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.plots.style import RESERVE_COLOR, Axes, Figure, date_axis, new_axes, new_grid, to_dates
from sim.results import metrics as mk

if TYPE_CHECKING:
    from sim.experiments.montecarlo import MonteCarloResult

__all__ = ["fan_chart"]

DAYS_CAP = 365.0
"""The y axis stops here (days of supply) when the band reaches higher."""
BAND = (5.0, 50.0, 95.0)
_LINE_COLORS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def fan_chart(mc: MonteCarloResult, ax: Axes | None = None) -> Figure:
    """Days of supply against the date for every consumable of ``mc``: the median line,
    the P5-P95 band and the reserve line, one panel each (all on ``ax`` if given)."""
    cons = mc.consumables
    if ax is None:
        cols = 1 if len(cons) == 1 else 2
        rows = max(1, math.ceil(len(cons) / cols))
        fig, axes = new_grid(rows, cols, (6.0 * cols, 3.2 * rows + 0.6))
        for extra in axes[len(cons) :]:
            extra.set_visible(False)
    else:
        fig, ax = new_axes(ax)
        axes = [ax] * len(cons)
    bands = mc.fan_quantiles(BAND)
    probs = mc.probabilities()
    x = to_dates(mc.scenario.epoch, mc.grid)
    reserves = {c.id: c.reserve_days for c in mc.scenario.station.consumables}
    tops: dict[int, float] = {}
    for i, (c, panel) in enumerate(zip(cons, axes, strict=False)):
        lo, mid, hi = bands[c]
        color = _LINE_COLORS[i % len(_LINE_COLORS)]
        shown = [np.where(np.isposinf(a), DAYS_CAP * 100, a) for a in (lo, mid, hi)]
        panel.fill_between(x, shown[0], shown[2], color=color, alpha=0.25, lw=0,
                           label="P5–P95" if ax is None else None)  # fmt: skip
        panel.plot(x, shown[1], color=color, lw=1.8, label=c if ax is not None else "median")
        p = probs.get(mk.probability_key(c, "below_reserve"), math.nan)
        # one grey reserve line per panel, or per axes when all reserves are equal
        shared = ax is None or len(set(reserves.values())) == 1
        if ax is None or i == 0 or not shared:
            label = f"reserve {reserves[c]:g} d" if shared else f"{c} reserve {reserves[c]:g} d"
            panel.axhline(reserves[c], color=RESERVE_COLOR if shared else color, ls="--",
                          lw=1.3, label=label)  # fmt: skip
        finite = np.concatenate([a[np.isfinite(a)] for a in (lo, mid, hi)] + [np.array([1.0])])
        key = id(panel)
        tops[key] = max(tops.get(key, 0.0), min(DAYS_CAP, float(finite.max())), reserves[c])
        panel.set_ylim(0, tops[key] * 1.08)
        if ax is None and not np.all(hi <= DAYS_CAP):
            panel.text(0.995, 0.98, f"axis cut at {DAYS_CAP:g} d", transform=panel.transAxes,
                       ha="right", va="top", fontsize=7, color="#555555")  # fmt: skip
        panel.set_xlim(x[0], x[-1])
        date_axis(panel)
        if ax is None:
            panel.set_title(f"{c}: P(below reserve) = {p:.0%}", loc="left", fontsize=10)
            panel.set_ylabel("days of supply")
    title = f"{mc.scenario.name}: days of supply, N = {mc.n:,} replications (median, P5–P95)"
    if ax is None:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
        if axes:  # one legend for all panels, top right beside the title
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="upper right", ncol=3, fontsize=8, frameon=False)
    else:
        ax.set_title(title, loc="left", fontsize=11)
        ax.set_ylabel("days of supply")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    return fig
