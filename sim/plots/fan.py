"""Fan chart of a Monte Carlo ensemble: days of supply over time, median and P5-P95 band.

One panel per consumable (small multiples sharing the dated x axis), each with its reserve
line and the share of replications that fell below it; a consumable with a stock per
segment gets a row of its own, the Russian segment's panel beside the US segment's. Days
of supply are sampled weekly from each replication's exact piecewise-linear series.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.plots.style import (
    RESERVE_COLOR,
    Axes,
    Figure,
    date_axis,
    new_axes,
    panel_grid,
    panel_rows,
    panel_title,
    to_dates,
)
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
    the P5-P95 band and the reserve line, one panel each, or one per segment for a stock
    per segment (all on ``ax`` if given, the worst segment of each consumable)."""
    cons = mc.consumables
    bands: dict[tuple[str, str | None], np.ndarray]
    bands = {(c, None): q for c, q in mc.fan_quantiles(BAND).items()}
    if ax is None:
        for (cid, segment), q in mc.segment_fan_quantiles(BAND).items():
            bands[cid, segment] = q
        split = {cid for cid, segment in bands if segment is not None}
        rows = panel_rows(cons, split)
        fig, placed = panel_grid(rows, 6.0 * max(map(len, rows), default=2), 3.2, 0.6)
    else:
        fig, ax = new_axes(ax)
        placed = [((c, None), ax) for c in cons]
    probs = mc.probabilities()
    x = to_dates(mc.scenario.epoch, mc.grid)
    reserves = {c.id: c.reserve_days for c in mc.scenario.station.consumables}
    tops: dict[int, float] = {}
    for (c, seg), panel in placed:
        i = cons.index(c)
        lo, mid, hi = bands[c, seg]
        color = _LINE_COLORS[i % len(_LINE_COLORS)]
        shown = [np.where(np.isposinf(a), DAYS_CAP * 100, a) for a in (lo, mid, hi)]
        name = c if seg is None else f"{c}:{seg}"  # the gids of the band and the median
        panel.fill_between(x, shown[0], shown[2], color=color, alpha=0.25, lw=0,
                           label="P5–P95" if ax is None else None, gid=f"band:{name}")  # fmt: skip
        panel.plot(x, shown[1], color=color, lw=1.8, label=c if ax is not None else "median",
                   gid=f"fan:{name}")  # fmt: skip
        p = probs.get(mk.probability_key(c, "below_reserve", seg), math.nan)
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
        if ax is None and not np.all(hi <= DAYS_CAP):  # on a white ground: over the band
            panel.text(0.995, 0.98, f"axis cut at {DAYS_CAP:g} d", transform=panel.transAxes,
                       ha="right", va="top", fontsize=7, color="#555555", zorder=5,
                       bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.5})  # fmt: skip
        panel.set_xlim(x[0], x[-1])
        date_axis(panel)
        if ax is None:
            title = f"{panel_title(c, seg)}: P(below reserve) = {p:.0%}"
            panel.set_title(title, loc="left", fontsize=10)
            panel.set_ylabel("days of supply")
    title = f"{mc.scenario.name}: days of supply, N = {mc.n:,} replications (median, P5–P95)"
    if ax is None:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
        if placed:  # one legend for all panels, top right beside the title
            handles, labels = placed[0][1].get_legend_handles_labels()
            fig.legend(handles, labels, loc="upper right", ncol=3, fontsize=8, frameon=False)
    else:
        ax.set_title(title, loc="left", fontsize=11)
        ax.set_ylabel("days of supply")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    return fig
