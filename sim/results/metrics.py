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
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from math import floor, isfinite
from typing import Any, Literal, NamedTuple

import numpy as np

from sim.engine.record import RunRecord, StoreStats
from sim.scenario.model import SEGMENTS, Cargo, Scenario, cargo_kg

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
    "StockLayout",
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
    "stock_layout",
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
    return {stock.consumable: stock.segments for stock in _layout(sc).stocks}


class StockLayout(NamedTuple):
    """One consumable's stores, with their names in a run's record, series and metrics."""

    consumable: str
    segments: tuple[str, ...]
    """The segments holding a stock of their own (:func:`stock_segments`)."""
    stores: tuple[str, ...]
    """The record's stores of it: one per segment (``food.RS``), else the pool (``food``)."""
    columns: tuple[str, ...]
    """Per store, the prefix of its series columns: ``food_RS`` (``food_RS_kg``, ...),
    ``oxygen``."""
    rates: tuple[str, ...]
    """Per store, the record's column of its use rate if life support sets one per row
    (``oxygen_rate``)."""
    keys: tuple[str, ...]
    """Its metric keys, in :data:`CONSUMABLE_STATS` order."""
    segment_keys: tuple[tuple[str, ...], ...]
    """Per segment, its metric keys in :data:`SEGMENT_STATS` order."""


def stock_layout(sc: Scenario) -> tuple[StockLayout, ...]:
    """Per consumable of ``sc`` (in its order), its stores and their names."""
    return _layout(sc).stocks


class _Layout(NamedTuple):
    """What the results of every run of one scenario share."""

    stocks: tuple[StockLayout, ...]
    pads: tuple[str, ...]
    flights: dict[int, tuple[Cargo, float | None, float | None, str | None]]
    """By index in the manifest, a flight's cargo with its :func:`rounded` mass (kg) and
    its planned launch (days) with its date: reused while the flight has that very cargo
    (runs share the plan's) and that planned launch."""


_LAYOUTS: dict[int, tuple[weakref.ref[Scenario], _Layout]] = {}
"""Layouts by ``id(scenario)``; an entry goes when its scenario is freed."""


def _layout(sc: Scenario) -> _Layout:
    """The layout of ``sc``, made on the first call for this scenario object (scenarios
    are frozen, so it never goes stale; a copy is another object with its own)."""
    key = id(sc)
    hit = _LAYOUTS.get(key)
    if hit is not None and hit[0]() is sc:
        return hit[1]
    stocks = []
    for c in sc.station.consumables:
        if c.split and sc.rules.sharing_of(c.id) != "pooled":
            segments = SEGMENTS
        else:
            segments = (c.held_by,) if c.held_by else ()
        stores = tuple(f"{c.id}.{seg}" for seg in segments) or (c.id,)
        stocks.append(
            StockLayout(
                c.id,
                segments,
                stores,
                tuple(f"{c.id}_{seg}" for seg in segments) or (c.id,),
                tuple(store.replace(".", "_") + "_rate" for store in stores),
                tuple(f"{c.id}.{stat}" for stat in CONSUMABLE_STATS),
                tuple(tuple(f"{c.id}.{seg}.{stat}" for stat in SEGMENT_STATS) for seg in segments),
            )
        )
    layout = _Layout(tuple(stocks), tuple(p.id for p in sc.pads), {})

    def forget(_: weakref.ref[Scenario]) -> None:
        _LAYOUTS.pop(key, None)

    _LAYOUTS[key] = (weakref.ref(sc, forget), layout)
    return layout


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
    if x is None:
        return None
    f = x if x.__class__ is float else float(x)
    if (f * 64.0).is_integer():  # a multiple of 1/64 has at most 6 decimals: round keeps it
        return f + 0.0  # (and NaN and inf are no integers)
    return round(f, 6) + 0.0 if isfinite(f) else None


def iso_date(epoch: date, day: float | None) -> str | None:
    """ISO date (UTC) of ``day`` days (float) after midnight of ``epoch``; None if absent."""
    if day is None or not math.isfinite(day):
        return None
    return _ordinal_iso(epoch.toordinal() + math.floor(day))


def _dater(epoch: date) -> Callable[[float | None], str | None]:
    """:func:`iso_date` with ``epoch`` bound (its ordinal taken once), for many days."""
    base = epoch.toordinal()

    def iso(day: float | None) -> str | None:
        if day is None:
            return None
        try:
            return _ordinal_iso(base + floor(day))
        except (OverflowError, ValueError):  # floor of inf, of NaN
            return None

    return iso


@lru_cache(maxsize=8192)
def _ordinal_iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


