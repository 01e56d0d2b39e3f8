"""Vehicles of a run (flights of the manifest and vehicles docked at epoch) and the plan
every run of a scenario starts from, computed once per scenario object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sim.scenario.dists import Dist
from sim.scenario.model import Flight, Scenario, VehicleType

__all__ = ["Craft", "Plan", "plan_of"]


class Craft:
    """A vehicle of the run: a flight of the manifest or a vehicle docked at epoch.

    The plan's fields are set per instance; the run's state (launch, dock, ...) starts as
    the class-level default, so that :meth:`fresh` copies only what the plan set."""

    # run state, as it is before the run
    launch: float | None = None
    pad: str | None = None
    failed: bool = False
    arrive: float | None = None
    dock: float | None = None
    port: str | None = None
    undock: float | None = None
    forced: bool = False
    relieved_at: float | None = None
    evicted: bool = False
    evacuated: bool = False

    def __init__(
        self,
        id: str,
        vtype: VehicleType,
        crew: dict[str, int],
        cargo: dict[str, float],
        ports: list[str],
        planned_launch: float | None = None,
        pads: list[str] | None = None,
        stay_days: float | None = None,
        undock_at: float | None = None,
        relieves: str | None = None,
    ) -> None:
        self.id = id
        self.vtype = vtype
        self.crew = crew
        self.cargo = cargo
        self.ports = ports
        self.planned_launch = planned_launch
        self.pads = [] if pads is None else pads
        self.stay_days = stay_days
        self.undock_at = undock_at
        self.relieves = relieves
        self.n_crew = sum(crew.values())
        """People aboard (all segments)."""
        self.is_crew = vtype.role == "crew"
        """A crew vehicle (its seats count and it can be relieved)."""

    def __repr__(self) -> str:
        return f"Craft({self.id!r}, {self.vtype.id!r}, outcome={self.outcome!r})"

    def fresh(self) -> Craft:
        """A copy for a new run (the plan's lists and dicts are shared, never mutated)."""
        craft = Craft.__new__(Craft)
        craft.__dict__ = self.__dict__.copy()
        return craft

    @property
    def outcome(self) -> str:
        """``docked``, ``failed``, ``launched`` (still on its way at the horizon) or
        ``not_launched``."""
        if self.failed:
            return "failed"
        if self.dock is not None:
            return "docked"
        return "launched" if self.launch is not None else "not_launched"


@dataclass(frozen=True)
class Plan:
    """What every run of a scenario starts from, computed once per scenario."""

    outages: list[tuple[str, int, float, Dist, float]]
    relieved: list[str]
    docked: list[Craft]
    flights: list[Craft]


def plan_of(sc: Scenario) -> Plan:
    cached = sc._engine_plan
    # keyed by identity: a model_copy() carries private attributes but is another object
    if cached is not None and cached[0] == id(sc):
        return cast(Plan, cached[1])
    vtypes = {v.id: v for v in sc.vehicles}
    outages = [
        (pad.id, j, sc.days(o.start), o.repair_days, pad.ready_days)
        for pad in sc.pads
        for j, o in enumerate(pad.outages)
    ]
    relieved = [
        r for r in [d.relieves for d in sc.station.docked] + [f.relieves for f in sc.flights] if r
    ]
    docked = []
    for d in sc.station.docked:
        crew = {str(k): n for k, n in d.crew.items()}
        craft = Craft(d.id, vtypes[d.vehicle], crew, {}, [d.port], relieves=d.relieves)
        craft.dock = craft.arrive = sc.days(d.docked)
        craft.port = d.port
        craft.stay_days = d.stay_days
        craft.undock_at = None if d.undock is None else sc.days(d.undock)
        docked.append(craft)
    plan = Plan(
        outages, relieved, docked, [_flight_craft(sc, f, vtypes[f.vehicle]) for f in sc.flights]
    )
    sc._engine_plan = (id(sc), plan)
    return plan


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
    if f.undock is not None:
        # an undock date keeps the planned stay length if the flight slips
        craft.stay_days = sc.days(f.undock) - planned - vt.transit_days
    return craft
