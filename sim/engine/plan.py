"""The plan every run of a scenario starts from (outages, reliefs, vehicle templates, the
stores' arguments, horizon), computed once per scenario object and kept while it lives."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sim.engine.crafts import Craft
from sim.scenario.dists import Dist
from sim.scenario.model import SEGMENTS, Boost, Consumable, Flight, Scenario, VehicleType

__all__ = ["Plan", "plan_of"]


@dataclass(frozen=True)
class Plan:
    """What every run of a scenario starts from, computed once per scenario."""

    outages: list[tuple[str, int, float, Dist, float]]
    """(pad, index among the pad's outages, start day, repair days, ready days)."""
    relieved: list[str]
    """Ids of the vehicles some flight or docked vehicle relieves."""
    docked: list[Craft]
    """Templates of the vehicles docked at epoch (copied for each run)."""
    flights: list[Craft]
    """Templates of the manifest's flights, in its order."""
    stores: list[tuple[Consumable, object, list[StoreArgs]]]
    """Per consumable (in the scenario's order): its sharing rule and the arguments of
    :class:`~sim.engine.stores.Store` for each store that holds it."""
    horizon: float
    """Length of the run, days."""
    as_of: float | None
    """The scenario's as_of (days), if any."""


StoreArgs = tuple[tuple[Any, ...], dict[str, Any]]
"""Positional and keyword arguments of one :class:`~sim.engine.stores.Store`."""


_PLANS: dict[int, tuple[weakref.ref[Scenario], Plan]] = {}
"""Plans by ``id(scenario)``; an entry goes when its scenario is freed."""


def plan_of(sc: Scenario) -> Plan:
    """The plan of ``sc``, computed on the first call for this scenario object (a sweep or
    an ensemble runs one scenario object many times). Scenarios are frozen, so the plan
    never goes stale; a copy of a scenario is another object with a plan of its own."""
    key = id(sc)
    hit = _PLANS.get(key)
    if hit is not None and hit[0]() is sc:
        return hit[1]
    plan = _make_plan(sc)

    def forget(_: weakref.ref[Scenario]) -> None:
        _PLANS.pop(key, None)

    _PLANS[key] = (weakref.ref(sc, forget), plan)
    return plan


def _make_plan(sc: Scenario) -> Plan:
    vtypes = {v.id: v for v in sc.vehicles}
    outages = [
        (pad.id, j, sc.days(o.start), o.repair_days, pad.ready_days)
        for pad in sc.pads
        for j, o in enumerate(pad.outages)
    ]
    relieved = [
        r
        for r in [d.relieves for d in sc.station.docked]
        + [f.relieves or f.replace for f in sc.flights]
        if r
    ]
    docked = []
    for d in sc.station.docked:
        crew = {str(k): n for k, n in d.crew.items()}
        craft = Craft(d.id, vtypes[d.vehicle], crew, {}, [d.port], relieves=d.relieves)
        craft.dock = craft.arrive = sc.days(d.docked)
        craft.port = d.port
        craft.stay_days = d.stay_days
        craft.undock_at = None if d.undock is None else sc.days(d.undock)
        _set_boost(sc, craft, d.boost or craft.vtype.boost)
        craft.handover = (
            d.handover_days if d.handover_days is not None else craft.vtype.handover_days
        )
        craft.damaged_at = None if d.damaged is None else sc.days(d.damaged)
        if d.launched is not None:
            craft.launch = sc.days(d.launched)
        docked.append(craft)
    return Plan(
        outages,
        relieved,
        docked,
        [_flight_craft(sc, f, vtypes[f.vehicle]) for f in sc.flights],
        [
            (c, rule, _store_args(c, rule))
            for c in sc.station.consumables
            for rule in [sc.rules.sharing_of(c.id)]
        ],
        sc.horizon_days,
        None if sc.as_of is None else sc.days(sc.as_of),
    )


def _store_args(c: Consumable, sharing: object) -> list[StoreArgs]:
    """The stores that hold consumable ``c``: one pool, one holding segment, or one per
    segment (a split consumable that is pooled is one pool with each segment's rates)."""
    if not c.split:
        return [
            (
                (c.id, c.initial_kg(), c.per_crew_day, c.fixed_per_day, c.reserve_days),
                {"segment": c.held_by},
            )
        ]
    rates = c.crew_rates()
    if sharing == "pooled":
        pooled = (rates["RS"], rates["USOS"])
        return [
            (
                (c.id, c.initial_kg(), rates["RS"], c.station_fixed_per_day(), c.reserve_days),
                {"crew_rates": pooled},
            )
        ]
    assert c.segments is not None
    return [
        (
            (
                c.id,
                c.segment_initial_kg(seg),
                rates[seg],
                c.segments[seg].fixed_per_day,
                c.reserve_days,
            ),
            {
                "segment": seg,
                "crew_rates": (rates[seg], 0.0) if seg == "RS" else (0.0, rates[seg]),
            },
        )
        for seg in SEGMENTS
    ]


def _flight_craft(sc: Scenario, f: Flight, vt: VehicleType) -> Craft:
    planned = sc.days(f.launch)
    craft = Craft(
        f.id,
        vt,
        {str(k): n for k, n in f.crew.items()},
        dict(vt.cargo if f.cargo is None else f.cargo),
        list(f.ports or vt.ports),
        planned_launch=planned,
        pads=f.pads,
        stay_days=f.stay_days if f.stay_days is not None else vt.stay_days,
        relieves=f.relieves,
    )
    failed_by_as_of = (
        f.outcome == "failed" and sc.as_of is not None and planned <= sc.days(sc.as_of)
    )
    craft.known = f.flown or failed_by_as_of
    if f.undock is not None:
        # an undock date keeps the planned stay length if the flight slips
        craft.stay_days = sc.days(f.undock) - planned - vt.transit_days
    _set_boost(sc, craft, f.boost or vt.boost)
    craft.handover = f.handover_days if f.handover_days is not None else vt.handover_days
    craft.damaged_at = None if f.damaged is None else sc.days(f.damaged)
    craft.replace = f.replace
    if f.replace is not None and craft.relieves is None:
        craft.relieves = f.replace  # the damaged one leaves (empty) after the handover
    craft.fail = f.outcome == "failed"
    craft.stand_down = f.stand_down_days
    return craft


def _set_boost(sc: Scenario, craft: Craft, boost: Boost | None) -> None:
    """The craft's reboost budget (km), if the scenario models the altitude."""
    alt = sc.station.altitude
    if boost is None or alt is None:
        return
    if boost.km is not None:
        craft.boost_km = boost.km
    elif boost.kg is not None and alt.kg_per_km > 0:
        craft.boost_km = boost.kg / alt.kg_per_km
    craft.boost_ports = None if boost.ports is None else frozenset(boost.ports)