# -- a run's metrics -------------------------------------------------------------------------
def flight_rows(rec: RunRecord) -> list[dict[str, Any]]:
    """One row per flight of the manifest, as flights.csv holds them."""
    iso = _dater(rec.scenario.epoch)
    horizon = rec.horizon_days
    masses = _layout(rec.scenario).flights
    rows = []
    for i, c in enumerate(rec.flights):
        launch, dock, undock, planned = c.launch, c.dock, c.undock, c.planned_launch
        wait = None
        if c.arrive is not None and not c.failed:
            wait = rounded((dock if dock is not None else horizon) - c.arrive)
        cargo = c.cargo
        known = masses.get(i)
        if known is None or known[0] is not cargo or known[2] != planned:
            mass = rounded(sum(map(cargo_kg, cargo.values())))
            known = masses[i] = (cargo, mass, planned, iso(planned))
        crew = c.crew
        rows.append(
            {
                "id": c.id,
                "vehicle": c.vtype.id,
                "pad": c.pad,
                "planned_launch": known[3],
                "launch": None if launch is None else iso(launch),
                "slip_days": None if launch is None else rounded(launch - (planned or 0)),
                "outcome": c.outcome,
                "port": c.port if dock is not None else None,
                "dock": None if dock is None else iso(dock),
                "port_wait_days": wait,
                "undock": None if undock is None else iso(undock),
                "forced_return": c.forced and undock is not None,
                "crew_RS": crew.get("RS", 0),
                "crew_USOS": crew.get("USOS", 0),
                "cargo_kg": known[1],
            }
        )
    return rows


if SEGMENTS != ("RS", "USOS"):  # flight_rows spells its crew columns
    raise AssertionError(f"flight_rows has no crew column for a segment of {SEGMENTS}")


def compute(
    rec: RunRecord, series: Mapping[str, np.ndarray], flights: Sequence[Mapping[str, Any]]
) -> dict[str, Metric]:
    """Every metric of a run, from its record, its series (with the ``crew`` column) and
    its :func:`flight_rows`, in output order."""
    sc = rec.scenario
    iso = _dater(sc.epoch)
    horizon = rec.horizon_days
    layout = _layout(sc)
    m: dict[str, Metric] = {}
    stores, undelivered = rec.stores, rec.undelivered
    for stock in layout.stocks:
        own = [stores[store] for store in stock.stores]
        values = _stock_values(iso, own, horizon)
        m.update(
            zip(stock.keys, [*values, rounded(undelivered.get(stock.consumable, 0.0))], strict=True)
        )
        for st, keys in zip(own if stock.segments else (), stock.segment_keys, strict=True):
            if len(own) > 1:  # else the segment's stock is the consumable's: the same values
                values = _stock_values(iso, [st], horizon)
            values += [rounded(st.transferred_in_kg), rounded(st.transferred_out_kg)]
            m.update(zip(keys, values, strict=True))
    m.update(_crew_metrics(rec, series, iso))
    o = rec.orbit
    if o is not None:
        m["station.min_altitude_km"] = rounded(o.min_km)
        m["station.min_altitude_date"] = iso(o.min_day)
        m["station.first_below_min_altitude_date"] = iso(o.first_below_day)
        m["station.days_below_min_altitude"] = rounded(o.below_days)
        m["station.reboosts"] = len(rec.events.kinds("reboost"))
        m["station.reboost_propellant_kg"] = rounded(o.station_kg)
        m["station.vehicle_reboost_km"] = rounded(o.vehicle_km)
    for g in rec.generators:
        generated, down = _generator_keys(g.id)
        m[generated] = rounded(g.generated_kg)
        m[down] = rounded(g.down_days)
    downs: dict[str, list[float]] = {pad: [] for pad in layout.pads}
    for out in rec.outages:
        if out.pad in downs:
            downs[out.pad].append(
                max(0.0, min(out.start_day + out.repair_days, horizon) - max(out.start_day, 0.0))
            )
    launches = dict.fromkeys(layout.pads, 0)
    for f in flights:
        if f["pad"] in launches:
            launches[f["pad"]] += 1
    for pad, spans in downs.items():
        down_key, launches_key = _pad_keys(pad)
        m[down_key] = rounded(sum(spans))
        m[launches_key] = launches[pad]
    for f in flights:
        launch, slip, wait, outcome, dock = _flight_keys(f["id"])
        m[launch] = f["launch"]
        m[slip] = f["slip_days"]
        m[wait] = f["port_wait_days"]
        m[outcome] = f["outcome"]
        m[dock] = f["dock"]
    return m


@lru_cache(maxsize=4096)
def _flight_keys(flight: str) -> tuple[str, str, str, str, str]:
    """A flight's metric keys: launch date, slip, port wait, outcome, dock date."""
    k = f"flight.{flight}"
    return (
        f"{k}.launch_date",
        f"{k}.slip_days",
        f"{k}.port_wait_days",
        f"{k}.outcome",
        (f"{k}.dock_date"),
    )


