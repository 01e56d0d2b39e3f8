"""Shared chart style: colour-blind-safe colours, dated axes, figure creation and saving.

Every chart function in the package takes an optional matplotlib ``ax`` and returns the
figure; this module gives them one look. Import matplotlib only through here so that the
headless Agg backend is chosen when no display exists.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import matplotlib

if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from sim.results.result import Result
from sim.results.rundata import RunData

__all__ = [
    "AXES_SHARE",
    "CONSUMABLE_COLORS",
    "CREATOR",
    "DEFAULT_DPI",
    "LINE_STYLES",
    "OKABE_ITO",
    "SEGMENT_NAMES",
    "AnyRun",
    "Axes",
    "Figure",
    "color_for",
    "consumable_styles",
    "cut_axis",
    "data_clip",
    "date_axis",
    "date_labels",
    "drawn_by_us",
    "finish_run_axes",
    "headline",
    "keep_clear",
    "lay_out",
    "new_axes",
    "new_grid",
    "outside_legend",
    "panel_grid",
    "panel_rows",
    "panel_title",
    "run_source",
    "run_title",
    "save",
    "scenario_title",
    "shade_outages",
    "source_line",
    "to_date",
    "to_dates",
]

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
"""Okabe & Ito's colour-blind-safe palette."""

SEGMENT_COLORS = {"RS": "#D55E00", "USOS": "#0072B2"}
SEGMENT_NAMES = {"RS": "Russian segment (RS)", "USOS": "US segment (USOS)"}
RESERVE_COLOR = "#7f7f7f"
OUTAGE_COLOR = "#E69F00"
FAILURE_COLOR = "#D55E00"

CONSUMABLE_COLORS = {
    "food": "#0072B2",  # blue
    "water": "#009E73",  # bluish green
    "oxygen": "#CC79A7",  # reddish purple
    "propellant": "#D55E00",  # vermillion: far from food's blue
}
"""One colour per consumable in every chart (margin, overlay key aside, fan, sweep)."""
_OTHER_COLORS = ["#56B4E9", "#000000", "#882255", "#117733"]
"""For consumables not in :data:`CONSUMABLE_COLORS`, in their order."""
LINE_STYLES: list[Any] = ["-", (0, (6, 2)), (0, (6, 2, 1.5, 2)), (0, (1.5, 1.5))]
"""Dashes by position: lines that coincide stay visible."""

AnyRun = RunData | Result
"""What a run chart draws: a result folder read back, or a run in memory."""

Panel = tuple[str, str | None]
"""(consumable, segment) a panel of small multiples shows; segment None: station-wide."""


