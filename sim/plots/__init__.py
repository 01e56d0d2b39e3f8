"""Charts, drawn with matplotlib (headless Agg when there is no display).

Owns the shared style (:mod:`~sim.plots.style`) and one module per chart family: a run's
days of supply and overlays of several runs (:mod:`~sim.plots.margin`), crew on board
(:mod:`~sim.plots.crew`), the pad and port timeline (:mod:`~sim.plots.timeline`), sweeps
(:mod:`~sim.plots.sweep`), Monte Carlo fans (:mod:`~sim.plots.fan`) and fragility curves
(:mod:`~sim.plots.fragility`). Every chart takes an optional ``ax`` and returns the
figure. Plots read results (:mod:`sim.results`, :mod:`sim.experiments`); nothing but the
CLI imports them, so matplotlib is loaded only to draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.plots.altitude import altitude_chart, has_altitude
from sim.plots.crew import crew_chart
from sim.plots.fan import fan_chart
from sim.plots.fragility import fragility_chart
from sim.plots.margin import margin_chart, overlay_chart
from sim.plots.style import DEFAULT_DPI, AnyRun, save
from sim.plots.sweep import sweep_chart
from sim.plots.timeline import timeline_chart
from sim.results.rundata import as_run

__all__ = [
    "altitude_chart",
    "crew_chart",
    "fan_chart",
    "fragility_chart",
    "margin_chart",
    "overlay_chart",
    "save",
    "sweep_chart",
    "timeline_chart",
    "write_overlay_charts",
    "write_run_charts",
]


def write_run_charts(
    run: AnyRun, folder: str | Path, fmt: str = "png", dpi: int = DEFAULT_DPI
) -> list[Path]:
    """Write ``margin``, ``crew`` and ``timeline`` charts (and ``altitude`` when the run
    models it; ``fmt``: png, at ``dpi``, or svg) into ``folder``."""
    r, d = as_run(run), Path(folder)
    charts = {"margin": margin_chart, "crew": crew_chart, "timeline": timeline_chart}
    if has_altitude(r):
        charts["altitude"] = altitude_chart
    return [save(draw(r), d / f"{name}.{fmt}", dpi) for name, draw in charts.items()]


def write_overlay_charts(
    runs: Sequence[AnyRun], folder: str | Path, fmt: str = "png", dpi: int = DEFAULT_DPI
) -> list[Path]:
    """Write ``overlay`` (every consumable) and ``overlay-<consumable>`` into ``folder``
    (``fmt``: png, at ``dpi``, or svg)."""
    rs, d = [as_run(r) for r in runs], Path(folder)
    paths = [save(overlay_chart(rs), d / f"overlay.{fmt}", dpi)]
    for c in dict.fromkeys(c for r in rs for c in r.consumables):
        paths.append(save(overlay_chart(rs, c), d / f"overlay-{c}.{fmt}", dpi))
    return paths
