"""Charts of experiments: sweep metrics against the swept parameter, with the reserve line.

The swept parameter is named for a reader (``Site 31 repair (days)``, not the dotted path)
where its path is a known pattern (:func:`param_label`, the table the fragility chart
uses); each consumable has the colour it has in every other chart, and each line its own
marker and dashes, so that lines that coincide stay apart. By default the uncrewed days
(that ``iss-sim sweep`` tabulates) are drawn too, in a panel of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from sim.experiments.fragility import param_label as param_label_of
from sim.experiments.sweep import SweepResult
from sim.plots.style import (
    LINE_STYLES,
    RESERVE_COLOR,
    SEGMENT_COLORS,
    Axes,
    Figure,
    color_for,
    consumable_styles,
    date_axis,
    new_axes,
    source_line,
)
from sim.results import metrics as mk
from sim.scenario.specs import Value, value_text

__all__ = ["param_label", "param_name", "sweep_chart"]

_DOS = ".min_days_of_supply"
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
"""A marker per line of a panel, in order."""


def param_name(path: str) -> tuple[str, str | None]:
    """(name, unit) of the swept parameter ``path`` for a reader: ``("Site 31 repair",
    "days")`` for ``pads.baikonur-31.outages.0.repair_days``; the path itself when it
    matches no known pattern (one table for every chart:
    :func:`sim.experiments.fragility.param_label`)."""
    label = param_label_of(path)
    return label.name, label.unit or None


def param_label(path: str) -> str:
    """The axis label of the swept parameter ``path``: its name and unit,
    ``Site 31 repair (days)``."""
    return param_label_of(path).axis


def _number(v: Any) -> float:
    """A metric as a float for plotting; None, text and non-finite values are NaN."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return math.nan
    return float(v) if math.isfinite(v) else math.nan


def _label(metric: str) -> str:
    if metric.endswith(_DOS):
        return metric[: -len(_DOS)]
    for seg in ("RS", "USOS"):
        if metric == mk.uncrewed_key(seg):
            return f"{seg} uncrewed"
    if metric == mk.uncrewed_key("station"):
        return "station uncrewed"
    return metric


def _uncrewed(res: SweepResult) -> list[str]:
    """The uncrewed-days metrics of the segments that the sweep has."""
    keys = res.metric_keys()
    return [k for k in (mk.uncrewed_key(s) for s in ("RS", "USOS")) if k in keys]


def _style(res: SweepResult, metric: str, i: int) -> tuple[str, Any, str]:
    """(colour, dashes, marker) of the ``i``-th line of a panel, drawing ``metric``: a
    consumable's own colour, a segment's for its uncrewed days."""
    consumable = metric[: -len(_DOS)] if metric.endswith(_DOS) else None
    if consumable is not None and consumable in res.reserve_days:
        color = consumable_styles(list(res.reserve_days))[consumable][0]
    elif metric in (mk.uncrewed_key("RS"), mk.uncrewed_key("USOS")):
        color = SEGMENT_COLORS["RS" if metric == mk.uncrewed_key("RS") else "USOS"]
    else:
        color = color_for(i)
    return color, LINE_STYLES[i % len(LINE_STYLES)], MARKERS[i % len(MARKERS)]


def sweep_chart(
    sweep_result: SweepResult, metrics: Sequence[str] | None = None, ax: Axes | None = None
) -> Figure:
    """Numeric ``metrics`` (default: each consumable's minimum days of supply, and the
    uncrewed days of each segment in a panel below) against the first swept parameter,
    with the reserve line (days) and y from 0.

    With one parameter: one line per metric. With more: one line per combination of the
    other parameters' values, and one panel per metric (only the first metric if ``ax`` is
    given).
    """
    res = sweep_result
    default = not metrics
    chosen = list(metrics) if metrics else [f"{c}{_DOS}" for c in res.reserve_days]
    missing = [m for m in chosen if m not in res.metric_keys()]
    if missing:
        raise ValueError(f"no metric {missing[0]!r} in this sweep")
    xparam, others = res.params[0], res.params[1:]
    xs = res.values(xparam)
    name = param_name(xparam)[0]
    crew = _uncrewed(res) if default and ax is None else []
    if not others:
        if crew:
            fig, (axis, below) = _two_panels()
        else:
            fig, axis = new_axes(ax)
        for i, metric in enumerate(chosen):
            ys = [_number(r.metrics.get(metric)) for r in res.runs]
            _line(axis, xs, ys, _label(metric), _style(res, metric, i))
        _finish(axis, res, chosen, xparam, legend_title=None)
        _y_from_zero(axis, res, chosen)
        title = f"{_what(chosen).capitalize()} by {name} — {res.scenario}"
        if crew:
            for i, metric in enumerate(crew):
                ys = [_number(r.metrics.get(metric)) for r in res.runs]
                _line(below, xs, ys, _label(metric), _style(res, metric, i))
            _finish(below, res, crew, xparam, legend_title=None)
            below.set_ylabel("days with nobody aboard")
            _y_from_zero(below, res, crew)
            if not any(_number(r.metrics.get(m)) > 0 for r in res.runs for m in crew):
                below.set_ylim(0, 1)
                below.yaxis.set_major_locator(MaxNLocator(integer=True))
                below.text(0.5, 0.5, "no segment uncrewed at any value", ha="center",
                           va="center", transform=below.transAxes, fontsize=9,
                           color="#555555")  # fmt: skip
            axis.set_xlabel("")
            fig.suptitle(title, x=0.01, ha="left", fontsize=12)
        else:
            axis.set_title(title, loc="left", fontsize=12)
        if ax is None:
            source_line(fig, _source(res))
        return fig
    panels = chosen[:1] if ax is not None else chosen + crew
    if ax is not None:
        fig, axes = new_axes(ax)
        grid = [axes]
    else:
        import matplotlib.pyplot as plt

        cols = 1 if len(panels) == 1 else 2
        rows = math.ceil(len(panels) / cols)
        fig, arr = plt.subplots(
            rows,
            cols,
            figsize=(10 if cols == 2 else 8, 3.6 * rows + 0.8),
            layout="constrained",
            sharex=True,
            sharey=all(m.endswith(_DOS) for m in panels),
            squeeze=False,
        )
        grid = list(arr.flat)
        for extra in grid[len(panels) :]:
            extra.set_visible(False)
    for metric, axis in zip(panels, grid, strict=False):
        groups: dict[tuple[Value, ...], dict[Value, float]] = {}
        for r in res.runs:
            key = tuple(r.params[p] for p in others)
            groups.setdefault(key, {})[r.params[xparam]] = _number(r.metrics.get(metric))
        for i, (key, by_x) in enumerate(groups.items()):
            label = ", ".join(value_text(v) for v in key)
            _line(axis, xs, [by_x.get(x, math.nan) for x in xs], label, _style(res, "", i))
        _finish(axis, res, [metric], xparam, legend_title=", ".join(map(param_label, others)))
        axis.set_title(_label(metric), fontsize=10)
    for metric, axis in zip(panels, grid, strict=False):
        # after every panel is drawn, so that shared y limits cover all of them
        _y_from_zero(axis, res, [metric])
        spec = axis.get_subplotspec()
        if ax is None and spec is not None and not spec.is_last_row():
            axis.set_xlabel("")
    fig.suptitle(f"{_what(panels).capitalize()} by {name} — {res.scenario}")
    if ax is None:
        source_line(fig, _source(res))
    return fig


