"""Charts of experiments: sweep metrics against the swept parameter, with the reserve line."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from sim.experiments.sweep import SweepResult
from sim.plots.style import RESERVE_COLOR, Axes, Figure, color_for, date_axis, new_axes
from sim.scenario.specs import Value, value_text

__all__ = ["sweep_chart"]

_DOS = ".min_days_of_supply"


def _number(v: Any) -> float:
    """A metric as a float for plotting; None, text and non-finite values are NaN."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return math.nan
    return float(v) if math.isfinite(v) else math.nan


def _label(metric: str) -> str:
    if metric.endswith(_DOS):
        return metric[: -len(_DOS)]
    return metric


def sweep_chart(
    sweep_result: SweepResult, metrics: Sequence[str] | None = None, ax: Axes | None = None
) -> Figure:
    """Numeric ``metrics`` (default: each consumable's minimum days of supply) against the
    first swept parameter, with the reserve line (days) and y from 0.

    With one parameter: one line per metric. With more: one line per combination of the
    other parameters' values, and one panel per metric (only the first metric if ``ax`` is
    given).
    """
    res = sweep_result
    chosen = list(metrics) if metrics else [f"{c}{_DOS}" for c in res.reserve_days]
    missing = [m for m in chosen if m not in res.metric_keys()]
    if missing:
        raise ValueError(f"no metric {missing[0]!r} in this sweep")
    xparam, others = res.params[0], res.params[1:]
    xs = res.values(xparam)
    if not others:
        fig, axis = new_axes(ax)
        for i, metric in enumerate(chosen):
            ys = [_number(r.metrics.get(metric)) for r in res.runs]
            _line(axis, xs, ys, _label(metric), color_for(i))
        _finish(axis, res, chosen, xparam, legend_title=None)
        _y_from_zero(axis, res, chosen)
        axis.set_title(f"{res.scenario}: {_what(chosen)} by {xparam}")
        return fig
    panels = chosen[:1] if ax is not None else chosen
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
            _line(axis, xs, [by_x.get(x, math.nan) for x in xs], label, color_for(i))
        _finish(axis, res, [metric], xparam, legend_title=", ".join(others))
        axis.set_title(_label(metric) if metric.endswith(_DOS) else metric, fontsize=10)
    for metric, axis in zip(panels, grid, strict=False):
        # after every panel is drawn, so that shared y limits cover all of them
        _y_from_zero(axis, res, [metric])
        spec = axis.get_subplotspec()
        if ax is None and spec is not None and not spec.is_last_row():
            axis.set_xlabel("")
    fig.suptitle(f"{res.scenario}: {_what(panels)} by {xparam}")
    return fig


def _what(metrics: Sequence[str]) -> str:
    if all(m.endswith(_DOS) for m in metrics):
        return "minimum days of supply"
    return metrics[0] if len(metrics) == 1 else "metrics"


def _x_array(xs: Sequence[Value]) -> np.ndarray | list[str]:
    """Parameter values for an x axis: numbers, dates, or (otherwise) category labels."""
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs):
        return np.array(xs, dtype=float)
    dates = [x for x in xs if isinstance(x, date)]
    if len(dates) == len(xs):
        return np.array([np.datetime64(x.isoformat()) for x in dates])
    return [value_text(x) for x in xs]


def _line(axis: Axes, xs: list[Value], ys: list[float], label: str, color: str) -> None:
    marker = "o" if len(xs) <= 40 else None
    axis.plot(
        _x_array(xs), ys, marker=marker, markersize=3.5, linewidth=1.6, color=color, label=label
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
    axis.set_xlabel(xparam)
    axis.legend(title=legend_title, fontsize=8, title_fontsize=8, frameon=False)


def _y_from_zero(axis: Axes, res: SweepResult, metrics: Sequence[str]) -> None:
    """Start the y axis at 0 unless a value is negative (an honest scale for margins)."""
    ys = [_number(r.metrics.get(m)) for r in res.runs for m in metrics]
    if not any(y < 0 for y in ys):  # NaN compares False: ignored
        axis.set_ylim(bottom=0)
