"""Cross-reference checks of a schema-valid scenario: ids that must exist and agree.

Each check yields ``(loc, message)`` where ``loc`` is the key path into the scenario data
(field names and list indexes), so the loader can point at the file, line and column.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sim.scenario.dists import Dist, Fixed, quantile_reaching
from sim.scenario.errors import did_you_mean, short
from sim.scenario.model import (
    MAX_HORIZON_DAYS,
    Boost,
    Cargo,
    Scenario,
    VehicleType,
    cargo_kg,
)

__all__ = ["cross_check"]

Found = tuple[tuple[Any, ...], str]


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    hint = did_you_mean(name, names)
    listing = ", ".join(names) if len(names) <= 12 else ", ".join(names[:12]) + ", ..."
    return f"unknown {kind} {short(name)}{hint} (known: {listing or 'none'})"


def _duplicates(items: list[Any], where: tuple[Any, ...]) -> Iterator[Found]:
    counts = Counter(item.id for item in items)
    for i, item in enumerate(items):
        if counts[item.id] > 1:
            yield (*where, i, "id"), f"duplicate id {item.id!r}"


def cross_check(sc: Scenario) -> list[Found]:
    """Every cross-reference problem of ``sc`` (empty when it is consistent)."""
    return [
        *_check_ids(sc),
        *_check_time(sc),
        *_check_station(sc),
        *_check_pads_vehicles(sc),
        *_check_flights(sc),
        *_check_as_of(sc),
        *_check_uncertainty(sc),
        *_check_sharing(sc),
        *_check_altitude(sc),
        *_check_life_support(sc),
        *_check_policies(sc),
    ]


def _check_ids(sc: Scenario) -> Iterator[Found]:
    yield from _duplicates(sc.station.ports, ("station", "ports"))
    yield from _duplicates(sc.station.consumables, ("station", "consumables"))
    yield from _duplicates(sc.station.docked, ("station", "docked"))
    yield from _duplicates(sc.pads, ("pads",))
    yield from _duplicates(sc.vehicles, ("vehicles",))
    yield from _duplicates(sc.flights, ("flights",))
    docked = {d.id for d in sc.station.docked}
    for i, f in enumerate(sc.flights):
        if f.id in docked:
            yield ("flights", i, "id"), f"id {f.id!r} is also a docked vehicle's id"


def _check_time(sc: Scenario) -> Iterator[Found]:
    if sc.horizon <= sc.epoch:
        yield ("horizon",), f"horizon {sc.horizon} must be after epoch {sc.epoch}"
    elif sc.horizon_days > MAX_HORIZON_DAYS:
        yield (
            ("horizon",),
            (
                f"horizon {sc.horizon} is {sc.horizon_days:,.0f} days after epoch; a run may "
                f"last at most {MAX_HORIZON_DAYS:,.0f} days (100 years)"
            ),
        )


def _in_window(
    sc: Scenario, when: Any, loc: tuple[Any, ...], after_horizon: bool = False
) -> Iterator[Found]:
    """A problem if ``when`` is before epoch, or after the horizon unless ``after_horizon``
    (a planned end or an outage that the run simply does not reach)."""
    if sc.horizon <= sc.epoch or sc.horizon_days > MAX_HORIZON_DAYS:
        return  # reported once by _check_time
    t = sc.days(when)
    if t < 0 or (t > sc.horizon_days and not after_horizon):
        yield loc, f"{when} is outside the scenario's epoch..horizon ({sc.epoch}..{sc.horizon})"


def _check_crew(
    crew: Mapping[Any, int], vtype: Any, loc: tuple[Any, ...], what: str, allow: bool = False
) -> Iterator[Found]:
    total = sum(crew.values())
    if total and vtype.role != "crew":
        yield loc, f"{what} is a cargo vehicle ({vtype.id}) and cannot carry crew"
    elif total > vtype.seats and not allow:
        yield (
            loc,
            f"crew of {total} is more than the {vtype.seats} seats of {vtype.id} (every "
            "person needs a lifeboat seat; rules.allow_unseated: true to allow it)",
        )


def _check_cargo(
    sc: Scenario,
    cargo: Cargo,
    loc: tuple[Any, ...],
    vtype: VehicleType,
    ports: list[str] | None = None,
) -> Iterator[Found]:
    """Cargo of ``vtype`` (flying to ``ports``, default its own): known consumables, kg
    by segment only for stocks held per segment, propellant only by a refuelling vehicle
    that can reach a refuel port, and within the capacity."""
    consumables = sc.by_id()["consumables"]
    for key, kg in cargo.items():
        c = consumables.get(key)
        if c is None:
            yield (*loc, key), _unknown("consumable", key, consumables)
            continue
        if isinstance(kg, dict) and not c.split:
            held = f"held by {c.held_by}" if c.held_by else "one station-wide pool"
            yield (
                (*loc, key),
                f"kg by segment for {key!r}, which is {held}: give one number of kg "
                f"(or give {key!r} a stock per segment under station.consumables)",
            )
        if c.refuel and cargo_kg(kg) > 0 and not vtype.refuel:
            yield (
                (*loc, key),
                f"{key!r} is delivered by refuelling, and {vtype.id} cannot refuel "
                "(vehicles: refuel: true)",
            )
    if vtype.refuel:
        yield from _check_refuel_ports(sc, cargo, loc, vtype.ports if ports is None else ports)
    total = sum(cargo_kg(kg) for kg in cargo.values())
    capacity = vtype.capacity_kg
    if capacity is not None and total > capacity + 1e-9:
        yield loc, f"cargo of {total:g} kg exceeds the capacity {capacity:g} kg"


def _check_refuel_ports(
    sc: Scenario, cargo: Cargo, loc: tuple[Any, ...], ports: list[str]
) -> Iterator[Found]:
    consumables = sc.by_id()["consumables"]
    refuel_ports = {p.id for p in sc.station.ports if p.refuel}
    if refuel_ports.intersection(ports):
        return
    for key, kg in cargo.items():
        c = consumables.get(key)
        if c is not None and c.refuel and cargo_kg(kg) > 0:
            yield (
                (*loc, key) if loc[-1] == "cargo" else loc,
                f"{key!r} is delivered by refuelling, and none of the ports {ports} can "
                f"transfer it (refuel ports: {', '.join(sorted(refuel_ports)) or 'none'})",
            )


def _check_sharing(sc: Scenario) -> Iterator[Found]:
    consumables = sc.by_id()["consumables"]
    for key, rule in sc.rules.sharing.items():
        c = consumables.get(key)
        loc = ("rules", "sharing", key)
        if c is None:
            yield loc, _unknown("consumable", key, consumables)
        elif not c.split and rule != "pooled":
            held = f"held by {c.held_by} for the whole station" if c.held_by else "one pool"
            yield (
                loc,
                f"{key!r} is {held}: sharing rules apply to a consumable with a stock per "
                "segment (station.consumables[].segments)",
            )


def _check_boost(
    sc: Scenario, boost: Boost | None, loc: tuple[Any, ...], ports: list[str]
) -> Iterator[Found]:
    if boost is None:
        return
    if sc.station.altitude is None:
        yield loc, "a boost budget needs station.altitude (the altitude it would raise)"
        return
    for j, port in enumerate(boost.ports or []):
        if port not in ports:
            yield (*loc, "ports", j), f"the vehicle cannot dock at {port!r} (its ports: {ports})"


def _check_altitude(sc: Scenario) -> Iterator[Found]:
    alt = sc.station.altitude
    if alt is None:
        return
    loc = ("station", "altitude")
    consumables = sc.by_id()["consumables"]
    if alt.propellant not in consumables:
        yield (*loc, "propellant"), _unknown("consumable", alt.propellant, consumables)
    if alt.reboost is not None and alt.reboost.at_km < alt.min_altitude_km:
        yield (
            (*loc, "reboost", "at_km"),
            f"reboost line {alt.reboost.at_km:g} km is under the floor "
            f"min_altitude_km {alt.min_altitude_km:g} km",
        )
    for j, change in enumerate(alt.decay_changes):
        yield from _in_window(sc, change.start, (*loc, "decay_changes", j, "start"), True)


def _check_life_support(sc: Scenario) -> Iterator[Found]:
    ls = sc.station.life_support
    if ls is None:
        return
    loc = ("station", "life_support")
    consumables = sc.by_id()["consumables"]
    for key in ("water", "oxygen"):
        cid = getattr(ls, key)
        if cid not in consumables:
            yield (*loc, key), _unknown("consumable", cid, consumables)
        elif consumables[cid].held_by is not None:
            yield (*loc, key), f"{cid!r} is held by one segment; life support needs a crew stock"
    if ls.water == ls.oxygen:
        yield (*loc, "oxygen"), "water and oxygen must be different consumables"
    yield from _duplicates(ls.generators, (*loc, "generators"))
    for i, g in enumerate(ls.generators):
        for j, o in enumerate(g.outages):
            yield from _in_window(sc, o.start, (*loc, "generators", i, "outages", j, "start"), True)


def _check_policies(sc: Scenario) -> Iterator[Found]:
    ids = sc.by_id()
    yield from _duplicates(sc.rules.policies, ("rules", "policies"))
    for i, pol in enumerate(sc.rules.policies):
        loc = ("rules", "policies", i)
        c = pol.when.consumable
        if c is not None and c not in ids["consumables"]:
            yield (*loc, "when", "consumable"), _unknown("consumable", c, ids["consumables"])
        if pol.when.altitude_below_km is not None and sc.station.altitude is None:
            yield (*loc, "when", "altitude_below_km"), "needs station.altitude"
    crew_vehicles = {v.id for v in sc.vehicles if v.role == "crew"}
    crafts = {d.id: d.vehicle for d in sc.station.docked} | {f.id: f.vehicle for f in sc.flights}
    damaged = {d.id for d in sc.station.docked if d.damaged} | {
        f.id for f in sc.flights if f.damaged
    }
    for i, f in enumerate(sc.flights):
        if f.replace is None:
            continue
        where = ("flights", i, "replace")
        if f.replace not in crafts:
            yield where, _unknown("vehicle", f.replace, crafts)
        elif crafts[f.replace] not in crew_vehicles or f.vehicle not in crew_vehicles:
            yield where, "a replacement and the vehicle it replaces must both be crew vehicles"
        elif f.replace not in damaged:
            yield where, f"{f.replace!r} is never damaged (give it a damaged: date)"
    for i, d in enumerate(sc.station.docked):
        if d.damaged is not None:
            yield from _in_window(sc, d.damaged, ("station", "docked", i, "damaged"), True)
    for i, f in enumerate(sc.flights):
        if f.damaged is not None:
            yield from _in_window(sc, f.damaged, ("flights", i, "damaged"), True)


def _check_station(sc: Scenario) -> Iterator[Found]:
    ids = sc.by_id()
    alt = sc.station.altitude
    reboost_fuel = None if alt is None else alt.propellant
    for i, c in enumerate(sc.station.consumables):
        rates = [*c.crew_rates().values(), c.station_fixed_per_day()]
        if not any(rates) and c.id != reboost_fuel:  # (per segment too: all of them 0)
            yield ("station", "consumables", i), "per_crew_day and fixed_per_day are both 0"
    taken: dict[str, str] = {}
    for i, d in enumerate(sc.station.docked):
        loc = ("station", "docked", i)
        vtype = ids["vehicles"].get(d.vehicle)
        if vtype is None:
            yield (*loc, "vehicle"), _unknown("vehicle type", d.vehicle, ids["vehicles"])
        if d.port not in ids["ports"]:
            yield (*loc, "port"), _unknown("port", d.port, ids["ports"])
        elif vtype is not None and d.port not in vtype.ports:
            yield (*loc, "port"), f"{vtype.id} cannot use port {d.port!r} (it uses {vtype.ports})"
        if d.port in taken:
            yield (*loc, "port"), f"port {d.port!r} is already taken by {taken[d.port]!r}"
        taken.setdefault(d.port, d.id)
        if sc.days(d.docked) > 0:
            yield (*loc, "docked"), f"{d.docked} is after the epoch {sc.epoch}"
        if vtype is not None:
            yield from _check_crew(d.crew, vtype, (*loc, "crew"), d.id, sc.rules.allow_unseated)
            if -sc.days(d.docked) > vtype.docked_life_days:
                yield (
                    (*loc, "docked"),
                    (
                        f"docked {-sc.days(d.docked):g} days before epoch, past the "
                        f"{vtype.docked_life_days:g}-day docked life of {vtype.id}"
                    ),
                )
        if d.undock is not None:
            yield from _in_window(sc, d.undock, (*loc, "undock"), after_horizon=True)
        if d.relieves is not None:
            yield from _check_relief(sc, d.relieves, d.vehicle, (*loc, "relieves"), d.id)
        if vtype is not None:
            yield from _check_boost(sc, d.boost, (*loc, "boost"), vtype.ports)


def _check_pads_vehicles(sc: Scenario) -> Iterator[Found]:
    ports = {p.id for p in sc.station.ports}
    for i, pad in enumerate(sc.pads):
        for j, outage in enumerate(pad.outages):
            yield from _in_window(
                sc, outage.start, ("pads", i, "outages", j, "start"), after_horizon=True
            )
    for i, v in enumerate(sc.vehicles):
        for j, port in enumerate(v.ports):
            if port not in ports:
                yield ("vehicles", i, "ports", j), _unknown("port", port, ports)
        if v.role == "crew" and v.seats < 1:
            yield ("vehicles", i, "seats"), "a crew vehicle needs at least 1 seat"
        if v.role == "crew" and v.min_stay_days is not None:
            yield (
                ("vehicles", i, "min_stay_days"),
                ("only cargo vehicles leave early to make room; a crew vehicle is a lifeboat"),
            )
        yield from _check_cargo(sc, v.cargo, ("vehicles", i, "cargo"), v)
        yield from _check_boost(sc, v.boost, ("vehicles", i, "boost"), v.ports)


def _check_flights(sc: Scenario) -> Iterator[Found]:
    ids = sc.by_id()
    for i, f in enumerate(sc.flights):
        loc = ("flights", i)
        vtype = ids["vehicles"].get(f.vehicle)
        if vtype is None:
            yield (*loc, "vehicle"), _unknown("vehicle type", f.vehicle, ids["vehicles"])
        for j, pad_id in enumerate(f.pads):
            ploc = (*loc, "pad") if isinstance(f.pad, str) else (*loc, "pad", j)
            pad = ids["pads"].get(pad_id)
            if pad is None:
                yield ploc, _unknown("pad", pad_id, ids["pads"])
            elif vtype is not None and vtype.family not in pad.families:
                yield (
                    ploc,
                    (
                        f"pad {pad_id!r} cannot launch the {vtype.family!r} family of "
                        f"{vtype.id} (it launches {', '.join(pad.families)})"
                    ),
                )
        if sc.days(f.launch) > sc.horizon_days:
            continue  # planned after the horizon: left out of the run (see the loader)
        yield from _in_window(sc, f.launch, (*loc, "launch"))
        if f.undock is not None:
            yield from _in_window(sc, f.undock, (*loc, "undock"), after_horizon=True)
            if sc.days(f.undock) <= sc.days(f.launch):
                yield (*loc, "undock"), f"undock {f.undock} is not after launch {f.launch}"
        if vtype is None:
            continue
        yield from _check_crew(f.crew, vtype, (*loc, "crew"), f.id, sc.rules.allow_unseated)
        yield from _check_boost(sc, f.boost, (*loc, "boost"), vtype.ports)
        if f.cargo is not None:
            yield from _check_cargo(sc, f.cargo, (*loc, "cargo"), vtype, f.ports)
        elif f.ports is not None and vtype.refuel:
            yield from _check_refuel_ports(sc, vtype.cargo, (*loc, "ports"), f.ports)
        for j, port in enumerate(f.ports or []):
            if port not in ids["ports"]:
                yield (*loc, "ports", j), _unknown("port", port, ids["ports"])
            elif port not in vtype.ports:
                yield (*loc, "ports", j), f"{vtype.id} cannot use port {port!r}"
        if f.relieves is not None:
            yield from _check_relief(sc, f.relieves, f.vehicle, (*loc, "relieves"), f.id)
    relieved = Counter(
        r
        for r in [d.relieves for d in sc.station.docked] + [f.relieves for f in sc.flights]
        if r is not None
    )
    for i, f in enumerate(sc.flights):
        if f.relieves is not None and relieved[f.relieves] > 1:
            yield ("flights", i, "relieves"), f"{f.relieves!r} is relieved by more than one flight"


def _check_as_of(sc: Scenario) -> Iterator[Found]:
    """Flights launched by ``as_of`` are facts (``flown: true``, or ``outcome: failed``),
    later ones plans; an uncertain repair under way at ``as_of`` must be able to end
    after it."""
    if sc.as_of is None:
        for i, f in enumerate(sc.flights):
            if f.flown:
                yield (
                    ("flights", i, "flown"),
                    f"{f.id!r} is marked flown: true, which needs the scenario's as_of "
                    "(the date up to which outcomes are known)",
                )
        return
    yield from _in_window(sc, sc.as_of, ("as_of",))
    as_of = sc.days(sc.as_of)
    for i, f in enumerate(sc.flights):
        launch = sc.days(f.launch)
        if f.flown and f.outcome == "failed":
            yield (
                ("flights", i, "flown"),
                f"{f.id!r} is marked both flown: true (it flew) and outcome: failed: "
                "expected one of them",
            )
        elif f.flown and launch > as_of:
            yield (
                ("flights", i, "flown"),
                f"{f.id!r} is marked flown: true but its launch {f.launch} is after as_of "
                f"{sc.as_of}: expected a launch on or before as_of, or no flown: true "
                "(a flight after as_of is a plan)",
            )
        elif not f.flown and f.outcome != "failed" and launch <= as_of:
            yield (
                ("flights", i, "launch"),
                f"{f.id!r} is planned for {f.launch}, on or before as_of {sc.as_of}, so its "
                "outcome is known: expected flown: true (it flew), outcome: failed (it "
                "failed) or a launch date after as_of (it has not flown yet)",
            )
    blocked: dict[str, list[tuple[float, float]]] = {}  # pad -> spans down past as_of
    for i, pad in enumerate(sc.pads):
        for j, o in enumerate(pad.outages):
            start = sc.days(o.start)
            if isinstance(o.repair_days, Fixed):
                end = start + o.repair_days.value + pad.ready_days
                if end > as_of:
                    blocked.setdefault(pad.id, []).append((start, end))
                continue
            if start >= as_of:
                continue
            blocked.setdefault(pad.id, []).append((start, math.inf))  # ends after as_of
            elapsed = as_of - start
            if quantile_reaching(o.repair_days, elapsed) >= 1.0:
                yield (
                    ("pads", i, "outages", j, "repair_days"),
                    f"this uncertain repair started {elapsed:g} days before as_of "
                    f"{sc.as_of}, so it is under way then and must end after it, but it "
                    "can draw no repair that long: expected a distribution reaching "
                    f"{elapsed:g} days (or the known length as a number, if it had ended)",
                )
    for i, f in enumerate(sc.flights):
        t = sc.days(f.launch)
        down = [any(a <= t < b for a, b in blocked.get(p, [])) for p in f.pads]
        known = f.flown or (f.outcome == "failed" and t <= as_of)
        if known and all(down):
            yield (
                ("flights", i, "flown" if f.flown else "outcome"),
                f"{f.id!r} launched on {f.launch} by as_of, but every pad it can use "
                f"({', '.join(f.pads)}) is down then until after as_of {sc.as_of}: "
                "expected a pad outage that ends (with its ready days) by as_of, or a "
                "launch after as_of",
            )


def _check_relief(
    sc: Scenario, target: str, vehicle: str, loc: tuple[Any, ...], me: str
) -> Iterator[Found]:
    ids = sc.by_id()
    crafts = {**ids["docked"], **ids["flights"]}
    if target == me:
        yield loc, "a vehicle cannot relieve itself"
        return
    if target not in crafts:
        yield loc, _unknown("flight or docked vehicle", target, crafts)
        return
    mine = ids["vehicles"].get(vehicle)
    theirs = ids["vehicles"].get(crafts[target].vehicle)
    if mine is not None and mine.role != "crew":
        yield loc, f"only a crew vehicle relieves a crew; {vehicle} is a cargo vehicle"
    elif theirs is not None and theirs.role != "crew":
        yield loc, f"{target!r} is a cargo vehicle; only crew vehicles are relieved"


def _check_uncertainty(sc: Scenario) -> Iterator[Found]:
    if sc.uncertainty is None:
        return
    families = {v.family for v in sc.vehicles}
    for fam in sc.uncertainty.launch_failures:
        if fam not in families:
            yield ("uncertainty", "launch_failures", fam), _unknown("family", fam, families)
    targets = {v.id for v in sc.vehicles} | {f.id for f in sc.flights}
    slips: dict[str, Dist] = sc.uncertainty.slip_days
    for key in slips:
        if key not in targets:
            yield ("uncertainty", "slip_days", key), _unknown("flight or vehicle", key, targets)
