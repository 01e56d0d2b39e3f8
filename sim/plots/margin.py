"""Days-of-supply charts: one run's supply margin, and several runs overlaid.

Each chart takes a :class:`~sim.results.rundata.RunData` or a
:class:`~sim.results.result.Result` and an optional matplotlib ``ax``, and returns the
figure. Dates are UTC; days of supply are days at the current crew and usage; ``inf``
(nothing consumed) is drawn off the top. A consumable with a stock per segment is drawn
one panel per segment (the worst segment at each instant when all is on one ``ax``).

The data fill the lower part of each axes, up to the axis cut at most; the rows above it
hold markers (launches and dockings, outage bars): no line is drawn through them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots.style import (
    AXES_SHARE,
    FAILURE_COLOR,
    LINE_STYLES,
    OKABE_ITO,
    OUTAGE_COLOR,
    RESERVE_COLOR,
    SEGMENT_NAMES,
    AnyRun,
    Axes,
    Figure,
    consumable_styles,
    cut_axis,
    data_clip,
    date_axis,
    date_labels,
    finish_run_axes,
    keep_clear,
    lay_out,
    new_axes,
    new_grid,
    outside_legend,
    panel_grid,
    panel_rows,
    panel_title,
    run_source,
    run_title,
    shade_outages,
    source_line,
    to_date,
    to_dates,
)
from sim.results.metrics import iso_date
from sim.results.rundata import RunData, as_run

__all__ = ["DAYS_CAP", "margin_chart", "overlay_chart"]

DAYS_CAP = 365.0
"""Days-of-supply axes stop at this or twice the median value, whichever is larger (with a
note), when a margin is larger: spikes do not squash the range near the reserve."""

LINE_COLORS = [c for c in OKABE_ITO if c not in (OUTAGE_COLOR, "#F0E442")]
"""Palette of the runs of an overlay: Okabe-Ito without the outage orange and the pale
yellow."""
DATA_TOP = 0.78
"""Share of a run chart's axes height that holds the data; the event rows are above."""
_LAUNCH_ROW, _DOCK_ROW = 0.82, 0.865  # axes fractions of the event markers
_NAMES_FROM = 0.885  # named flights: above their marker, up to the top of the axes


def margin_chart(
    run: AnyRun, ax: Axes | None = None, consumables: Sequence[str] | None = None
) -> Figure:
    """Days of supply of each consumable against the date, with reserve line(s), pad
    outages shaded, launches/dockings/failures marked above the data (the dockings that
    end a reserve breach and the failed launches named), the first reserve breach and
    every depletion noted. Titled by what the scenario asks (its description), with the
    run's source along the bottom.

    A run with stocks per segment gets one panel per segment (RS above USOS), each with
    that segment's own stocks (a station-wide pool is drawn in both, labelled so) and its
    transfers in from the other segment marked along the bottom; given ``ax``, it draws
    the worst segment of each consumable on that one panel instead."""
    r = as_run(run)
    ids = _check_ids(r, consumables)
    styles = consumable_styles(r.consumables)
    segments = r.segments()
    if ax is not None or not segments:
        own = ax is None
        fig, ax = new_axes(ax)
        width = float(fig.get_size_inches()[0])
        _margin_panel(ax, r, ids, None, run_title("Days of supply", r, AXES_SHARE * width), styles)
        ax.set_xlabel("date (UTC)")
        if own:
            source_line(fig, run_source(r))
        _place_notes(fig, [ax])
        return fig
    fig, axes = new_grid(len(segments), 1, size=(12.0, 3.9 * len(segments) + 1.0))
    for panel, seg in zip(axes, segments, strict=True):
        _margin_panel(panel, r, ids, seg, SEGMENT_NAMES[seg], styles)
    axes[-1].set_xlabel("date (UTC)")
    fig.suptitle(run_title("Days of supply by segment", r, 12.0), x=0.01, ha="left", fontsize=13)
    source_line(fig, run_source(r))
    _place_notes(fig, axes)
    return fig


_NOTES = "_notes"  # the attribute of an axes holding its callouts, placed once laid out


