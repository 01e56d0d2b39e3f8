"""Vehicles of a run: the flights of the manifest and the vehicles docked at epoch."""

from __future__ import annotations

from sim.scenario.dists import Dist
from sim.scenario.model import Cargo, VehicleType

__all__ = ["Craft"]


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
    known: bool = False
    """Launched by the scenario's as_of (flown, or failed on record): its date and outcome
    are facts, never drawn."""
    boost_km: float = 0.0
    """Reboost budget left while docked, km (its own propellant)."""
    boost_ports: frozenset[str] | None = None
    """Ports it can reboost from (None: any)."""
    handover: float | None = None
    """Days it stays after its relief docks (None: the rules' default)."""
    damaged_at: float | None = None
    """When it stops being a lifeboat (days)."""
    damaged: bool = False
    replace: str | None = None
    """The damaged crew vehicle whose crew it takes over at docking."""
    fail: bool = False
    """Its launch fails whatever the draw (a reconstruction of history)."""
    stand_down: Dist | None = None
    """The family's grounding after a forced failure (None: the uncertainty section's)."""
    decrewed: bool = False
    """Sent home early by a policy."""
    uncrewed: bool = False
    """Flown without its crew by a policy."""

    def __init__(
        self,
        id: str,
        vtype: VehicleType,
        crew: dict[str, int],
        cargo: Cargo,
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
