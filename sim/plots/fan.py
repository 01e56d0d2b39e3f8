"""Fan chart of a Monte Carlo ensemble: days of supply over time, median and P5-P95 band.

One panel per consumable (small multiples sharing the dated x axis), each with its reserve
line, the share of replications that fell below it and the share that ran out, and a bar
along the bottom where at least 5% of replications are out of stock; a consumable with a
stock per segment gets a row of its own, the Russian segment's panel beside the US
segment's. Days of supply are sampled weekly from each replication's exact
piecewise-linear series; the percentiles come from the ensemble's histograms, within 1/16
day of the exact ones (:mod:`sim.experiments.fansketch`).
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.lines import Line2D

from sim.plots.style import (
    RESERVE_COLOR,
    Axes,
    Figure,
    consumable_styles,
    cut_axis,
    data_clip,
    date_axis,
    date_labels,
    headline,
    new_axes,
    panel_grid,
    panel_rows,
    panel_title,
    scenario_title,
    source_line,
    to_dates,
)
from sim.results import metrics as mk

if TYPE_CHECKING:
    from matplotlib.artist import Artist

    from sim.experiments.montecarlo import MonteCarloResult

__all__ = ["fan_chart"]

DAYS_CAP = 365.0
"""The y axis stops here (days of supply) when the band reaches higher."""
BAND = (5.0, 50.0, 95.0)
NEVER_USED = (
    "no {} drawn from this stock at any week in at least 95% of\nthe runs: days of supply infinite"
)
"""Said inside a panel whose band (P5 included) is infinite throughout."""
LEGEND_INCHES = 1.4
"""About the width of the legend right of the panels (inches): the title keeps clear."""
OUT_SHARE = 0.05
"""A bar along the bottom marks the weeks when at least this share of replications is
out of stock (days of supply 0)."""


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
    styles = consumable_styles(cons)
    tops: dict[int, float] = {}
    cut: dict[int, bool] = {}
    infinite = False
    drawn: dict[int, tuple[Axes, list[Artist]]] = {}
    """By panel: the bands and medians to clip to its data area once its top is known."""
    top_of: dict[int, float] = {}
    """By panel: the top of its y axis (days of supply), once every series is in."""
    for (c, seg), panel in placed:
        i = cons.index(c)
        lo, mid, hi = bands[c, seg]
        color = styles[c][0]
        shown = [np.where(np.isposinf(a), DAYS_CAP * 100, a) for a in (lo, mid, hi)]
        infinite = infinite or bool(np.isposinf(hi).any())
        name = c if seg is None else f"{c}:{seg}"  # the gids of the band and the median
        band = panel.fill_between(x, shown[0], shown[2], color=color, alpha=0.25, lw=0,
                                  label="P5–P95" if ax is None else None,
                                  gid=f"band:{name}")  # fmt: skip
        label = c if ax is not None else "median"
        (median,) = panel.plot(x, shown[1], color=color, lw=1.8, label=label, gid=f"fan:{name}")
        drawn.setdefault(id(panel), (panel, []))[1].extend([band, median])
        _mark_out_of_stock(panel, mc, c, seg, x, color, ax is None or i == 0)
        # one grey reserve line per panel, or per axes when all reserves are equal
        shared = ax is None or len(set(reserves.values())) == 1
        if ax is None or i == 0 or not shared:
            label = f"reserve {reserves[c]:g} d" if shared else f"{c} reserve {reserves[c]:g} d"
            panel.axhline(reserves[c], color=RESERVE_COLOR if shared else color, ls="--",
                          lw=1.3, label=label)  # fmt: skip
        finite = np.concatenate([a[np.isfinite(a)] for a in (lo, mid, hi)] + [np.array([1.0])])
        key = id(panel)
        cut[key] = cut.get(key, False) or bool(np.any(hi[np.isfinite(hi)] > DAYS_CAP))
        tops[key] = max(tops.get(key, 0.0), min(DAYS_CAP, float(finite.max())), reserves[c])
        top = top_of[key] = DAYS_CAP if cut[key] else tops[key] * 1.08
        panel.set_ylim(0, top)
        panel.set_xlim(x[0], x[-1])
        date_axis(panel)
        cut_axis(panel, top, cut[key])
        notes = [f"axis cut at {DAYS_CAP:g} d"] if cut[key] else []
        if np.isposinf(hi).any():
            notes.append("∞ (nothing consumed) off the top")
        if ax is None and not np.isfinite(np.concatenate([lo, mid, hi])).any():
            # nothing drawn to show: say why in the panel, not only in a corner note
            panel.text(0.5, 0.5, NEVER_USED.format(c), transform=panel.transAxes, ha="center",
                       va="center", fontsize=9, color="#555555",
                       gid=f"never_used:{name}")  # fmt: skip
        if ax is None and notes:  # on a white ground: over the band
            panel.text(0.995, 0.98, "; ".join(notes), transform=panel.transAxes, ha="right",
                       va="top", fontsize=7, color="#555555", zorder=5,
                       bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1.5})  # fmt: skip
        if ax is None:
            below = probs.get(mk.probability_key(c, "below_reserve", seg), math.nan)
            out = probs.get(mk.probability_key(c, "depleted", seg), math.nan)
            title = f"{panel_title(c, seg)}\nP(below reserve) {below:.0%}, P(runs out) {out:.0%}"
            panel.set_title(title, loc="left", fontsize=10)
            panel.set_ylabel("days of supply")
    for key, (panel, artists) in drawn.items():
        # to the panel's own top (an infinite median is drawn far above it), not the cap
        clip = data_clip(panel, top_of[key])
        for artist in artists:
            artist.set_clip_path(clip)
    what = f"Days of supply, N = {mc.n:,} replications (median, P5–P95)"
    if ax is None:
        width = max(4.0, fig.get_figwidth() - LEGEND_INCHES)  # clear of the legend
        title = scenario_title(what, mc.scenario.description, mc.scenario.name, width)
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
        if placed:  # one legend for all panels, on the right
            handles, labels = placed[0][1].get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)
        date_labels([p for _, p in placed])
        source_line(fig, _source(mc))
    else:
        title = f"{what} — {headline(mc.scenario.description, mc.scenario.name)}"
        ax.set_title(textwrap.fill(title, 90), loc="left", fontsize=11)
        ax.set_ylabel("days of supply")
        ax.set_xlabel("date (UTC)")
        notes = [f"axis cut at {DAYS_CAP:g} d"] if any(cut.values()) else []
        notes += ["∞ (nothing consumed) off the top"] if infinite else []
        handles = ax.get_legend_handles_labels()[0]
        handles += [Line2D([], [], ls="none", label=n) for n in notes]
        ax.legend(handles=handles, loc="upper right", fontsize=8, frameon=False)
    return fig


def _mark_out_of_stock(
    panel: Axes,
    mc: MonteCarloResult,
    c: str,
    seg: str | None,
    x: np.ndarray,
    color: str,
    labelled: bool,
) -> None:
    """A bar along the bottom of ``panel`` over the weeks when at least :data:`OUT_SHARE`
    of the replications have none of ``c`` (in segment ``seg``) left."""
    share = mc.fan_out_share(c, seg)
    if share is None or not mc.n:
        return
    out = share >= OUT_SHARE
    if not out.any():
        return
    label = f"≥ {OUT_SHARE:.0%} of runs out of stock" if labelled else None
    panel.fill_between(x, 0, 0.025, where=out, step="mid", color=color, alpha=0.9, lw=0,
                       transform=panel.get_xaxis_transform(), label=label,
                       gid=f"out:{c}" if seg is None else f"out:{c}:{seg}")  # fmt: skip


def _source(mc: MonteCarloResult) -> str:
    """The fan's source line: scenario, ensemble seed, replications, version."""
    from sim._version import __version__

    return (
        f"Scenario {mc.scenario.name}, ensemble seed {mc.seed}, {mc.n:,} replications "
        f"sampled weekly; iss-sim {__version__}. Dates UTC."
    )