def _place_notes(fig: Figure, axes: Sequence[Axes]) -> None:
    """Keep the callouts of each panel inside the data area, clear of each other and of
    the tick labels; the flight names in the rows above."""
    for ax in axes:  # inside the axes: no part of the layout
        for text in (t for group in getattr(ax, _NOTES, ()) for t in group):
            text.set_in_layout(False)
    renderer = lay_out(fig)
    for ax in axes:
        notes, names, fixed = getattr(ax, _NOTES, ([], [], []))
        keep_clear(fig, ax, notes, top=DATA_TOP, avoid=fixed, renderer=renderer)
        keep_clear(fig, ax, names, bottom=_NAMES_FROM, renderer=renderer)


def _margin_panel(
    ax: Axes,
    r: RunData,
    ids: list[str],
    seg: str | None,
    title: str,
    styles: dict[str, tuple[str, Any]],
) -> None:
    """One panel of the margin chart: every consumable of ``ids`` as held in segment
    ``seg`` (None: the worst segment of each)."""
    x = to_dates(r.epoch, r.series["day"])
    if seg is not None:  # a stock the other segment holds for the whole station is there
        ids = [c for c in ids if len(r.stocks.get(c, [])) != 1 or seg in r.stocks[c]]
    reserves = {c: r.reserve_days[c] for c in ids}
    columns = {c: _column(r, c, seg) for c in ids}
    top, notes = _days_scale(
        [r.series[col] for col, _ in columns.values()], list(reserves.values()), ids
    )
    colors = {c: styles[c][0] for c in ids}
    clip = data_clip(ax, top)
    for c in ids:  # dashes keep coinciding lines (same days of supply) visible
        col, label = columns[c]
        (line,) = ax.plot(x, _shown(r.series[col], top), color=colors[c], lw=1.8,
                          ls=styles[c][1], label=label,
                          gid=f"days:{c}" if seg is None else f"days:{c}:{seg}")  # fmt: skip
        line.set_clip_path(clip)
    fixed = _reserve_lines(ax, r, reserves, colors)
    shade_outages(ax, r)
    names = _event_rows(ax, r, {c: columns[c][0] for c in ids}, colors)
    callouts = _annotate_breach(ax, r, ids, colors, seg)
    callouts += _annotate_depletions(ax, r, ids, colors, seg, columns)
    _mark_transfers(ax, r, ids, colors, seg)
    fixed += _mark_infinite(ax, r, [columns[c][0] for c in ids], top)
    cut = any(n.startswith("axis cut") for n in notes)
    if seg is None and r.segments():
        notes = ["worst segment at each instant", *notes]
    notes = [textwrap.fill(n, 36, break_on_hyphens=False) for n in notes]
    finish_run_axes(ax, r, top / DATA_TOP, "days of supply", title, notes)
    cut_axis(ax, top, cut)
    setattr(ax, _NOTES, (callouts, names, fixed))


def _column(r: RunData, c: str, seg: str | None) -> tuple[str, str]:
    """(series column, legend label) of consumable ``c`` in a panel of segment ``seg``."""
    own = r.stocks.get(c, [])
    if seg is None:
        return f"{c}_days", c
    if seg in own and len(own) > 1:
        return f"{c}_{seg}_days", c
    if own:  # one segment holds it for the whole station
        return f"{c}_days", f"{c} (whole station)"
    return f"{c}_days", f"{c} (station pool)"


def _in_panel(r: RunData, e: Any, seg: str | None) -> bool:
    """Whether the stock event ``e`` (below_reserve, depleted) is of the stock a panel of
    segment ``seg`` shows (None: every stock): a split stock's own segment, or the one
    stock of a consumable held whole."""
    return seg is None or len(r.stocks.get(e.subject, [])) < 2 or e.segment == seg