def color_for(i: int) -> str:
    """The i-th palette colour (cycling)."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def consumable_styles(ids: Sequence[str]) -> dict[str, tuple[str, Any]]:
    """(colour, dashes) of each consumable of ``ids`` (a run's in the scenario's order):
    its own colour if it has one (:data:`CONSUMABLE_COLORS`), else the next spare one;
    dashes by position."""
    spare = iter(_OTHER_COLORS * (1 + len(ids) // len(_OTHER_COLORS)))
    return {
        c: (CONSUMABLE_COLORS.get(c) or next(spare), LINE_STYLES[i % len(LINE_STYLES)])
        for i, c in enumerate(ids)
    }


def headline(description: str, name: str, width: int = 120) -> str:
    """What a scenario asks, in a few words for a chart title: the first clause of its
    ``description`` (two when the first is short), without bracketed asides or its
    "Question:", at most ``width`` characters (cut at a word, with "…"); ``name`` when
    there is no description."""
    text = " ".join(description.split())
    text = text.split("Question:")[0]
    while (bare := re.sub(r"\s*\([^()]*\)", "", text)) != text:  # nested brackets too
        text = bare
    clauses = [c.strip() for c in re.split(r"[.;:](?:\s+|$)", text) if c.strip()]
    if not clauses:
        return name
    head = clauses[0]
    if len(head) < 32 and len(clauses) > 1:
        head = f"{head}; {clauses[1]}"
    if len(head) > width:
        head = head[: width - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return head


AXES_SHARE = 0.72
"""About the share of a run chart's width that its axes take (the key is on the right):
the room of a title over the axes."""


def run_title(what: str, r: RunData, width: float) -> str:
    """``<what> — <headline of the scenario>``, on at most two lines ``width`` inches wide
    (the figure's for a figure title, ``AXES_SHARE`` of it over an axes) at 12-13 pt."""
    return scenario_title(what, r.description, r.scenario, width)


def scenario_title(what: str, description: str, name: str, width: float) -> str:
    """``<what> — <headline of the scenario>`` (its ``description``, else its ``name``), on
    at most two lines ``width`` inches wide at 12-13 pt (about 10 characters an inch)."""
    chars = int(width * 10)
    text = f"{what} — {headline(description, name, 2 * chars - len(what) - 12)}"
    return textwrap.fill(text, chars)


def run_source(r: RunData) -> str:
    """Where a run chart comes from: scenario, seed, the iss-sim version that ran it."""
    from sim._version import __version__

    seed = "" if r.seed is None else f", seed {r.seed}"
    return f"Scenario {r.scenario}{seed}; iss-sim {r.version or __version__}. Dates UTC."


def source_line(fig: Figure, text: str) -> None:
    """``text`` in small grey type along the bottom left of the figure, in lines as wide
    as the figure (space is made for it by the constrained layout)."""
    chars = int(float(fig.get_size_inches()[0]) * 17)
    fig.supxlabel(textwrap.fill(text, chars, break_on_hyphens=False), x=0.005, ha="left",
                  fontsize=7.5, color="#555555")  # fmt: skip


def to_dates(epoch: date, days: Any) -> np.ndarray:
    """Days since ``epoch`` (array-like) as numpy datetime64 values for plotting."""
    start = np.datetime64(datetime(epoch.year, epoch.month, epoch.day), "s")
    seconds = np.round(np.asarray(days, dtype=float) * 86400.0).astype("int64")
    return start + seconds.astype("timedelta64[s]")


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (10, 5.5)) -> tuple[Figure, Axes]:
    """Use ``ax`` (and its figure) or make a new figure of ``size`` inches."""
    if ax is not None:
        fig = ax.figure
        assert isinstance(fig, Figure)
        return fig, ax
    fig, new = plt.subplots(figsize=size, layout="constrained")
    return fig, new


def date_axis(ax: Axes) -> None:
    """Readable month ticks on a date x axis, light grid."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(True, axis="both", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


CREATOR = "iss-sim"
"""Written into every chart's metadata (PNG ``Software``, SVG ``Creator``): how
``iss-sim plot`` knows a chart file it may replace (:func:`drawn_by_us`)."""


DEFAULT_DPI = 120
"""Pixels per inch of a PNG chart unless ``--dpi`` says otherwise."""


def save(fig: Figure, path: str | Path, dpi: int = DEFAULT_DPI) -> Path:
    """Save ``fig`` (format from the suffix: .png at ``dpi``, or .svg with its text as
    text, editable) and close it."""
    path = Path(path)
    svg = path.suffix.lower() == ".svg"
    key = "Creator" if svg else "Software"
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, dpi=dpi, metadata={key: CREATOR})
    plt.close(fig)
    return path


def drawn_by_us(path: Path) -> bool:
    """Whether the chart file ``path`` was written by :func:`save` (its metadata, near the
    start of the file, names :data:`CREATOR`)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if path.suffix.lower() == ".svg":
        return f"<dc:title>{CREATOR}</dc:title>".encode() in head
    return b"Software\x00" + CREATOR.encode() in head


def new_grid(nrows: int, ncols: int, size: tuple[float, float]) -> tuple[Figure, list[Axes]]:
    """A new figure of ``size`` inches with an ``nrows`` x ``ncols`` grid of axes sharing x,
    the axes listed row by row."""
    fig, grid = plt.subplots(nrows, ncols, figsize=size, sharex=True, layout="constrained")
    return fig, list(np.atleast_1d(grid).ravel())