@lru_cache(maxsize=1024)
def _pad_keys(pad: str) -> tuple[str, str]:
    return pad_key(pad, "downtime_days"), pad_key(pad, "launches")


@lru_cache(maxsize=1024)
def _generator_keys(generator: str) -> tuple[str, str]:
    return f"generator.{generator}.generated_kg", f"generator.{generator}.down_days"


_STOCK_STATS = tuple(SEGMENT_STATS)[:9]
"""The stats :func:`_stock_values` gives, in its order: those of both a consumable and a
segment, ahead of the ones of one only (``undelivered_kg``, ``transferred_*``)."""
if tuple(CONSUMABLE_STATS) != (*_STOCK_STATS, "undelivered_kg") or tuple(SEGMENT_STATS) != (
    *_STOCK_STATS,
    "transferred_in_kg",
    "transferred_out_kg",
):
    raise AssertionError("compute puts the stock stats in another order than they are listed")


def _stock_values(
    iso: Callable[[float | None], str | None], own: list[StoreStats], horizon: float
) -> list[Metric]:
    """The values of :data:`_STOCK_STATS` for one stock, or for the worst of several at
    each instant (their masses summed)."""
    if len(own) == 1:
        st = own[0]
        low_days = st.min_days_of_supply
        return [
            rounded(low_days),
            iso(st.min_day) if math.isfinite(low_days) else None,
            iso(st.first_below_reserve_day),
            rounded(st.below_reserve_days),
            iso(st.depleted_day),
            rounded(st.shortfall_kg),  # a sum of one: 0.0 + kg, the same once rounded
            rounded(st.delivered_kg),
            rounded(st.consumed_kg),
            rounded(st.end_kg),
        ]
    low = min(own, key=lambda st: (st.min_days_of_supply, st.min_day))
    # time with some stock below its line: the union of their stretches
    below = _union_days([span for st in own for span in st.below_spans], horizon)
    return [
        rounded(low.min_days_of_supply),
        iso(low.min_day) if math.isfinite(low.min_days_of_supply) else None,
        iso(_earliest(st.first_below_reserve_day for st in own)),
        rounded(below),
        iso(_earliest(st.depleted_day for st in own)),
        rounded(sum(st.shortfall_kg for st in own)),
        rounded(sum(st.delivered_kg for st in own)),
        rounded(sum(st.consumed_kg for st in own)),
        rounded(sum(st.end_kg for st in own)),
    ]


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


def _crew_metrics(
    rec: RunRecord, series: Mapping[str, np.ndarray], iso: Callable[[float | None], str | None]
) -> dict[str, Metric]:
    """Crew metrics over the stretches of time between rows: a zero-length stretch (the
    state just before a change at the same instant) holds nobody for any time.

    The ufuncs are called directly (``np.add.reduce`` is what ``np.sum`` calls, the same
    pairwise sum), without the ~1 us of Python around them on arrays of ~100 rows."""
    day, all_crew = series["day"], series["crew"]
    dt = day[1:] - day[:-1]  # np.diff
    crew = all_crew[:-1]
    held = dt > 0
    some_held = bool(np.logical_or.reduce(held))
    add, minimum, maximum = np.add.reduce, np.minimum.reduce, np.maximum.reduce
    m: dict[str, Metric] = {
        "crew.person_days": rounded(float(add(crew * dt))),
        "crew.min_on_board": int(minimum(crew[held])) if some_held else int(all_crew[-1]),
    }
    for seg, key in _UNCREWED_KEYS:
        m[key] = rounded(float(add(dt[series[f"crew_{seg}"][:-1] == 0])))
    m["crew.station_uncrewed_days"] = rounded(float(add(dt[crew == 0])))
    crafts = [*rec.docked, *rec.flights]
    m["crew.forced_returns"] = sum(1 for c in crafts if c.forced and c.undock is not None)
    horizon = rec.horizon_days
    stays = [
        (c.undock if c.undock is not None else horizon) - c.dock
        for c in crafts
        if c.dock is not None and c.n_crew > 0
    ]
    m["crew.max_stay_days"] = rounded(max(stays)) if stays else 0.0
    events = rec.events
    evacuations = events.days("evacuation")
    m["crew.evacuations"] = len(evacuations)
    m["crew.first_evacuation_date"] = iso(evacuations[0]) if evacuations else None
    m["crew.decrew_events"] = len(events.days("decrew"))
    m["crew.held_launches"] = len(events.days("launch_held"))
    m["crew.person_days_lost"] = rounded(rec.person_days_lost)
    unseated = np.maximum(all_crew - series["seats"], 0.0)[:-1]
    m["crew.unseated_person_days"] = rounded(float(add(unseated * dt)))
    m["crew.max_unseated"] = int(maximum(unseated[held])) if some_held else 0
    return m


_UNCREWED_KEYS = tuple((seg, uncrewed_key(seg)) for seg in SEGMENTS)


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