def _mark_transfers(
    ax: Axes, r: RunData, ids: list[str], colors: dict[str, str], seg: str | None
) -> None:
    """Each transfer into this panel's segment as a bar along the bottom of the axes."""
    if seg is None:
        return
    band = ax.get_xaxis_transform()
    labelled: set[str] = set()
    for e in r.events:
        if e.kind != "transfer" or e.subject not in ids or e.segment != seg:
            continue
        end = e.day + (e.days or 0.0)
        label = "_" if e.subject in labelled else f"{e.subject} in from {e.donor}"
        labelled.add(e.subject)
        ax.plot(to_dates(r.epoch, [e.day, end]), [0.012, 0.012], color=colors[e.subject],
                lw=5, solid_capstyle="butt", transform=band, label=label,
                gid=f"transfer:{e.subject}:{seg}", scalex=False, scaley=False)  # fmt: skip


def overlay_chart(
    runs: Sequence[AnyRun], consumable: str | None = None, ax: Axes | None = None
) -> Figure:
    """Days of supply of ``consumable`` for several runs on the same axes, labelled by
    scenario, each run in the same colour and dashes in every panel. A consumable some run
    holds per segment gets a panel per segment (RS above USOS), each run's stock in that
    segment. Without a consumable: small multiples of every consumable (a segmented one
    fills a row, RS beside USOS). Given ``ax``: ``consumable`` (default the one with the
    lowest margin) on that axes alone, the worst segment of each run."""
    rs = [as_run(r) for r in runs]
    if not rs:
        raise ValueError("overlay_chart needs at least one run")
    names = _run_labels(rs)
    ids = list(dict.fromkeys(c for r in rs for c in r.consumables))
    if consumable is not None and consumable not in ids:
        raise ValueError(f"unknown consumable {consumable!r}; the runs have {', '.join(ids)}")
    split = {c for r in rs for c, segs in r.stocks.items() if len(segs) > 1}
    handles = _overlay_handles(rs, names)
    if ax is None and (consumable is None or consumable in split):
        notes: list[str] = []
        if consumable is None:  # narrow panels: which runs hold one station stock, in the key
            rows, width = panel_rows(ids, split), 32  # width: characters of a panel's note
            fig, panels = panel_grid(rows, 12.0, 2.9, 1.2)
            title = _overlay_title(names, None, 120)
            for c in (c for c in ids if c in split):
                if station := _station_runs(rs, names, c):
                    notes.append(f"{c}: one station stock in {', '.join(station)}")
            notes = [textwrap.fill(n, 34, break_on_hyphens=False) for n in notes]
        else:  # one consumable per segment: stacked, the dates as wide as they can be
            rows, width = [[(consumable, "RS")], [(consumable, "USOS")]], 75
            fig, panels = panel_grid(rows, 10.0, 3.6, 0.9)
            title = _overlay_title(names, consumable, 100)
        bar_names = []
        for (c, seg), panel in panels:
            bar_names += _overlay_panel(panel, rs, names, c, seg, panel_title(c, seg), width)
        date_labels([p for _, p in panels])
        fig.suptitle(title, x=0.01, ha="left", fontsize=13)
        source_line(fig, _overlay_source(rs, names))
        _corner_legend(fig, max(map(len, rows)), handles, notes)
        _fit_bar_names(fig, bar_names)
        return fig
    c = consumable or min(ids, key=lambda k: _lowest(rs, k))
    own = ax is None
    fig, ax = new_axes(ax)
    bar_names = _overlay_panel(ax, rs, names, c, None, _overlay_title(names, c, 100))
    ax.set_xlabel("date (UTC)")
    outside_legend(ax, handles)
    if own:
        source_line(fig, _overlay_source(rs, names))
    _fit_bar_names(fig, bar_names)
    return fig


def _overlay_source(rs: list[RunData], names: list[str]) -> str:
    """The source line of an overlay: each run's scenario and seed, the version(s)."""
    from sim._version import __version__

    seeds = {r.seed for r in rs}
    if len(seeds) == 1:  # the usual case: say it once
        seed = next(iter(seeds))
        runs = ", ".join(names) + ("" if seed is None else f" (seed {seed})")
    else:
        runs = "; ".join(
            n if r.seed is None else f"{n} (seed {r.seed})" for r, n in zip(rs, names, strict=True)
        )
    versions = ", ".join(dict.fromkeys(r.version or __version__ for r in rs))
    return textwrap.shorten(f"Runs: {runs}. iss-sim {versions}. Dates UTC.", 400)