def panel_rows(ids: Sequence[str], split: Collection[str]) -> list[list[Panel]]:
    """Panels of consumables ``ids``, two to a row: one held per segment (in ``split``) fills
    a row of its own, RS left and USOS right; the others pair up in their order."""
    rows: list[list[Panel]] = []
    waiting: list[Panel] = []  # a single panel waiting for a partner
    for c in ids:
        if c in split:
            rows.append([(c, "RS"), (c, "USOS")])
        elif waiting:
            waiting.append((c, None))
            waiting = []
        else:
            waiting = [(c, None)]
            rows.append(waiting)  # filled in place if a partner comes
    return rows


def panel_grid(
    rows: list[list[Panel]], width: float, row_height: float, extra: float
) -> tuple[Figure, list[tuple[Panel, Axes]]]:
    """A figure of ``width`` x (``row_height`` per row + ``extra``) inches with the axes of
    ``rows`` (from :func:`panel_rows`, or one panel a row), sharing x; unused cells hidden."""
    cols = max(map(len, rows), default=1)
    fig, axes = new_grid(max(1, len(rows)), cols, (width, row_height * max(1, len(rows)) + extra))
    placed = []
    for r, row in enumerate(rows):
        for k in range(cols):
            ax = axes[r * cols + k]
            if k < len(row):
                placed.append((row[k], ax))
            else:  # the axes above then carries the dates
                ax.set_visible(False)
                if r:
                    axes[(r - 1) * cols + k].xaxis.set_tick_params(labelbottom=True)
    for ax in axes[len(rows) * cols :]:  # no rows at all
        ax.set_visible(False)
    return fig, placed


def panel_title(c: str, segment: str | None) -> str:
    """``food``, or ``Russian segment (RS) — food`` for one segment's stock."""
    return c if segment is None else f"{SEGMENT_NAMES[segment]} — {c}"


def to_date(epoch: date, day: float) -> Any:
    """One day offset as a numpy datetime64, for text and spans on a date axis."""
    return to_dates(epoch, [day])[0]


def outside_legend(
    ax: Axes,
    handles: list[Any] | None = None,
    notes: Iterable[str] = (),
    at: tuple[float, float] = (1.01, 1.0),
) -> None:
    """The legend (of ``handles``, default the labelled artists) outside the axes on the
    right (its top left corner ``at``, in axes coordinates), ending with ``notes``: lines
    of text with no symbol."""
    if handles is None:
        handles = ax.get_legend_handles_labels()[0]
    handles = [*handles, *(Line2D([], [], ls="none", label=note) for note in notes)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=at, fontsize=8.5, frameon=False)


def date_labels(panels: Sequence[Axes]) -> None:
    """ "date (UTC)" under the lowest of ``panels`` in each column of their grid."""
    lowest: dict[int, tuple[int, Axes]] = {}
    for panel in panels:
        spec = panel.get_subplotspec()
        if spec is not None:
            col, row = spec.colspan.start, spec.rowspan.start
            if col not in lowest or row > lowest[col][0]:
                lowest[col] = (row, panel)
    for _, panel in lowest.values():
        panel.set_xlabel("date (UTC)")


def finish_run_axes(
    ax: Axes,
    r: RunData,
    top: float | None,
    ylabel: str | None,
    title: str,
    notes: Sequence[str] = (),
    legend: bool = True,
) -> None:
    """Dated x axis over the run ``r``, y axis from 0 to ``top``, title, legend outside on the
    right (ending with ``notes``) unless ``legend`` is False."""
    ax.set_xlim(to_date(r.epoch, 0.0), to_date(r.epoch, r.horizon_days))
    if top is not None:
        ax.set_ylim(0, top)
    if ylabel:
        ax.set_ylabel(ylabel)
    date_axis(ax)
    ax.set_title(title, loc="left", fontsize=12)
    if legend:
        outside_legend(ax, notes=notes)


