"""Timeline chart of a run: one row per launch pad (outages, launches) and per docking port
(which vehicle occupies it, and when), on the run's dated axis."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.plots.style import (
    AXES_SHARE,
    FAILURE_COLOR,
    OUTAGE_COLOR,
    SEGMENT_COLORS,
    AnyRun,
    Axes,
    Figure,
    finish_run_axes,
    lay_out,
    new_axes,
    outside_legend,
    run_source,
    run_title,
    source_line,
    to_date,
    to_dates,
)
from sim.results.rundata import RunData, as_run

__all__ = ["timeline_chart"]

CARGO_COLOR = "#009E73"
AT_START_COLOR = "#999999"


def timeline_chart(run: AnyRun, ax: Axes | None = None) -> Figure:
    """One row per pad (outages shaded, launches as ticks) and per port (occupancy bars,
    labelled by flight where the bar is wide enough)."""
    r = as_run(run)
    own = ax is None
    pads, visits = r.pads(), r.port_visits()
    used = {port for port, *_ in visits}
    ports = [p for p in r.port_names if p in used] + sorted(used - set(r.port_names))
    rows = [f"pad {p}" for p in pads] + [f"port {p}" for p in ports]
    fig, ax = new_axes(ax, size=(11.0, max(3.0, 0.36 * len(rows) + 1.9)))
    row = {name: i for i, name in enumerate(rows)}
    day: Any = np.timedelta64(86400, "s")
    labels: list[_Label] = []
    bars: dict[int, list[tuple[float, float]]] = {}

    def label(y: int, start: float, end: float, text: str) -> None:
        at = to_date(r.epoch, max(start, 0.0) + 2.0)
        artist = ax.text(at, y, text, va="center", fontsize=7.5, clip_on=True)
        labels.append(_Label(artist, y, start, end))

    def bar(y: int, start: float, end: float, face: str, **kw: Any) -> None:
        bars.setdefault(y, []).append((start, end))
        ax.broken_barh(
            [(to_date(r.epoch, start), (end - start) * day)], (y - 0.36, 0.72), facecolor=face, **kw
        )

    for pad, start, end, detail in r.outages():
        bar(row[f"pad {pad}"], start, end, OUTAGE_COLOR, alpha=0.55, hatch="//", edgecolor="none")
        label(row[f"pad {pad}"], start, end, f"down ({detail})")
    for kind, marker, color in (("launch", "|", "black"), ("launch_failure", "X", FAILURE_COLOR)):
        for pad in pads:
            t = [e.day for e in r.events if e.kind == kind and e.pad == pad]
            ax.plot(to_dates(r.epoch, t), [row[f"pad {pad}"]] * len(t), ls="none",
                    marker=marker, ms=11 if marker == "|" else 8, mew=1.5, color=color)  # fmt: skip
    kinds = _vehicle_kinds(r)
    for port, who, start, end, forced in visits:
        y, color = row[f"port {port}"], kinds.get(who, AT_START_COLOR)
        bar(y, start, end, color, alpha=0.4, edgecolor=color, lw=1)
        label(y, start, end, who)
        if forced:
            ax.plot([to_date(r.epoch, end)], [y - 0.36], marker="X", ms=8, color="black", ls="none")
    for who, arrived, docked in r.waits():
        y = row[f"port {next(p for p, w, *_ in visits if w == who)}"]
        ax.plot(to_dates(r.epoch, [arrived, docked]), [y + 0.47] * 2, color="black", ls=":", lw=1.5)
    names = [f"pad {r.pad_name(p)}" for p in pads] + [f"port {r.port_name(p)}" for p in ports]
    ax.set_yticks(range(len(rows)), names, fontsize=8.5)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    if pads and ports:
        ax.axhline(len(pads) - 0.5, color="#555555", lw=0.8)
    width = float(fig.get_size_inches()[0])
    finish_run_axes(
        ax, r, None, None, run_title("Pads and ports", r, AXES_SHARE * width), legend=False
    )
    ax.set_xlabel("date (UTC)")
    if own:
        source_line(fig, run_source(r))
    outside_legend(ax, _timeline_legend(r, {kinds.get(v[1], AT_START_COLOR) for v in visits}))
    unlabelled = _place_labels(fig, ax, r, labels, bars)
    if unlabelled:  # in a line the layout (as measured) does not depend on
        note = f"{unlabelled} stay{'s' * (unlabelled > 1)} too short to name."
        if own:
            source_line(fig, f"{run_source(r)} {note}")
        else:
            ax.set_title(note, loc="right", fontsize=8, color="#555555")
    return fig


class _Label(NamedTuple):
    """A bar's label: the text, its row and the bar's days."""

    text: Any
    row: int
    start: float
    end: float


def _vehicle_kinds(r: RunData) -> dict[str, str]:
    """Bar colour by flight id: crew by segment, cargo; vehicles docked at epoch are absent."""
    out = {}
    for f in r.flights:
        rs, us = f.get("crew_RS") or 0, f.get("crew_USOS") or 0
        kind = "RS" if rs >= us and rs > 0 else "USOS" if us > 0 else None
        out[str(f["id"])] = SEGMENT_COLORS[kind] if kind else CARGO_COLOR
    return out


def _timeline_legend(r: RunData, colors: set[str]) -> list[Any]:
    """Legend entries for what the timeline of ``r`` shows (bar ``colors`` in use)."""

    def patch(color: str, label: str, **kw: Any) -> Patch:
        alpha = kw.pop("alpha", 0.4)
        return Patch(facecolor=color, alpha=alpha, edgecolor=color, label=label, **kw)

    def mark(marker: str, color: str, label: str, **kw: Any) -> Line2D:
        ls = kw.pop("ls", "none")
        return Line2D([], [], ls=ls, marker=marker, color=color, label=label, **kw)

    kinds = {e.kind for e in r.events}
    entries = [
        (SEGMENT_COLORS["RS"] in colors, patch(SEGMENT_COLORS["RS"], "RS crew vehicle")),
        (SEGMENT_COLORS["USOS"] in colors, patch(SEGMENT_COLORS["USOS"], "USOS crew vehicle")),
        (CARGO_COLOR in colors, patch(CARGO_COLOR, "cargo vehicle")),
        ("on_station" in kinds, patch(AT_START_COLOR, "docked at start")),
        ("pad_down" in kinds, patch(OUTAGE_COLOR, "pad outage", alpha=0.55, hatch="//")),
        ("launch" in kinds, mark("|", "black", "launch", ms=11, mew=1.5)),
        ("launch_failure" in kinds, mark("X", FAILURE_COLOR, "launch failure", ms=8)),
        ("forced_return" in kinds, mark("X", "black", "forced return", ms=8)),
        ("port_wait" in kinds, mark("", "black", "waiting for a port", ls=":", lw=1.5)),
    ]
    return [entry for shown, entry in entries if shown]


def _place_labels(
    fig: Figure,
    ax: Axes,
    r: RunData,
    labels: list[_Label],
    bars: dict[int, list[tuple[float, float]]],
) -> int:
    """Fit each bar label, measured once laid out: inside its bar (shortened by dropping
    a bracketed part, then in smaller type, if need be), else beside it (right, then
    left) in the free part of its row, else inside by its last word (``MS-35``); a label
    that fits nowhere is removed. Returns how many were removed."""
    renderer = lay_out(fig)
    box = ax.get_window_extent(renderer)
    px_per_day = box.width / r.horizon_days
    taken: dict[int, list[tuple[float, float]]] = {}  # outside labels placed, in days
    removed = 0
    for lab in labels:
        text = lab.text
        text.set_in_layout(False)
        start, end = max(lab.start, 0.0), min(lab.end, r.horizon_days)
        room = (end - start - 3) * px_per_day
        if text.get_window_extent(renderer).width > room and " (" in text.get_text():
            text.set_text(text.get_text().split(" (")[0])
        if text.get_window_extent(renderer).width <= room:
            continue
        text.set_fontsize(6.5)  # smaller type, still inside
        if text.get_window_extent(renderer).width <= room:
            continue
        if _beside(text, lab, r, bars, taken, px_per_day, renderer):
            continue
        name = text.get_text()
        text.set_text(name.rsplit(" ", 1)[-1])  # "MS-35" of "Progress MS-35", inside
        text.set_fontsize(6.5)
        if " " not in name or text.get_window_extent(renderer).width > room:
            text.remove()
            removed += 1
    return removed


def _beside(
    text: Any,
    lab: _Label,
    r: RunData,
    bars: dict[int, list[tuple[float, float]]],
    taken: dict[int, list[tuple[float, float]]],
    px_per_day: float,
    renderer: Any,
) -> bool:
    """Put ``text`` just right or left of its bar where its row is free; True if placed."""
    others = [b for b in bars.get(lab.row, []) if b != (lab.start, lab.end)]
    others += taken.get(lab.row, [])
    for size in (7.5, 6.5):
        text.set_fontsize(size)
        need = text.get_window_extent(renderer).width / px_per_day + 1.5  # days
        for lo, hi, ha in (
            (lab.end + 1.0, lab.end + 1.0 + need, "left"),
            (lab.start - 1.0 - need, lab.start - 1.0, "right"),
        ):
            inside = lo >= 0 and hi <= r.horizon_days
            if inside and all(hi <= a or lo >= b for a, b in others):
                text.set_x(to_date(r.epoch, lo if ha == "left" else hi))
                text.set_horizontalalignment(ha)
                text.set_color("#333333")
                taken.setdefault(lab.row, []).append((lo, hi))
                return True
    return False