# -- pieces ------------------------------------------------------------------------------


def _check_ids(r: RunData, wanted: Sequence[str] | None) -> list[str]:
    ids = list(wanted) if wanted is not None else r.consumables
    unknown = [c for c in ids if c not in r.reserve_days]
    if unknown or not ids:
        raise ValueError(f"unknown consumable(s) {unknown}; the run has {r.consumables}")
    return ids


def _days_scale(
    arrays: list[np.ndarray], reserves: list[float], names: Sequence[str] = ()
) -> tuple[float, list[str]]:
    """Top of the data area (days) and notes on what does not fit: the top is the axis
    cut itself when a value is well above it, else the largest value and 5%. ``names``
    (one per array): the lines that stay above the cut throughout are named in a note."""
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    top = max(([float(finite.max())] if finite.size else []) + reserves + [1.0])
    cap = max(DAYS_CAP, 2.0 * float(np.median(finite))) if finite.size else top
    notes = []
    if top > 1.1 * cap:  # a short spike should not squash the range near the reserve
        top = float(round(cap))
        notes.append(f"axis cut at {top:.0f} days")
        for name, a in zip(names, arrays, strict=False):
            used = a[np.isfinite(a)]  # never consumed (all ∞) has its own note
            if used.size and np.all(a > top):
                low = float(np.min(used))
                notes.append(f"{name}: above the cut throughout (lowest {low:.0f} d)")
    else:
        top *= 1.05
    if any(np.isposinf(a).any() for a in arrays):
        notes.append("∞ (nothing consumed) runs off the top")
    return top, notes


def _shown(y: np.ndarray, top: float) -> np.ndarray:
    """Days of supply to draw: +inf becomes a value far above the axis."""
    return np.where(np.isposinf(y), top * 100.0, y)


def _reserve_lines(
    ax: Axes, r: RunData, reserves: dict[str, float], colors: dict[str, str]
) -> list[Any]:
    """The reserve line(s); returns the text labelling a shared one."""
    x = to_dates(r.epoch, [0.0, r.horizon_days])
    if len(set(reserves.values())) == 1:
        level = next(iter(reserves.values()))
        ax.plot(x, [level, level], color=RESERVE_COLOR, ls="--", lw=1.6,
                label=f"reserve ({level:g} days)", gid="reserve")  # fmt: skip
        return [ax.text(x[0], level, f" reserve {level:g} d", va="bottom", fontsize=8,
                        color="#555555")]  # fmt: skip
    for c, level in reserves.items():
        ax.plot(x, [level, level], color=colors[c], ls="--", lw=1.1, alpha=0.8,
                label=f"{c} reserve ({level:g} d)", gid=f"reserve:{c}")  # fmt: skip
    return []


def _breach_ends(r: RunData, columns: dict[str, str]) -> dict[str, str]:
    """The dockings that lift a consumable of ``columns`` (id: series column) from below
    its reserve to or above it: flight id -> the consumable (the first one lifted)."""
    day = r.series["day"]
    docks: dict[float, list[str]] = {}
    for e in r.events:
        if e.kind == "dock":
            docks.setdefault(round(e.day, 6), []).append(e.subject)
    ends: dict[str, str] = {}
    for c, col in columns.items():
        y, level = r.series[col], r.reserve_days[c] * (1 - 1e-9)
        up = np.flatnonzero((y[:-1] < level) & (y[1:] >= level) & (day[1:] == day[:-1])) + 1
        for i in up:  # a jump at one instant: something docked (or crew left)
            for who in docks.get(round(float(day[i]), 6), []):
                ends.setdefault(who, c)
    return ends


_CREW_RULES = {"evacuation": "{} evacuated", "decrew": "{} home early"}
"""Crew rules that act, named in the event rows: the text for the event's subject."""


