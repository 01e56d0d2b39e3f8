"""The altitude chart of a run: mean altitude, the reboost line and the floor, with every
reboost marked by who paid for it and the stretches with no reboost possible."""

from __future__ import annotations

import numpy as np

from sim.plots.style import (
    AXES_SHARE,
    FAILURE_COLOR,
    RESERVE_COLOR,
    SEGMENT_COLORS,
    AnyRun,
    Axes,
    Figure,
    finish_run_axes,
    new_axes,
    run_source,
    run_title,
    shade_outages,
    source_line,
    to_date,
    to_dates,
)
from sim.results.metrics import iso_date
from sim.results.rundata import as_run

__all__ = ["altitude_chart", "has_altitude"]

STATION_PAID = SEGMENT_COLORS["RS"]
"""Reboosts paid from the station's (Russian) tanks."""
VEHICLE_PAID = SEGMENT_COLORS["USOS"]
"""Reboosts paid from a docked vehicle's own budget."""


def has_altitude(run: AnyRun) -> bool:
    """Whether the run models the altitude (its series has ``altitude_km``)."""
    return "altitude_km" in as_run(run).series


def altitude_chart(run: AnyRun, ax: Axes | None = None) -> Figure:
    """Mean altitude (km) over the run; reboost line and floor dashed; reboosts marked
    (by a docked vehicle or from station propellant); where no reboost could be paid,
    and the first time under the floor, labelled. Pad outages shaded."""
    r = as_run(run)
    if "altitude_km" not in r.series:
        raise ValueError(f"{r.scenario}: the run does not model the altitude")
    own = ax is None
    fig, ax = new_axes(ax)
    s = r.series
    x = to_dates(r.epoch, s["day"])
    km = s["altitude_km"]
    ax.plot(x, km, color="black", lw=1.6, label="mean altitude", gid="altitude", zorder=3)
    lines = r.altitude or {}
    floor = lines.get("floor_km")
    at = lines.get("reboost_at_km")
    if at is not None:
        ax.axhline(at, color=RESERVE_COLOR, ls="--", lw=1, label=f"reboost at {at:g} km")
    if floor is not None:
        ax.axhline(floor, color=FAILURE_COLOR, ls="--", lw=1.4, label=f"floor {floor:g} km")
    boosts = [e for e in r.events if e.kind == "reboost" and e.km]
    for paid_by_vehicle, color, label in (
        (True, VEHICLE_PAID, "reboost by a docked vehicle"),
        (False, STATION_PAID, "reboost from station propellant"),
    ):
        days = [e.day for e in boosts if (e.vehicle is not None) == paid_by_vehicle]
        if days:
            y = np.interp(days, s["day"], km)
            ax.scatter(to_dates(r.epoch, np.asarray(days)), y, marker="^", s=28,
                       color=color, zorder=4, label=label)  # fmt: skip
    lo = min(float(np.min(km)), floor if floor is not None else float(np.min(km)))
    hi = float(np.max(km))
    span = max(hi - lo, 5.0)
    for e in r.events:
        if e.kind == "no_reboost":
            when = to_date(r.epoch, e.day)
            ax.axvline(when, color=STATION_PAID, ls=":", lw=1.2)
            ax.annotate(f"no reboost possible\nfrom {iso_date(r.epoch, e.day)}",
                        (when, lo + 0.15 * span), fontsize=8, color=STATION_PAID,
                        ha="left")  # fmt: skip
        elif e.kind == "below_min_altitude":
            when = to_date(r.epoch, e.day)
            ax.annotate(f"under the floor {iso_date(r.epoch, e.day)}", (when, lo + 0.05 * span),
                        fontsize=8, color=FAILURE_COLOR, ha="left", weight="bold")  # fmt: skip
    shade_outages(ax, r)
    title = run_title(
        "Station altitude and reboosts", r, AXES_SHARE * float(fig.get_size_inches()[0])
    )
    finish_run_axes(ax, r, None, "mean altitude (km)", title)
    ax.set_ylim(lo - 0.1 * span, hi + 0.1 * span)
    ax.set_xlabel("date (UTC)")
    if own:
        source_line(fig, run_source(r))
    return fig