def _two_panels() -> tuple[Figure, tuple[Axes, Axes]]:
    """A figure with a tall panel (days of supply) above a short one (uncrewed days)."""
    import matplotlib.pyplot as plt

    fig, (top, below) = plt.subplots(
        2, 1, figsize=(10, 7.2), sharex=True, layout="constrained", height_ratios=[3, 1.3]
    )
    return fig, (top, below)


def _source(res: SweepResult) -> str:
    """The sweep's source line: scenario, how the runs are seeded, version."""
    from sim._version import __version__

    return (
        f"Scenario {res.scenario}; {len(res.runs)} runs, each seeded from the scenario seed "
        f"and its own parameter values; iss-sim {__version__}."
    )


def _what(metrics: Sequence[str]) -> str:
    if all(m.endswith(_DOS) for m in metrics):
        return "minimum days of supply"
    if all(m.endswith(_DOS) or m in (mk.uncrewed_key(s) for s in mk.UNCREWED) for m in metrics):
        return "minimum days of supply and uncrewed days"
    return metrics[0] if len(metrics) == 1 else "metrics"


def _x_array(xs: Sequence[Value]) -> np.ndarray | list[str]:
    """Parameter values for an x axis: numbers, dates, or (otherwise) category labels."""
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs):
        return np.array(xs, dtype=float)
    dates = [x for x in xs if isinstance(x, date)]
    if len(dates) == len(xs):
        return np.array([np.datetime64(x.isoformat()) for x in dates])
    return [value_text(x) for x in xs]


def _line(
    axis: Axes, xs: list[Value], ys: list[float], label: str, style: tuple[str, Any, str]
) -> None:
    """One line, its marker shrinking with the lines before it in the panel: where lines
    coincide, each marker shows inside the one before."""
    color, dashes, marker = style
    if all(math.isnan(y) for y in ys):
        label = f"{label} (no finite value: not drawn)"
    size = max(3.5, 7.0 - 1.0 * len([ln for ln in axis.lines if ln.get_marker() != "None"]))
    axis.plot(
        _x_array(xs),
        ys,
        marker=marker if len(xs) <= 40 else None,
        markersize=size,
        markerfacecolor="white",
        markeredgewidth=1.3,
        linewidth=1.6,
        linestyle=dashes,
        color=color,
        label=label,
    )


def _finish(
    axis: Axes, res: SweepResult, metrics: Sequence[str], xparam: str, legend_title: str | None
) -> None:
    """Reserve line(s), labels, grid and legend."""
    reserves = sorted(
        {
            res.reserve_days[m[: -len(_DOS)]]
            for m in metrics
            if m.endswith(_DOS) and m[: -len(_DOS)] in res.reserve_days
        }
    )
    for value in reserves:
        axis.axhline(
            value,
            color=RESERVE_COLOR,
            linestyle="--",
            linewidth=1.2,
            label=f"reserve ({value:g} days)",
        )
    if all(m.endswith(_DOS) for m in metrics):
        axis.set_ylabel("minimum days of supply (days)")
    xs = res.values(xparam)
    if xs and all(isinstance(x, date) for x in xs):
        date_axis(axis)
    else:
        axis.grid(True, color="#dddddd", linewidth=0.6)
        axis.set_axisbelow(True)
    axis.set_xlabel(param_label(xparam))
    axis.legend(title=legend_title, fontsize=8, title_fontsize=8, frameon=False)


def _y_from_zero(axis: Axes, res: SweepResult, metrics: Sequence[str]) -> None:
    """Start the y axis at 0 unless a value is negative (an honest scale for margins)."""
    ys = [_number(r.metrics.get(m)) for r in res.runs for m in metrics]
    if not any(y < 0 for y in ys):  # NaN compares False: ignored
        axis.set_ylim(bottom=0)
