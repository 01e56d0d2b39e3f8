"""Every metric and probability key: its name, its unit and how it is computed.

This module is the one place that spells keys. A run's metrics are one flat dict
(``summary.json``'s ``metrics``) whose keys carry their unit: ``food.min_days_of_supply``,
``crew.rs_uncrewed_days``, ``pad.baikonur-31.downtime_days``, ``flight.CRS-34.launch_date``.
Dates are ISO strings (UTC), and a value that does not exist (no breach, not launched) is
``None``. An ensemble's probabilities (``food.p_below_reserve``, ``crew.p_forced_return``)
are computed here too, from the metric columns of its replications. Monte Carlo, critical,
sweeps, reports and compare ask this module for keys instead of formatting them.

A consumable held per segment (or by one segment) also has the keys of each segment's own
stock, ``food.RS.min_days_of_supply``, ``food.USOS.transferred_in_kg`` (see
:data:`SEGMENT_STATS`). Its station keys ``food.*`` then mean the **worst segment at each
instant**, the margin a flight controller watches: the lowest days of supply of any
segment, the first date any segment fell below its reserve or ran out, the time during
which some segment was below its reserve; its masses (``delivered_kg``, ``consumed_kg``,
``shortfall_kg``, ``end_kg``) are the station's totals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from sim.engine.record import RunRecord, StoreStats
from sim.scenario.model import SEGMENTS, Scenario, cargo_kg

__all__ = [
    "CONSUMABLE_STATS",
    "CREW_METRICS",
    "FLIGHT_STATS",
    "GENERATOR_STATS",
    "PAD_STATS",
    "PROBABILITY_MEANINGS",
    "SEGMENT_STATS",
    "STATION_METRICS",
    "UNCREWED",
    "Metric",
    "altitude_lines",
    "compute",
    "consumable_key",
    "flight_key",
    "flight_rows",
    "indicators",
    "iso_date",
    "metric_group",
    "pad_key",
    "probability_key",
    "probability_names",
    "rounded",
    "segment_key",
    "split_consumable_key",
    "stock_segments",
    "uncrewed_key",
]

Metric = float | int | str | None
"""One metric value: a number, an ISO date or a text, or None (does not exist)."""

Unit = Literal["days", "date", "kg", "km", "person-days", "people", "count", "text"]

CONSUMABLE_STATS: dict[str, tuple[Unit, str]] = {
    "min_days_of_supply": ("days", "lowest days of supply over the run"),
    "min_date": ("date", "when the lowest days of supply occurred"),
    "first_below_reserve_date": ("date", "first time days of supply fell below the reserve"),
    "days_below_reserve": ("days", "time spent below the reserve line"),
    "depleted_date": ("date", "first time the stock ran out"),
    "shortfall_kg": ("kg", "use that found the stock empty"),
    "delivered_kg": ("kg", "cargo delivered"),
    "consumed_kg": ("kg", "stock used"),
    "end_kg": ("kg", "stock at the horizon"),
    "undelivered_kg": ("kg", "refuel cargo that docked where it could not be transferred"),
}
"""Per consumable C, the key ``C.<stat>``: unit and meaning, in output order (for a
consumable held per segment: the worst segment, or the station's total mass)."""

SEGMENT_STATS: dict[str, tuple[Unit, str]] = {
    **{k: v for k, v in CONSUMABLE_STATS.items() if k != "undelivered_kg"},
    "transferred_in_kg": ("kg", "received from the other segment (sharing)"),
    "transferred_out_kg": ("kg", "given to the other segment (sharing)"),
}
"""Per consumable C and segment S holding a stock of it, the key ``C.S.<stat>``."""

UNCREWED = (*(s.lower() for s in SEGMENTS), "station")
"""What can be uncrewed: each segment (lower case in keys), or the whole station."""

CREW_METRICS: dict[str, tuple[Unit, str]] = {
    "crew.person_days": ("person-days", "people on board integrated over time"),
    "crew.min_on_board": ("people", "fewest people on board over any stretch of time"),
    **{
        f"crew.{u}_uncrewed_days": ("days", f"time with nobody aboard the {u.upper()} segment")
        for u in UNCREWED[:-1]
    },
    "crew.station_uncrewed_days": ("days", "time with nobody aboard"),
    "crew.forced_returns": ("count", "crewed vehicles sent home at their docked-life limit"),
    "crew.max_stay_days": ("days", "longest stay of a vehicle that brought crew"),
    "crew.evacuations": ("count", "evacuations (of the station or a segment, by a rule)"),
    "crew.first_evacuation_date": ("date", "first evacuation"),
    "crew.decrew_events": ("count", "crew vehicles sent home early by a decrew policy"),
    "crew.held_launches": ("count", "crew launches held by a policy"),
    "crew.person_days_lost": (
        "person-days",
        "crew time given up by policy returns (to each vehicle's planned end or docked-life "
        "limit, at most the horizon)",
    ),
    "crew.unseated_person_days": ("person-days", "people aboard beyond the docked lifeboat seats"),
    "crew.max_unseated": ("people", "most people aboard without a lifeboat seat"),
}
"""Station-wide crew metrics: unit and meaning, in output order."""

STATION_METRICS: dict[str, tuple[Unit, str]] = {
    "station.min_altitude_km": ("km", "lowest mean altitude over the run"),
    "station.min_altitude_date": ("date", "when the altitude was lowest"),
    "station.first_below_min_altitude_date": ("date", "first time under the altitude floor"),
    "station.days_below_min_altitude": ("days", "time spent under the altitude floor"),
    "station.reboosts": ("count", "reboosts (one per payer: a vehicle, or station propellant)"),
    "station.reboost_propellant_kg": ("kg", "station propellant spent on reboosts"),
    "station.vehicle_reboost_km": ("km", "altitude bought from docked vehicles' own budgets"),
}
"""With ``station.altitude``: the altitude metrics, in output order."""

GENERATOR_STATS: dict[str, tuple[Unit, str]] = {
    "generated_kg": ("kg", "oxygen made"),
    "down_days": ("days", "time down (scheduled outages and failures)"),
}
"""With ``station.life_support``: per oxygen generator G, the key ``generator.G.<stat>``."""

PAD_STATS: dict[str, tuple[Unit, str]] = {
    "downtime_days": ("days", "days down inside the run"),
    "launches": ("count", "launches from the pad (failed ones included)"),
}
"""Per pad P, the key ``pad.P.<stat>``."""

FLIGHT_STATS: dict[str, tuple[Unit, str]] = {
    "launch_date": ("date", "actual launch"),
    "slip_days": ("days", "launch minus planned launch"),
    "port_wait_days": ("days", "arrival to docking"),
    "outcome": ("text", "docked, failed, launched (on its way at the horizon), not_launched"),
    "dock_date": ("date", "docking"),
}
"""Per flight F, the key ``flight.F.<stat>``."""


def consumable_key(consumable: str, stat: str) -> str:
    """``<consumable>.<stat>``, a stat of :data:`CONSUMABLE_STATS`."""
    if stat not in CONSUMABLE_STATS:
        raise KeyError(f"no consumable metric {stat!r}")
    return f"{consumable}.{stat}"


def segment_key(consumable: str, segment: str, stat: str) -> str:
    """``<consumable>.<segment>.<stat>``, a stat of :data:`SEGMENT_STATS`."""
    if stat not in SEGMENT_STATS or segment not in SEGMENTS:
        raise KeyError(f"no segment metric {segment!r} {stat!r}")
    return f"{consumable}.{segment}.{stat}"


def split_consumable_key(key: str) -> tuple[str, str] | None:
    """(consumable, stat) of a consumable metric key (``food.RS.min_date``: consumable
    ``food``), else None."""
    consumable, _, stat = key.rpartition(".")
    head, _, segment = consumable.rpartition(".")
    if head and segment in SEGMENTS and stat in SEGMENT_STATS:
        return head, stat
    return (consumable, stat) if consumable and stat in CONSUMABLE_STATS else None


def stock_segments(sc: Scenario) -> dict[str, tuple[str, ...]]:
    """By consumable id (in the scenario's order), the segments holding a stock of their
    own: both for a stock per segment not pooled, the holder for ``held_by``, none for
    one station-wide pool."""
    out: dict[str, tuple[str, ...]] = {}
    for c in sc.station.consumables:
        if c.split and sc.rules.sharing_of(c.id) != "pooled":
            out[c.id] = SEGMENTS
        else:
            out[c.id] = (c.held_by,) if c.held_by else ()
    return out


def uncrewed_key(who: str) -> str:
    """``crew.<who>_uncrewed_days`` for a segment (``RS``, ``USOS``) or ``station``."""
    if who.lower() not in UNCREWED:
        raise KeyError(f"no uncrewed metric for {who!r}")
    return f"crew.{who.lower()}_uncrewed_days"


def pad_key(pad: str, stat: str) -> str:
    """``pad.<pad>.<stat>``, a stat of :data:`PAD_STATS`."""
    if stat not in PAD_STATS:
        raise KeyError(f"no pad metric {stat!r}")
    return f"pad.{pad}.{stat}"


def flight_key(flight: str, stat: str) -> str:
    """``flight.<flight>.<stat>``, a stat of :data:`FLIGHT_STATS`."""
    if stat not in FLIGHT_STATS:
        raise KeyError(f"no flight metric {stat!r}")
    return f"flight.{flight}.{stat}"


def metric_group(key: str) -> str:
    """The group of a metric: ``pad.X`` and ``flight.X`` per item, else the first segment
    (a consumable, ``crew``, ...)."""
    if key.startswith(("pad.", "flight.")) and key.count(".") >= 2:
        return key.rsplit(".", 1)[0]
    return key.split(".", 1)[0]


# -- values ----------------------------------------------------------------------------------
def rounded(x: float | None) -> float | None:
    """A number as metrics hold it: rounded to 6 decimals; None when absent or infinite."""
    if x is None or not math.isfinite(x):
        return None
    f = x if x.__class__ is float else float(x)
    if (f * 64.0).is_integer():  # a multiple of 1/64 has at most 6 decimals: round keeps it
        return f + 0.0
    return round(f, 6) + 0.0


def iso_date(epoch: date, day: float | None) -> str | None:
    """ISO date (UTC) of ``day`` days (float) after midnight of ``epoch``; None if absent."""
    if day is None or not math.isfinite(day):
        return None
    return _ordinal_iso(epoch.toordinal() + math.floor(day))


def _dater(epoch: date) -> Callable[[float | None], str | None]:
    """:func:`iso_date` with ``epoch`` bound (its ordinal taken once), for many days."""
    base = epoch.toordinal()

    def iso(day: float | None) -> str | None:
        if day is None or not math.isfinite(day):
            return None
        return _ordinal_iso(base + math.floor(day))

    return iso


@lru_cache(maxsize=8192)
def _ordinal_iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


# -- a run's metrics -------------------------------------------------------------------------
def flight_rows(rec: RunRecord) -> list[dict[str, Any]]:
    """One row per flight of the manifest, as flights.csv holds them."""
    iso = _dater(rec.scenario.epoch)
    rows = []
    for c in rec.flights:
        wait = None
        if c.arrive is not None and not c.failed:
            wait = (c.dock if c.dock is not None else rec.horizon_days) - c.arrive
        crew = c.crew
        row = {
            "id": c.id,
            "vehicle": c.vtype.id,
            "pad": c.pad,
            "planned_launch": iso(c.planned_launch),
            "launch": iso(c.launch),
            "slip_days": None if c.launch is None else rounded(c.launch - (c.planned_launch or 0)),
            "outcome": c.outcome,
            "port": c.port if c.dock is not None else None,
            "dock": iso(c.dock),
            "port_wait_days": rounded(wait),
            "undock": iso(c.undock),
            "forced_return": c.forced and c.undock is not None,
        }
        for s, key in _CREW_COLUMNS:
            row[key] = crew.get(s, 0)
        row["cargo_kg"] = rounded(sum(map(cargo_kg, c.cargo.values())))
        rows.append(row)
    return rows


_CREW_COLUMNS = tuple((s, f"crew_{s}") for s in SEGMENTS)
"""(segment, flights.csv column) of each segment's crew on a flight."""


def compute(
    rec: RunRecord, series: Mapping[str, np.ndarray], flights: Sequence[Mapping[str, Any]]
) -> dict[str, Metric]:
    """Every metric of a run, from its record, its series (with the ``crew`` column) and
    its :func:`flight_rows`, in output order."""
    epoch = rec.scenario.epoch
    m: dict[str, Metric] = {}
    stores = rec.stores
    for cid, segments in stock_segments(rec.scenario).items():
        own = [stores[f"{cid}.{seg}"] for seg in segments] or [stores[cid]]
        values = _stock_values(epoch, own, rec.horizon_days)
        values["undelivered_kg"] = rounded(rec.undelivered.get(cid, 0.0))
        m.update((f"{cid}.{stat}", values[stat]) for stat in CONSUMABLE_STATS)
        for seg, st in zip(segments, own if segments else [], strict=True):
            values = _stock_values(epoch, [st], rec.horizon_days)
            values["transferred_in_kg"] = rounded(st.transferred_in_kg)
            values["transferred_out_kg"] = rounded(st.transferred_out_kg)
            m.update((f"{cid}.{seg}.{stat}", values[stat]) for stat in SEGMENT_STATS)
    m.update(_crew_metrics(rec, series))
    o = rec.orbit
    if o is not None:
        m["station.min_altitude_km"] = rounded(o.min_km)
        m["station.min_altitude_date"] = iso_date(epoch, o.min_day)
        m["station.first_below_min_altitude_date"] = iso_date(epoch, o.first_below_day)
        m["station.days_below_min_altitude"] = rounded(o.below_days)
        m["station.reboosts"] = sum(1 for e in rec.events.kinds("reboost"))
        m["station.reboost_propellant_kg"] = rounded(o.station_kg)
        m["station.vehicle_reboost_km"] = rounded(o.vehicle_km)
    for g in rec.generators:
        m[f"generator.{g.id}.generated_kg"] = rounded(g.generated_kg)
        m[f"generator.{g.id}.down_days"] = rounded(g.down_days)
    for pad in rec.scenario.pads:
        down = sum(
            max(0.0, min(o.start_day + o.repair_days, rec.horizon_days) - max(o.start_day, 0.0))
            for o in rec.outages
            if o.pad == pad.id
        )
        m[pad_key(pad.id, "downtime_days")] = rounded(down)
        m[pad_key(pad.id, "launches")] = sum(1 for f in flights if f["pad"] == pad.id)
    for f in flights:
        key = f"flight.{f['id']}"
        m[f"{key}.launch_date"] = f["launch"]
        m[f"{key}.slip_days"] = f["slip_days"]
        m[f"{key}.port_wait_days"] = f["port_wait_days"]
        m[f"{key}.outcome"] = f["outcome"]
        m[f"{key}.dock_date"] = f["dock"]
    return m


def _stock_values(epoch: date, own: list[StoreStats], horizon: float) -> dict[str, Metric]:
    """The consumable stats of one stock, or of the worst of several at each instant
    (their masses summed)."""
    low = min(own, key=lambda st: (st.min_days_of_supply, st.min_day))
    finite_min = math.isfinite(low.min_days_of_supply)
    if len(own) == 1:
        below = low.below_reserve_days
    else:  # time with some stock below its line: the union of their stretches
        below = _union_days([span for st in own for span in st.below_spans], horizon)
    return {
        "min_days_of_supply": rounded(low.min_days_of_supply),
        "min_date": iso_date(epoch, low.min_day) if finite_min else None,
        "first_below_reserve_date": iso_date(
            epoch, _earliest(st.first_below_reserve_day for st in own)
        ),
        "days_below_reserve": rounded(below),
        "depleted_date": iso_date(epoch, _earliest(st.depleted_day for st in own)),
        "shortfall_kg": rounded(sum(st.shortfall_kg for st in own)),
        "delivered_kg": rounded(sum(st.delivered_kg for st in own)),
        "consumed_kg": rounded(sum(st.consumed_kg for st in own)),
        "end_kg": rounded(sum(st.end_kg for st in own)),
    }


def _earliest(days: Iterable[float | None]) -> float | None:
    found = [d for d in days if d is not None]
    return min(found) if found else None


def _union_days(spans: list[tuple[float, float]], horizon: float) -> float:
    """Length (days) of the union of ``spans`` (start, end), ends cut at ``horizon``."""
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        end = min(end, horizon)
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def _crew_metrics(rec: RunRecord, series: Mapping[str, np.ndarray]) -> dict[str, Metric]:
    """Crew metrics over the stretches of time between rows: a zero-length stretch (the
    state just before a change at the same instant) holds nobody for any time."""
    day = series["day"]
    dt = np.diff(day)
    crew = series["crew"][:-1]
    held = dt > 0
    m: dict[str, Metric] = {
        "crew.person_days": rounded(float(np.sum(crew * dt))),
        "crew.min_on_board": int(crew[held].min()) if held.any() else int(series["crew"][-1]),
    }
    for seg in SEGMENTS:
        m[uncrewed_key(seg)] = rounded(float(np.sum(dt[series[f"crew_{seg}"][:-1] == 0])))
    m["crew.station_uncrewed_days"] = rounded(float(np.sum(dt[crew == 0])))
    crafts = [*rec.docked, *rec.flights]
    m["crew.forced_returns"] = sum(1 for c in crafts if c.forced and c.undock is not None)
    stays = [
        (c.undock if c.undock is not None else rec.horizon_days) - c.dock
        for c in crafts
        if c.dock is not None and c.n_crew > 0
    ]
    m["crew.max_stay_days"] = rounded(max(stays)) if stays else 0.0
    evacuations = rec.events.days("evacuation")
    m["crew.evacuations"] = len(evacuations)
    m["crew.first_evacuation_date"] = (
        iso_date(rec.scenario.epoch, evacuations[0]) if evacuations else None
    )
    m["crew.decrew_events"] = len(rec.events.days("decrew"))
    m["crew.held_launches"] = len(rec.events.days("launch_held"))
    m["crew.person_days_lost"] = rounded(rec.person_days_lost)
    unseated = np.maximum(series["crew"] - series["seats"], 0.0)
    m["crew.unseated_person_days"] = rounded(float(np.sum(unseated[:-1] * dt)))
    m["crew.max_unseated"] = int(unseated[:-1][held].max()) if held.any() else 0
    return m


# -- probabilities over an ensemble ----------------------------------------------------------
PROBABILITY_MEANINGS: dict[str, str] = {
    "p_below_reserve": "the consumable (in some segment) fell below its reserve",
    "p_depleted": "the consumable (in some segment) ran out",
    "consumables.p_any_below_reserve": "some consumable fell below its reserve",
    "consumables.p_any_depleted": "some consumable ran out",
    **{
        f"crew.p_{u}_uncrewed": f"the {u if u == 'station' else u.upper() + ' segment'} was "
        "uncrewed for some time"
        for u in UNCREWED
    },
    "crew.p_forced_return": "at least one crew vehicle was forced home",
    "launch.p_any_failure": "at least one launch failed",
}
"""Share of replications in which an event happened; per consumable C the first two as
``C.p_below_reserve`` and ``C.p_depleted`` (any segment), and per segment S holding a
stock of it as ``C.S.p_below_reserve`` and ``C.S.p_depleted``."""

Stocks = Iterable[str] | Mapping[str, Sequence[str]]
"""Consumable ids, or (:func:`stock_segments`) each with the segments holding a stock."""


def _stocks(consumables: Stocks) -> Mapping[str, Sequence[str]]:
    if isinstance(consumables, Mapping):
        return consumables
    return dict.fromkeys(consumables, ())


def probability_key(
    consumable: str, event: Literal["below_reserve", "depleted"], segment: str | None = None
) -> str:
    """``<consumable>.p_below_reserve``, ``<consumable>.p_depleted``, or with the segment
    (``food.RS.p_depleted``)."""
    return f"{consumable}.p_{event}" if segment is None else f"{consumable}.{segment}.p_{event}"


def probability_names(consumables: Stocks) -> list[str]:
    """Names of the probabilities an ensemble reports, in output order."""
    names = []
    for c, segments in _stocks(consumables).items():
        names += [probability_key(c, "below_reserve"), probability_key(c, "depleted")]
        for seg in segments:
            names += [probability_key(c, "below_reserve", seg), probability_key(c, "depleted", seg)]
    names += ["consumables.p_any_below_reserve", "consumables.p_any_depleted"]
    names += [f"crew.p_{u}_uncrewed" for u in UNCREWED]
    return [*names, "crew.p_forced_return", "launch.p_any_failure"]


def indicators(
    column: Callable[[str], np.ndarray],
    texts: Mapping[str, Sequence[str | None]],
    consumables: Stocks,
    n: int,
) -> dict[str, np.ndarray]:
    """Per replication (booleans), whether each event of :func:`probability_names` happened.

    ``column(key)`` gives a metric over the ``n`` replications as floats (dates as days,
    NaN where absent); ``texts`` the text metrics (flight outcomes)."""
    out: dict[str, np.ndarray] = {}
    below, gone = np.zeros(n, bool), np.zeros(n, bool)
    for c, segments in _stocks(consumables).items():
        b = np.isfinite(column(consumable_key(c, "first_below_reserve_date")))
        d = np.isfinite(column(consumable_key(c, "depleted_date")))
        out[probability_key(c, "below_reserve")], out[probability_key(c, "depleted")] = b, d
        below, gone = below | b, gone | d
        for seg in segments:
            bs = np.isfinite(column(segment_key(c, seg, "first_below_reserve_date")))
            ds = np.isfinite(column(segment_key(c, seg, "depleted_date")))
            out[probability_key(c, "below_reserve", seg)] = bs
            out[probability_key(c, "depleted", seg)] = ds
    out["consumables.p_any_below_reserve"] = below
    out["consumables.p_any_depleted"] = gone
    for u in UNCREWED:
        out[f"crew.p_{u}_uncrewed"] = np.nan_to_num(column(uncrewed_key(u))) > 0
    out["crew.p_forced_return"] = np.nan_to_num(column("crew.forced_returns")) > 0
    failed = np.zeros(n, bool)
    for key, values in texts.items():
        if key.startswith("flight.") and key.endswith(".outcome"):
            failed |= np.array([v == "failed" for v in values], dtype=bool)
    out["launch.p_any_failure"] = failed
    return out


def altitude_lines(sc: Scenario) -> dict[str, float] | None:
    """The altitude chart's lines of ``sc`` (km): its floor and reboost line, if modelled."""
    alt = sc.station.altitude
    if alt is None:
        return None
    lines = {"floor_km": float(alt.min_altitude_km)}
    if alt.reboost is not None:
        lines["reboost_at_km"] = float(alt.reboost.at_km)
    return lines