def _event_rows(ax: Axes, r: RunData, columns: dict[str, str], colors: dict[str, str]) -> list[Any]:
    """Launches, dockings and launch failures as markers in rows above the data; the
    dockings that end a reserve breach (in the colour of the consumable) and the failed
    launches named above them. Returns the names (annotations)."""
    band = ax.get_xaxis_transform()
    for kind, y, marker, color, label in (
        ("launch", _LAUNCH_ROW, "^", "#333333", "launch"),
        ("dock", _DOCK_ROW, "o", "#333333", "docking"),
        ("launch_failure", _LAUNCH_ROW, "X", FAILURE_COLOR, "launch failure (named)"),
    ):
        t = [e.day for e in r.events if e.kind == kind]
        if t:
            ax.plot(to_dates(r.epoch, t), [y] * len(t), ls="none", marker=marker, color=color,
                    ms=8 if marker == "X" else 4.5, transform=band, clip_on=False, label=label,
                    scalex=False, scaley=False, gid=f"rug:{kind}")  # fmt: skip
    crew = [e for e in r.events if e.kind in _CREW_RULES]
    if crew:
        ax.plot(to_dates(r.epoch, [e.day for e in crew]), [_DOCK_ROW] * len(crew), ls="none",
                marker="s", ms=6, color="black", transform=band, clip_on=False,
                label="crew sent home (named)", scalex=False, scaley=False,
                gid="rug:crew")  # fmt: skip
    ends = _breach_ends(r, columns)
    names = []
    for e in r.events:
        if e.kind == "dock" and e.subject in ends:
            color, at, text = colors[ends[e.subject]], _DOCK_ROW, e.subject
        elif e.kind == "launch_failure":
            color, at, text = FAILURE_COLOR, _LAUNCH_ROW, f"{e.subject} fails"
        elif e.kind in _CREW_RULES:
            color, at, text = "black", _DOCK_ROW, _CREW_RULES[e.kind].format(e.subject)
        else:
            continue
        when = to_date(r.epoch, e.day)
        if e.kind == "dock":
            ax.plot([when], [at], ls="none", marker="o", ms=7, mfc=color, mec="black", mew=0.8,
                    transform=band, clip_on=False, scalex=False, scaley=False,
                    gid=f"ends_breach:{e.subject}")  # fmt: skip
        box = {"boxstyle": "square,pad=0.15", "fc": "white", "ec": color, "lw": 0.8}
        names.append(ax.annotate(text, (when, at), xycoords=("data", "axes fraction"),
                                 xytext=(0, 7), textcoords="offset points", ha="center",
                                 va="bottom", fontsize=7.5, color="black", bbox=box,
                                 annotation_clip=False, gid=f"name:{e.subject}"))  # fmt: skip
    if ends:
        ax.plot([], [], ls="none", marker="o", ms=7, mfc="white", mec="black", mew=0.8,
                label="docking that ends a breach (named)")  # fmt: skip
    return names


def _annotate_breach(
    ax: Axes, r: RunData, ids: list[str], colors: dict[str, str], seg: str | None = None
) -> list[Any]:
    """A dot, in the consumable's colour, where each consumable first goes below its
    reserve; a callout on the first of all (in segment ``seg``'s stocks; None: any)."""
    firsts = {}
    for e in r.events:
        first = e.kind == "below_reserve" and e.subject in ids and e.subject not in firsts
        if first and _in_panel(r, e, seg):
            firsts[e.subject] = e.day
    named = min(firsts.items(), key=lambda kv: kv[1])[0] if firsts else None
    for c, t in sorted(firsts.items(), key=lambda kv: kv[0] == named):  # the named one on top
        ax.plot(to_dates(r.epoch, [t]), [r.reserve_days[c]], "o", color=colors[c], ms=7,
                mec="black", mew=0.8, gid=f"breach:{c}", label="_", zorder=4)  # fmt: skip
    if not firsts:
        return []
    c, t = min(firsts.items(), key=lambda kv: kv[1])
    left = t > 0.15 * r.horizon_days  # nothing is below the reserve before the first breach
    when = to_date(r.epoch, t)
    note = ax.annotate(f"first below reserve:\n{c}, {iso_date(r.epoch, t)}",
                       (when, r.reserve_days[c]), xytext=(-12 if left else 14, 22),
                       textcoords="offset points", ha="right" if left else "left", fontsize=8.5,
                       arrowprops={"arrowstyle": "->", "color": "black"}, zorder=6,
                       bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": colors[c]},
                       gid=f"first_breach:{c}")  # fmt: skip
    return [note]


