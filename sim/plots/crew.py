"""The crew chart of a run: people on board by segment against the lifeboat seats."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from sim.plots.style import (
    FAILURE_COLOR,
    SEGMENT_COLORS,
    AnyRun,
    Axes,
    Figure,
    finish_run_axes,
    new_axes,
    shade_outages,
    to_date,
    to_dates,
)
from sim.results.rundata import as_run

__all__ = ["crew_chart"]


def crew_chart(run: AnyRun, ax: Axes | None = None) -> Figure:
    """People on board stacked by segment (RS, USOS), the docked lifeboat seats as a line,
    forced returns marked, pad outages shaded."""
    r = as_run(run)
    fig, ax = new_axes(ax)
    s = r.series
    x = to_dates(r.epoch, s["day"])
    ax.stackplot(x, s["crew_RS"], s["crew_USOS"], labels=["RS crew", "USOS crew"], alpha=0.9,
                 colors=[SEGMENT_COLORS["RS"], SEGMENT_COLORS["USOS"]], lw=0, zorder=2)  # fmt: skip
    ax.plot(x, s["crew"], color="#333333", lw=0.8, label="_total", gid="crew_total")
    ax.plot(x, s["seats"], color="black", lw=2, ls="--", label="lifeboat seats", gid="seats")
    short = s["crew"] > s["seats"]
    if short.any():
        ax.fill_between(
            x, s["seats"], s["crew"], where=short, color="none", hatch="xxx",
            edgecolor=FAILURE_COLOR, lw=0, label="crew without a seat",
        )  # fmt: skip
    top = max(float(np.max(s["crew"])), float(np.max(s["seats"])), 1.0) + 1.5
    forced = [(e.day, e.subject) for e in r.events if e.kind == "forced_return"]
    for i, (t, who) in enumerate(forced):
        when = to_date(r.epoch, t)
        ax.axvline(when, color="black", ls=":", lw=1.2, label="forced return" if i == 0 else "_")
        ax.text(when, top * 0.97, f" {who} forced home", rotation=90, va="top", fontsize=8)
    shade_outages(ax, r)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    finish_run_axes(ax, r, top, "people on board", f"{r.scenario}: crew on board")
    return fig
