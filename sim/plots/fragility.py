"""Fragility chart: P(breach | parameter = d) against d, one step curve per criterion with
its 95% Wilson band, and a source line (scenario, replications, seed, version)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import PercentFormatter

from sim._version import __version__
from sim.experiments.fragility import FragilityResult, param_label
from sim.plots.style import Axes, Figure, new_axes, outside_legend

__all__ = ["fragility_chart"]

COLORS = {"reserve": "#0072B2", "depletion": "#D55E00", "uncrewed": "#009E73"}
"""Okabe-Ito colours, one per criterion."""
LEGEND = {
    "reserve": "a consumable below its reserve",
    "depletion": "a consumable runs out",
    "uncrewed": "a segment uncrewed",
}


def _shown(path: str) -> str:
    """A scenario file as the source line names it: relative to here when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:  # another drive (Windows)
        return Path(path).name


def fragility_chart(r: FragilityResult, ax: Axes | None = None) -> Figure:
    """The share of replications breached at each value of the parameter (the empirical
    CDF of their critical values), a step curve and band per criterion, y in percent."""
    own = ax is None
    fig, ax = new_axes(ax, size=(11, 5.8))
    label = param_label(r.param)
    x = np.asarray(r.values, dtype=float)
    unit = f" {label.unit}" if label.unit else ""
    for c in r.criteria:
        p, low, high = r.curve(c)
        color = COLORS[c]
        ax.fill_between(x, low, high, step="post", color=color, alpha=0.18, lw=0,
                        gid=f"band:{c}")  # fmt: skip
        half = r.quantile(c, 0.5)
        ks = r.critical[c]
        if all(k == 0 for k in ks):
            note = f"every run, from {r.lo:g}{unit}"
        elif all(k is None for k in ks):
            note = f"no run up to {r.hi:g}{unit}"
        elif p[0] >= 0.5:
            note = f"{p[0]:.1%} already at {r.lo:g}{unit}"
        elif half is not None:
            note = f"50% from {half:g}{unit}"
        else:
            note = f"{p[-1]:.1%} at {r.hi:g}{unit}"
        ax.step(x, p, where="post", color=color, lw=2, gid=f"curve:{c}",
                label=f"{LEGEND[c]}\n({note})")  # fmt: skip
        if half is not None and p[0] < 0.5:  # where a breach becomes as likely as not
            ax.plot([half], [0.5], "o", color=color, ms=6, mec="white", zorder=5)
        if len(r.checked) == r.n and r.direct.get(c):  # every replication run there too
            shares = [hit / r.n for _, hit in r.direct[c]]
            ax.plot(r.check_values, shares, "D", ms=5, mfc="white", mec=color, mew=1.5,
                    zorder=6, gid=f"runs:{c}")  # fmt: skip
    if len(r.checked) == r.n and r.direct:
        ax.plot([], [], "D", ms=5, mfc="white", mec="#555555", mew=1.5,
                label="share of runs at that value\n(the monotonicity check)")  # fmt: skip
    ax.fill_between([], [], [], color="#888888", alpha=0.3, lw=0, label="95% Wilson interval")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(label.axis)
    ax.set_ylabel("replications breached")
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    outside_legend(ax)
    ax.set_title(
        f"{r.scenario.name}: how likely is a breach, by {label.noun}?", loc="left", fontsize=12
    )
    if own:  # the source below the axes, the layout leaving room for it
        sc = r.scenario
        source = _shown(sc.files[0]) if sc.files else sc.name
        lines = [
            f"{source}; N = {r.n:,} replications, ensemble seed {r.seed} (the same draws at "
            f"every value); {r.runs / r.n:.1f} runs per replication by bisection; iss-sim "
            f"{__version__}"
        ]
        for c in r.criteria:
            bad = {m.seed for m in r.non_monotone if m.criterion == c}
            if bad:
                gap, at = r.largest_gap(c)
                off = "" if at is None else f", {100 * gap:.1f} points off the runs at {at:g}{unit}"
                lines.append(
                    f"{LEGEND[c]}: not monotone on {len(bad):,} of {len(r.checked):,} "
                    f"replications checked, so the curve is approximate there{off} (seeds in "
                    "fragility.json)"
                )
        fig.text(0.01, 0.01, "\n".join(lines), fontsize=7.5, color="#555555", va="bottom")
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            bottom = 0.03 * len(lines)
            engine.set(rect=(0, bottom, 1, 1 - bottom))
    return fig