def _annotate_depletions(
    ax: Axes,
    r: RunData,
    ids: list[str],
    colors: dict[str, str],
    seg: str | None,
    columns: dict[str, tuple[str, str]],
) -> list[Any]:
    """Every depletion of a consumable of ``ids`` in this panel's stocks: a cross at 0 in
    its colour and a label with the date and how long it stays empty."""
    labels = []
    day = r.series["day"]
    for e in r.events:
        if e.kind != "depleted" or e.subject not in ids or not _in_panel(r, e, seg):
            continue
        c, when = e.subject, to_date(r.epoch, e.day)
        y = r.series[columns[c][0]]
        back = np.flatnonzero((day > e.day) & (y > 1e-9))
        span = f"for {day[back[0]] - e.day:.0f} days" if back.size else "to the end"
        where = f" ({e.segment})" if seg is None and len(r.stocks.get(c, [])) > 1 else ""
        ax.plot([when], [0], "X", color=colors[c], ms=10, mec="black", clip_on=False,
                label="_", gid=f"depleted:{c}", zorder=5)  # fmt: skip
        labels.append(ax.annotate(f"{c}{where} runs out {iso_date(r.epoch, e.day)}\n{span}",
                                  (when, 0), xytext=(8, 14), textcoords="offset points",
                                  fontsize=8, color="black", zorder=6,
                                  arrowprops={"arrowstyle": "-", "color": colors[c], "lw": 0.8},
                                  bbox={"boxstyle": "round,pad=0.3", "fc": "white",
                                        "ec": colors[c], "alpha": 0.9},
                                  gid=f"depletion:{c}"))  # fmt: skip
    return labels


def _mark_infinite(ax: Axes, r: RunData, columns: list[str], top: float) -> list[Any]:
    """Where days of supply become infinite (nothing consumed), say so at the top of the
    data area; returns the texts."""
    inf = np.any([np.isposinf(r.series[col]) for col in columns], axis=0)
    texts = []
    for i in np.flatnonzero(inf & ~np.concatenate([[False], inf[:-1]])):
        at = (to_date(r.epoch, r.series["day"][i]), top)
        texts.append(ax.annotate("↑ ∞: nothing consumed", at, xytext=(4, -4),
                                 textcoords="offset points", fontsize=8, va="top",
                                 color="#333333"))  # fmt: skip
    return texts


def _run_labels(rs: list[RunData]) -> list[str]:
    """Scenario names, with the folder name added where two runs share a name."""
    names = [r.scenario for r in rs]
    return [
        f"{n} ({Path(r.source).name if r.source else i + 1})" if names.count(n) > 1 else n
        for i, (n, r) in enumerate(zip(names, rs, strict=True))
    ]


def _lowest(rs: list[RunData], c: str) -> float:
    values = [float(np.min(r.series[f"{c}_days"])) for r in rs if c in r.reserve_days]
    return min(values) if values else math.inf


def _overlay_handles(rs: list[RunData], names: list[str]) -> list[Any]:
    """Legend entries of an overlay: one line per run, the reserve line, the outage bars."""
    handles: list[Any] = [
        Line2D([], [], color=LINE_COLORS[i % len(LINE_COLORS)], ls=LINE_STYLES[i % 4], label=name)
        for i, name in enumerate(names)
    ]
    handles.append(Line2D([], [], color=RESERVE_COLOR, ls="--", label="reserve"))
    if any(r.outages() for r in rs):
        label = "pad outages: a bar per run\nin its colour, above the data"
        handles.append(Patch(color="#888888", alpha=0.6, label=label))
    if any(e.kind == "depleted" for r in rs for e in r.events):
        handles.append(Line2D([], [], ls="none", marker="X", ms=8, color="#888888", mec="black",
                              label="runs out (at 0)"))  # fmt: skip
    return handles


