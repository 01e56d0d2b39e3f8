"""The typed scenario model (pydantic v2): what a scenario file may say, field by field.

Unknown keys are errors everywhere. Durations are days, masses are kg, dates are UTC.
Cross references (ids that must exist) are checked in :mod:`sim.scenario.checks`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sim.scenario.dists import MAX_DAYS, Dist, dist_json_schema, parse_dist

__all__ = [
    "MAX_DAYS",
    "MAX_HORIZON_DAYS",
    "MAX_KG",
    "SEGMENTS",
    "Consumable",
    "DockedVehicle",
    "FamilyUncertainty",
    "Flight",
    "InitialStock",
    "Outage",
    "Pad",
    "Port",
    "Rules",
    "Scenario",
    "Segment",
    "Station",
    "Uncertainty",
    "VehicleType",
]

MAX_KG = 1e7
"""Largest mass or daily use, kg (10,000 t: the whole station is about 450 t)."""
MAX_HORIZON_DAYS = MAX_DAYS
"""Longest run, days from epoch to horizon."""

Segment = Literal["RS", "USOS"]
"""Station segment: Russian (RS) or US Orbital Segment (USOS)."""
SEGMENTS: tuple[Segment, ...] = get_args(Segment)
"""Every segment, in the order outputs list them."""

Days = Annotated[float, Field(ge=0, le=MAX_DAYS, allow_inf_nan=False)]
"""A duration, days: finite, from 0 to MAX_DAYS."""
Kg = Annotated[float, Field(ge=0, le=MAX_KG, allow_inf_nan=False)]
"""A mass (or a use per day), kg: finite, from 0 to MAX_KG."""
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
People = Annotated[int, Field(ge=0, le=20)]
Id = Annotated[str, Field(min_length=1, max_length=80)]


def _not_a_number(value: Any) -> Any:
    # pydantic would read a number as a Unix timestamp: in a scenario it is a mistake
    if isinstance(value, (int, float)):
        raise ValueError(f"expected a date like 2026-03-22, got the number {value!r}")
    return value


Instant = Annotated[datetime | date, BeforeValidator(_not_a_number)]
Day = Annotated[date, BeforeValidator(_not_a_number)]
"""A date (midnight UTC) or a UTC date-time."""

UncertainDays = Annotated[
    Dist,
    PlainValidator(lambda v: parse_dist(v, nonneg=True)),
    PlainSerializer(lambda d: d.to_yaml()),
    WithJsonSchema(dist_json_schema()),
]
"""Days: a plain number or a distribution such as ``{triangular: [60, 96, 365]}``."""

Source = str | list[str] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cited(_Strict):
    source: Source = Field(None, description="where the numbers come from (seed file or URL)")
    assumption: str | None = Field(None, description="what here is assumed, not sourced")
    note: str | None = None


class Port(_Cited):
    """A docking or berthing port."""

    id: Id
    name: str | None = None
    segment: Segment
    kind: Literal["docking", "IDSS", "CBM"]


class InitialStock(_Strict):
    """Stock at epoch: ``{kg: M}``, or ``{days: D, crew: N}`` days of supply at crew size N."""

    kg: Kg | None = None
    days: Days | None = None
    crew: People | None = None

    @model_validator(mode="after")
    def _one_form(self) -> InitialStock:
        if (self.kg is None) == (self.days is None):
            raise ValueError("give either kg, or days with crew")
        if self.days is not None and self.crew is None:
            raise ValueError("days of supply needs the crew size it is counted at (crew: N)")
        if self.kg is not None and self.crew is not None:
            raise ValueError("crew only goes with days")
        return self


class Consumable(_Cited):
    """A consumable stock: use per crew-day plus a fixed daily use, and its reserve line."""

    id: Id
    unit: Literal["kg"] = "kg"
    per_crew_day: Kg = Field(0.0, description="kg used per person per day")
    fixed_per_day: Kg = Field(0.0, description="kg used per day regardless of crew")
    initial: InitialStock
    reserve_days: Days = Field(description="reserve threshold in days of supply")

    def rate(self, crew: int) -> float:
        """Use in kg/day with ``crew`` people on board."""
        return crew * self.per_crew_day + self.fixed_per_day

    def initial_kg(self) -> float:
        """Stock at epoch in kg."""
        if self.initial.kg is not None:
            return self.initial.kg
        assert self.initial.days is not None and self.initial.crew is not None
        return self.initial.days * self.rate(self.initial.crew)


class DockedVehicle(_Cited):
    """A vehicle already docked at epoch, with the crew it brought."""

    id: Id
    vehicle: Id
    port: Id
    docked: Instant
    crew: dict[Segment, People] = Field(default_factory=dict)
    stay_days: Days | None = None
    undock: Instant | None = None
    relieves: Id | None = None

    @model_validator(mode="after")
    def _stay_or_undock(self) -> DockedVehicle:
        if self.stay_days is not None and self.undock is not None:
            raise ValueError("give stay_days or undock, not both")
        return self


class Station(_Cited):
    """Ports, consumables and the vehicles docked at epoch."""

    ports: list[Port]
    consumables: list[Consumable]
    docked: list[DockedVehicle] = Field(default_factory=list)


class Outage(_Cited):
    """A pad outage from ``start`` lasting ``repair_days`` (a number or a distribution)."""

    id: Id | None = None
    start: Instant
    repair_days: UncertainDays


class Pad(_Cited):
    """A launch pad and the launcher families that fly from it."""

    id: Id
    name: str | None = None
    site: str
    families: list[Id] = Field(min_length=1)
    turnaround_days: Days = Field(0.0, description="minimum days between two launches")
    ready_days: Days = Field(0.0, description="days from the end of an outage to a launch")
    outages: list[Outage] = Field(default_factory=list)


class VehicleType(_Cited):
    """A kind of vehicle: its launcher family, seats, ports and default cargo."""

    id: Id
    name: str | None = None
    family: Id
    role: Literal["crew", "cargo"]
    seats: People = 0
    transit_days: Days = 2.0
    docked_life_days: Annotated[float, Field(gt=0, le=MAX_DAYS, allow_inf_nan=False)]
    stay_days: Days | None = Field(None, description="default stay when a flight gives none")
    min_stay_days: Days | None = Field(
        None,
        description="cargo only: after this long docked it leaves early when an arriving "
        "vehicle needs its port (default: never)",
    )
    ports: list[Id] = Field(min_length=1, description="compatible ports, preferred first")
    reliability: Probability = 1.0
    capacity_kg: Kg | None = None
    cargo: dict[str, Kg] = Field(default_factory=dict, description="default cargo, kg")


class Flight(_Cited):
    """One planned flight of the manifest."""

    id: Id
    vehicle: Id
    pad: Id | Annotated[list[Id], Field(min_length=1)]
    launch: Instant
    ports: list[Id] | None = Field(None, description="ports to use, preferred first")
    cargo: dict[str, Kg] | None = Field(None, description="kg by consumable; vehicle default")
    crew: dict[Segment, People] = Field(default_factory=dict)
    stay_days: Days | None = None
    undock: Instant | None = None
    relieves: Id | None = None

    @model_validator(mode="after")
    def _stay_or_undock(self) -> Flight:
        if self.stay_days is not None and self.undock is not None:
            raise ValueError("give stay_days or undock, not both")
        return self

    @property
    def pads(self) -> list[str]:
        """The pad preference list."""
        return [self.pad] if isinstance(self.pad, str) else list(self.pad)


class Rules(_Cited):
    """Operating rules."""

    handover_days: Days = Field(7.0, description="crew handover after the relief docks")
    evacuate_below_days: Days | None = Field(
        None,
        description="when a consumable the crew uses (per_crew_day > 0) falls below this many "
        "days of supply with crew aboard, every docked crew vehicle leaves with its crew "
        "(default: never)",
    )


class FamilyUncertainty(_Cited):
    """Launch failure risk of a launcher family and its stand-down after a failure."""

    failure_probability: Probability | None = Field(
        None, description="per launch; default 1 - the vehicle type's reliability"
    )
    stand_down_days: UncertainDays = Field(default_factory=lambda: parse_dist(0))


class Uncertainty(_Cited):
    """Randomness of a run. Without this section a run has no slips and no failures."""

    launch_failures: dict[str, FamilyUncertainty] = Field(default_factory=dict)
    slip_days: dict[str, UncertainDays] = Field(
        default_factory=dict, description="by flight id or vehicle type id (flight wins)"
    )


class Scenario(_Cited):
    """A whole scenario file (after ``extends`` and overrides are resolved)."""

    extends: str | None = Field(None, description="base scenario file, relative to this one")
    name: Id
    description: str = ""
    epoch: Day
    horizon: Day
    seed: Annotated[int, Field(ge=0, le=2**64 - 1)] = 0
    rules: Rules = Field(default_factory=Rules)
    station: Station
    pads: list[Pad]
    vehicles: list[VehicleType]
    flights: list[Flight] = Field(default_factory=list)
    uncertainty: Uncertainty | None = None

    @field_validator("name")
    @classmethod
    def _name_is_an_identifier(cls, name: str) -> str:
        # outputs go to results/<name>/: the name must stay one folder inside results/
        bad = next((ch for ch in name if ch in "/\\" or ord(ch) < 32 or ord(ch) == 127), None)
        if bad is not None or name.startswith(".") or ".." in name or not name.strip():
            what = f"contains {bad!r}" if bad is not None else "starts with '.' or has '..'"
            what = what if name.strip() else "is blank"
            raise ValueError(
                f"{name!r} {what}: a scenario name is an identifier (it names the folder "
                "results/<name>/), not a path; use letters, digits, '-', '_', spaces"
            )
        return name

    _files: tuple[str, ...] = PrivateAttr(default=())
    _left_out: tuple[str, ...] = PrivateAttr(default=())
    _file_sha256: str | None = PrivateAttr(default=None)

    @property
    def files(self) -> tuple[str, ...]:
        """The scenario file and the files it extends, the given one first (if loaded)."""
        return self._files

    @property
    def left_out(self) -> tuple[str, ...]:
        """Ids of the flights left out because they are planned after the horizon."""
        return self._left_out

    @property
    def file_sha256(self) -> str | None:
        """sha256 of the scenario file's bytes (None if not loaded from a file)."""
        return self._file_sha256

    def days(self, when: date | datetime) -> float:
        """Days from epoch (midnight UTC) to ``when``."""
        start = datetime(self.epoch.year, self.epoch.month, self.epoch.day)
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day)
        offset = when.utcoffset() or timedelta(0)  # timedelta arithmetic cannot overflow
        return ((when.replace(tzinfo=None) - start) - offset).total_seconds() / 86400.0

    @property
    def horizon_days(self) -> float:
        """Length of the run in days."""
        return self.days(self.horizon)

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Every id-keyed collection as a dict by id."""
        return {
            "ports": {p.id: p for p in self.station.ports},
            "consumables": {c.id: c for c in self.station.consumables},
            "docked": {d.id: d for d in self.station.docked},
            "pads": {p.id: p for p in self.pads},
            "vehicles": {v.id: v for v in self.vehicles},
            "flights": {f.id: f for f in self.flights},
        }