def shade_outages(ax: Axes, r: RunData, zorder: float = 0.6, alpha: float = 0.2) -> None:
    """Shade every pad outage of ``r`` across the axes, one hatch per pad, named by the
    pad's name in the legend."""
    spans = r.outages()
    pads = list(dict.fromkeys(pad for pad, *_ in spans))
    labelled: set[str] = set()
    for pad, start, end, _ in spans:
        hatch = [None, "//", "\\\\", "xx"][min(pads.index(pad), 3)]
        label = "_" if pad in labelled else f"{r.pad_name(pad)} down"
        labelled.add(pad)
        ax.axvspan(to_date(r.epoch, start), to_date(r.epoch, end), color=OUTAGE_COLOR,
                   alpha=alpha, lw=0, hatch=hatch, label=label, zorder=zorder)  # fmt: skip


def lay_out(fig: Figure) -> Any:
    """Place the axes of ``fig`` as saving it will (its layout engine, without drawing)
    and return a renderer to measure texts with."""
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def data_clip(ax: Axes, top: float) -> Rectangle:
    """The data area of ``ax`` (days of supply 0 to ``top``, every date): lines clipped to
    it stop at the axis cut, below the marker rows."""
    area = blended_transform_factory(ax.transAxes, ax.transData)
    return Rectangle((0.0, -1e9), 1.0, top + 1e9, transform=area, fc="none", ec="none")


def cut_axis(ax: Axes, top: float, cut: bool) -> None:
    """Ticks and grid only in the data area (0 to ``top``), a line where it ends; with
    ``cut``, that line is the cut and its value is the top tick."""
    ticks = [t for t in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top)
             if 0 <= t <= top + 1e-9]  # fmt: skip
    if cut:
        step = ticks[1] - ticks[0] if len(ticks) > 1 else top
        ticks = [t for t in ticks if top - t > 0.45 * step] + [top]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.axhline(top, color="#555555" if cut else "#bbbbbb", lw=0.9 if cut else 0.6, zorder=1.2,
               gid="data_top")  # fmt: skip


def keep_clear(
    fig: Figure,
    ax: Axes,
    texts: Sequence[Any],
    bottom: float = 0.0,
    top: float = 1.0,
    avoid: Sequence[Any] = (),
    renderer: Any = None,
) -> None:
    """Move each text of ``texts`` (annotations placed in offset points) by the least
    step that keeps its box inside ``ax`` between ``bottom`` and ``top`` (fractions of
    the axes height), so clear of the tick labels outside it, and clear of the texts
    before it and of ``avoid``: measured once laid out (``renderer`` from
    :func:`lay_out`, else laid out here), trying steps of one box height up, then down.
    The texts take no part in the layout, so that it stays as measured."""
    if not texts:
        return
    for text in texts:
        text.set_in_layout(False)
    renderer = renderer or lay_out(fig)
    box = ax.get_window_extent(renderer)
    lo_y, hi_y = box.y0 + bottom * box.height + 2, box.y0 + top * box.height - 2
    placed = [t.get_window_extent(renderer) for t in avoid]
    per_px = 72.0 / fig.dpi
    for text in texts:
        ext = _extent(text, renderer)
        dx = max(0.0, box.x0 + 2 - ext.x0) - max(0.0, ext.x1 - (box.x1 - 2))
        dy = max(0.0, lo_y - ext.y0) - max(0.0, ext.y1 - hi_y)
        best = None
        for k in (0, 1, -1, 2, -2, 3, -3, 4, 5, 6):
            shift = dy + k * (ext.height + 3)
            moved = ext.translated(dx, shift)
            if moved.y0 < lo_y - 0.5 or moved.y1 > hi_y + 0.5:
                continue
            clash = sum(moved.overlaps(p) for p in placed)
            if best is None or clash < best[0]:
                best = (clash, shift, moved)
            if not clash:
                break
        shift, moved = (dy, ext.translated(dx, dy)) if best is None else best[1:]
        x, y = text.xyann
        text.xyann = (x + dx * per_px, y + shift * per_px)
        placed.append(moved)


def _extent(text: Any, renderer: Any) -> Any:
    """The window extent of ``text`` with its box, if it has one."""
    ext = text.get_window_extent(renderer)  # an annotation places itself here
    patch = text.get_bbox_patch()
    if patch is None:
        return ext
    text.update_bbox_position_size(renderer)
    return patch.get_window_extent(renderer)