def _corner_legend(fig: Figure, cols: int, handles: list[Any], notes: list[str]) -> None:
    """The key of a grid of ``cols`` columns at its top right, below the figure's title
    however long: in that cell if it is empty, else beside its panel."""
    corner = fig.axes[cols - 1]
    if corner.get_visible():
        outside_legend(corner, handles, notes)
        return
    corner.set_visible(True)
    corner.axis("off")
    outside_legend(corner, handles, notes, at=(0.0, 1.0))


def _overlay_title(names: list[str], consumable: str | None, width: int) -> str:
    """``Days of supply[ of <consumable>]: A vs B vs C``, or with only the first and last
    run when that is longer than ``width`` characters (the key names them all)."""
    what = "Days of supply" if consumable is None else f"Days of supply of {consumable}"
    title = f"{what}: " + " vs ".join(names)
    if len(title) > width:
        title = f"{what}: {names[0]} … {names[-1]} ({len(names)} runs)"
    return title if len(title) <= width else f"{what}, {len(names)} runs"


def _station_runs(rs: list[RunData], names: list[str], c: str) -> list[str]:
    """Names of the runs that hold ``c`` as one stock for the whole station."""
    return [
        n
        for r, n in zip(rs, names, strict=True)
        if c in r.reserve_days and not _overlay_column(r, c, "RS")[1]
    ]


def _notes_text(notes: list[str], width: int) -> str:
    """``notes`` on one line if they fit in ``width`` characters, else one (wrapped) each."""
    line = "; ".join(notes)
    if len(line) <= width:
        return line
    return "\n".join(textwrap.fill(n, width, break_on_hyphens=False) for n in notes)


def _overlay_column(r: RunData, c: str, seg: str | None) -> tuple[str, bool]:
    """(series column, whether it is the stock asked for) of ``c`` in segment ``seg``'s
    panel: a run holding ``c`` as one stock for the station shows that stock there."""
    own = r.stocks.get(c, [])
    if seg is not None and seg in own and len(own) > 1:
        return f"{c}_{seg}_days", True
    return f"{c}_days", seg is None


