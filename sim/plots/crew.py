"""The crew chart of a run: people on board by segment against the lifeboat seats, with
what sent crew home (forced returns, evacuations, decrews) and when a segment had nobody."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.plots.style import (
    AXES_SHARE,
    FAILURE_COLOR,
    SEGMENT_COLORS,
    AnyRun,
    Axes,
    Figure,
    finish_run_axes,
    new_axes,
    outside_legend,
    run_source,
    run_title,
    shade_outages,
    source_line,
    to_date,
    to_dates,
)
from sim.results.metrics import iso_date
from sim.results.rundata import RunData, as_run

__all__ = ["crew_chart", "uncrewed_spans"]

_MARKED = {
    "forced_return": ("{} forced home", ":"),
    "evacuation": ("{} evacuated", "-."),
    "decrew": ("{} home early", "-."),
    "lifeboat_damaged": ("{} damaged: no lifeboat", (0, (5, 1.5, 1, 1.5, 1, 1.5))),
    "crew_transfer": ("crew moved to {}", (0, (1, 1))),
}
"""Events drawn as a vertical line with a label: text for the subject, and dashes."""
OUTAGE_EDGE = (0.6, 0.42, 0.0, 0.45)
"""Hatching of pad outages over the crew: a darker :data:`OUTAGE_COLOR`."""
_LEGEND = {
    "forced_return": "forced return",
    "evacuation": "evacuation (crew rule)",
    "decrew": "decrew (crew rule)",
    "lifeboat_damaged": "lifeboat damaged",
    "crew_transfer": "crew moved to a new lifeboat",
}
_ROWS = {"RS": (0.955, 0.99), "USOS": (0.915, 0.95)}
"""Axes fractions of the bar saying a segment is uncrewed."""


def crew_chart(run: AnyRun, ax: Axes | None = None) -> Figure:
    """People on board stacked by segment (RS, USOS), the docked lifeboat seats as a line
    when they differ from the crew at some time (crew without a seat hatched), forced
    returns, evacuations, decrews and damaged lifeboats marked, the stretches a segment is
    uncrewed barred along the top, pad outages shaded over the whole height."""
    r = as_run(run)
    own = ax is None
    fig, ax = new_axes(ax)
    s = r.series
    x = to_dates(r.epoch, s["day"])
    ax.stackplot(x, s["crew_RS"], s["crew_USOS"], labels=["RS crew", "USOS crew"], alpha=0.9,
                 colors=[SEGMENT_COLORS["RS"], SEGMENT_COLORS["USOS"]], lw=0, zorder=2)  # fmt: skip
    ax.plot(x, s["crew"], color="#333333", lw=0.8, label="_total", gid="crew_total", zorder=2.2)
    notes = []
    if np.any(s["seats"] != s["crew"]):
        ax.plot(x, s["seats"], color="black", lw=2, ls="--", label="lifeboat seats", gid="seats",
                zorder=3.5)  # fmt: skip
    else:
        notes.append("a lifeboat seat for each person throughout")
    short = s["crew"] > s["seats"]
    if short.any():
        ax.fill_between(
            x, s["seats"], s["crew"], where=short, facecolor="white", alpha=0.55, hatch="xx",
            edgecolor=FAILURE_COLOR, lw=0, zorder=3, gid="unseated",
        )  # fmt: skip
    top = max(float(np.max(s["crew"])), float(np.max(s["seats"])), 1.0) * 1.25 + 1.5
    shade_outages(ax, r)
    for _, start, end, _ in r.outages():  # and over the stack: the whole height
        ax.axvspan(to_date(r.epoch, start), to_date(r.epoch, end), facecolor="none",
                   edgecolor=OUTAGE_EDGE, hatch="/", lw=0, zorder=2.6, gid="outage")  # fmt: skip
    labels = _mark_events(ax, r, top)
    handles = ax.get_legend_handles_labels()[0]
    if short.any():
        handles.append(Patch(facecolor="white", hatch="xx", edgecolor=FAILURE_COLOR,
                             label="crew without a lifeboat seat"))  # fmt: skip
    handles += _bar_uncrewed(ax, r)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    title = run_title("Crew on board", r, AXES_SHARE * float(fig.get_size_inches()[0]))
    finish_run_axes(ax, r, top, "people on board", title, legend=False)
    outside_legend(ax, handles, notes)
    ax.set_xlabel("date (UTC)")
    if own:
        source_line(fig, run_source(r))
    for text in labels:
        text.set_in_layout(False)
    return fig


def _mark_events(ax: Axes, r: RunData, top: float) -> list[Any]:
    """A vertical line and a label at each event of :data:`_MARKED`; returns the labels."""
    labels = []
    seen: set[str] = set()
    for e in r.events:
        if e.kind not in _MARKED:
            continue
        text, dashes = _MARKED[e.kind]
        when = to_date(r.epoch, e.day)
        label = _LEGEND[e.kind] if e.kind not in seen else "_"
        seen.add(e.kind)
        ax.axvline(when, color="black", ls=dashes, lw=1.2, label=label, zorder=4,
                   gid=f"{e.kind}:{e.subject}")  # fmt: skip
        why = f" ({e.detail})" if e.kind == "evacuation" and e.detail else ""
        if e.kind == "decrew" and e.consumable is not None and e.days is not None:
            where = f" {e.segment}" if e.segment else ""
            why = f" ({e.consumable}{where} below {e.days:g} days)"
        box = {"fc": "white", "ec": "none", "alpha": 0.75, "pad": 1}
        labels.append(ax.text(when, 0.9, f" {text.format(e.subject)}{why}", rotation=90,
                              va="top", ha="right", fontsize=8, zorder=5, bbox=box,
                              transform=ax.get_xaxis_transform()))  # fmt: skip
    return labels


def uncrewed_spans(r: RunData, segment: str) -> list[tuple[float, float]]:
    """(start, end) days of each stretch with nobody in ``segment`` (RS, USOS)."""
    day, crew = r.series["day"], r.series[f"crew_{segment}"]
    spans: list[tuple[float, float]] = []
    for i in range(len(day) - 1):
        if crew[i] == 0 and crew[i + 1] == 0 and day[i + 1] > day[i]:
            if spans and spans[-1][1] == day[i]:
                spans[-1] = (spans[-1][0], float(day[i + 1]))
            else:
                spans.append((float(day[i]), float(day[i + 1])))
    return spans


def _bar_uncrewed(ax: Axes, r: RunData) -> list[Any]:
    """A hatched bar along the top for each stretch a segment is uncrewed, with its dates
    and length; returns the legend entries."""
    handles = []
    for seg, (lo, hi) in _ROWS.items():
        spans = uncrewed_spans(r, seg)
        color = SEGMENT_COLORS[seg]
        for start, end in spans:
            ax.axvspan(to_date(r.epoch, start), to_date(r.epoch, end), ymin=lo, ymax=hi,
                       facecolor="white", edgecolor=color, hatch="///", lw=1, zorder=4,
                       gid=f"uncrewed:{seg}")  # fmt: skip
            text = f"{seg} uncrewed {iso_date(r.epoch, start)} to {iso_date(r.epoch, end)}"
            ax.text(to_date(r.epoch, start), (lo + hi) / 2, f" {text} ({end - start:.0f} d)",
                    transform=ax.get_xaxis_transform(), va="center", fontsize=7.5, zorder=5,
                    clip_on=True, bbox={"fc": "white", "ec": "none", "pad": 0.5})  # fmt: skip
        if spans:
            handles.append(Patch(facecolor="white", edgecolor=color, hatch="///",
                                 label=f"{seg} uncrewed"))  # fmt: skip
    return handles