def _overlay_panel(
    ax: Axes,
    rs: list[RunData],
    names: list[str],
    c: str,
    seg: str | None,
    title: str,
    note_width: int = 90,
) -> list[tuple[Any, float, float]]:
    """One consumable's days of supply (in segment ``seg``; None: station-wide, the worst
    segment) for every run that has it, reserve, depletions; pad outages as a bar per run
    above the data, named by pad; notes top right, in lines of ``note_width`` characters
    (fewer than the names of the runs holding one station stock have: their number
    instead, the names being in the key). Returns the bars' names with their bars' ends
    (as date numbers), to fit once laid out (:func:`_fit_bar_names`)."""
    have = [(i, r) for i, r in enumerate(rs) if c in r.reserve_days]
    columns = [_overlay_column(r, c, seg) for _, r in have]
    arrays = [r.series[col] for (_, r), (col, _) in zip(have, columns, strict=True)]
    reserves = {r.reserve_days[c] for _, r in have}
    top, notes = _days_scale(arrays, sorted(reserves))
    cut = any(n.startswith("axis cut") for n in notes)
    station = [names[i] for (i, _), (_, mine) in zip(have, columns, strict=True) if not mine]
    if station:  # drawn in both segments' panels, so say which runs they are
        note = f"one station stock: {', '.join(station)}"
        if len(note) > note_width:
            note = f"{len(station)} run{'s' * (len(station) > 1)}: one station stock (key)"
        notes = [note, *notes]
    elif seg is None and any(len(r.stocks.get(c, [])) > 1 for _, r in have):
        notes = ["worst segment at each instant", *notes]
    barred = [(i, r) for i, r in have if r.outages()]
    data_top = 1.0 - (0.02 + _BAR_ROW * len(barred) if barred else 0.0)
    clip = data_clip(ax, top)
    for (i, r), y, (col, _) in zip(have, arrays, columns, strict=True):
        color = LINE_COLORS[i % len(LINE_COLORS)]
        gid = f"overlay:{c}:{i}" if seg is None else f"overlay:{c}:{seg}:{i}"
        (line,) = ax.plot(to_dates(r.epoch, r.series["day"]), _shown(y, top), color=color, lw=1.8,
                          ls=LINE_STYLES[i % 4], label=names[i], gid=gid)  # fmt: skip
        line.set_clip_path(clip)
        out = [e.day for e in r.events if e.kind == "depleted" and e.subject == c
               and _overlay_event_here(r, e, seg, col)]  # fmt: skip
        if out:
            ax.plot(to_dates(r.epoch, out), [0] * len(out), ls="none", marker="X", ms=9,
                    color=color, mec="black", clip_on=False, zorder=5,
                    gid=f"depleted:{c}:{i}")  # fmt: skip
    bar_names = []
    for k, (i, r) in enumerate(barred):  # one row of bars per run, above the data
        hi = 1.0 - 0.01 - _BAR_ROW * k
        lo = hi - _BAR_ROW + 0.008
        for pad, start, end, _ in r.outages():
            t0, t1 = to_date(r.epoch, start), to_date(r.epoch, end)
            ax.axvspan(t0, t1, ymin=lo, ymax=hi, color=LINE_COLORS[i % len(LINE_COLORS)],
                       alpha=0.6, lw=0, gid=f"outage:{c}:{i}")  # fmt: skip
            text = ax.text(t0, (lo + hi) / 2, f" {r.pad_name(pad)} down", va="center",
                           fontsize=6.5, transform=ax.get_xaxis_transform(), clip_on=True,
                           gid=f"outage_name:{i}")  # fmt: skip
            text.set_in_layout(False)
            span = mdates.date2num([t0, t1])  # type: ignore[no-untyped-call]
            bar_names.append((text, float(span[0]), float(span[1])))
    for level in reserves:  # one grey line per distinct reserve level, labelled
        ax.axhline(level, color=RESERVE_COLOR, ls="--", lw=1.4, alpha=0.9, zorder=1.5)
        ax.text(0.002, level, f" reserve {level:g} d", va="bottom", fontsize=7.5,
                color="#555555", transform=ax.get_yaxis_transform())  # fmt: skip
    ax.set_xlim(
        min(to_date(r.epoch, 0.0) for r in rs), max(to_date(r.epoch, r.horizon_days) for r in rs)
    )
    ax.set_ylim(0, top / data_top)
    date_axis(ax)
    cut_axis(ax, top, cut)
    ax.set_ylabel("days of supply")
    ax.set_title(title, loc="left", fontsize=11)
    if notes:
        ax.set_title(_notes_text(notes, note_width), loc="right", fontsize=8, color="#555555")
    return bar_names


_BAR_ROW = 0.045
"""Height of a run's row of outage bars, a fraction of the panel's height."""


def _overlay_event_here(r: RunData, e: Any, seg: str | None, column: str) -> bool:
    """Whether the stock event ``e`` is of the series ``column`` a panel of ``seg`` draws
    for run ``r``."""
    own = r.stocks.get(e.subject, [])
    if seg is None or len(own) < 2:
        return True
    return column == f"{e.subject}_{seg}_days" and e.segment == seg


def _fit_bar_names(fig: Figure, bar_names: list[tuple[Any, float, float]]) -> None:
    """Each outage bar's name inside the bar if it fits, else just after it (in the same
    row), else just before it, else left out, measured once laid out."""
    if not bar_names:
        return
    renderer = lay_out(fig)
    for text, start, end in bar_names:
        ax = text.axes
        x0, x1 = ax.get_xlim()
        px_per_unit = ax.get_window_extent(renderer).width / (x1 - x0)
        width = text.get_window_extent(renderer).width / px_per_unit  # in date units
        if width <= (min(end, x1) - max(start, x0)):
            continue
        if end + width <= x1:
            text.set_x(end)
            text.set_color("#333333")
        elif start - width >= x0:  # before the bar, then
            text.set_text(text.get_text().strip() + " ")
            text.set_horizontalalignment("right")
            text.set_color("#333333")
        else:
            text.remove()
