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
    "Altitude",
    "Boost",
    "Cargo",
    "Consumable",
    "DecayChange",
    "DockedVehicle",
    "FamilyUncertainty",
    "Flight",
    "Generator",
    "GeneratorFailures",
    "GeneratorOutage",
    "InitialStock",
    "LifeSupport",
    "Outage",
    "Pad",
    "Policy",
    "PolicyTrigger",
    "Port",
    "Reboost",
    "Rules",
    "Scenario",
    "Segment",
    "SegmentStock",
    "Sharing",
    "SharingOnNeed",
    "Station",
    "Uncertainty",
    "VehicleType",
    "cargo_kg",
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
    # defer_build: each model's validator is built when first used (for a scenario: once,
    # as part of the root's), not at import for each of the 28 models; start-up of
    # `iss-sim validate` 0.19 -> 0.18 s
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    refuel: bool = Field(
        False, description="propellant can be transferred to the station's tanks from here"
    )


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


class SegmentStock(_Strict):
    """One segment's own stock of a consumable and its use rates there."""

    initial: InitialStock
    per_crew_day: Kg | None = Field(
        None, description="kg per person per day in this segment (default: the consumable's)"
    )
    fixed_per_day: Kg = Field(0.0, description="kg per day in this segment whatever the crew")
    source: Source = None
    assumption: str | None = None
    note: str | None = None


class Consumable(_Cited):
    """A consumable stock: use per crew-day plus a fixed daily use, and its reserve line.

    Held in one of three ways: one station-wide pool (no ``segments``, no ``held_by``:
    every crew member uses it, all cargo adds to it); a stock per segment
    (``segments: {RS: ..., USOS: ...}``: crew use their own segment's stock, cargo goes to
    the segment of the port it docks at, ``rules.sharing`` says what moves between them);
    or one segment's stock serving the whole station (``held_by: RS``, e.g. propellant in
    the Russian tanks)."""

    id: Id
    unit: Literal["kg"] = "kg"
    per_crew_day: Kg = Field(0.0, description="kg used per person per day")
    fixed_per_day: Kg = Field(0.0, description="kg used per day regardless of crew")
    initial: InitialStock | None = Field(
        None, description="stock at epoch (one pool or held_by); per segment under segments"
    )
    reserve_days: Days = Field(description="reserve threshold in days of supply")
    segments: dict[Segment, SegmentStock] | None = Field(
        None, description="a stock per segment (both RS and USOS), each with its own rates"
    )
    held_by: Segment | None = Field(
        None, description="one segment holds the whole station's stock (e.g. propellant: RS)"
    )
    refuel: bool = Field(
        False,
        description="delivered only by vehicles that can refuel, docked at a refuel port "
        "(propellant)",
    )

    @model_validator(mode="after")
    def _one_way_held(self) -> Consumable:
        if self.segments is not None:
            if self.held_by is not None:
                raise ValueError("give segments or held_by, not both")
            if self.initial is not None:
                raise ValueError(
                    "with segments, give each segment its own initial stock "
                    "(segments.RS.initial, segments.USOS.initial), not a station-wide one"
                )
            if self.fixed_per_day:
                raise ValueError("with segments, give fixed_per_day per segment")
            missing = [s for s in SEGMENTS if s not in self.segments]
            if missing:
                raise ValueError(
                    f"segments must give every segment ({', '.join(SEGMENTS)}); missing "
                    f"{', '.join(missing)} (a segment with no stock: initial: {{kg: 0}})"
                )
        elif self.initial is None:
            raise ValueError("give initial (kg, or days with crew), or a stock per segment")
        return self

    @property
    def split(self) -> bool:
        """Held as a stock per segment."""
        return self.segments is not None

    def crew_rates(self) -> dict[Segment, float]:
        """kg per person per day by the segment the person belongs to (station-wide)."""
        if self.segments is None:
            return dict.fromkeys(SEGMENTS, self.per_crew_day)
        return {s: self.segment_per_crew_day(s) for s in SEGMENTS}

    def segment_per_crew_day(self, seg: Segment) -> float:
        """kg per person per day of the crew of segment ``seg`` (split stocks)."""
        assert self.segments is not None
        own = self.segments[seg].per_crew_day
        return self.per_crew_day if own is None else own

    def station_fixed_per_day(self) -> float:
        """kg per day whatever the crew, over the whole station."""
        if self.segments is None:
            return self.fixed_per_day
        return sum(self.segments[s].fixed_per_day for s in SEGMENTS)

    def rate(self, crew: int) -> float:
        """Use in kg/day of one pool with ``crew`` people on board (segments: at the same
        per-person rate in both)."""
        return crew * self.per_crew_day + self.fixed_per_day

    def initial_kg(self) -> float:
        """Stock at epoch in kg (split: the station's total)."""
        if self.segments is not None:
            return sum(self.segment_initial_kg(s) for s in SEGMENTS)
        assert self.initial is not None
        return _stock_kg(self.initial, self.per_crew_day, self.fixed_per_day)

    def segment_initial_kg(self, seg: Segment) -> float:
        """Stock of segment ``seg`` at epoch in kg (split stocks)."""
        assert self.segments is not None
        st = self.segments[seg]
        return _stock_kg(st.initial, self.segment_per_crew_day(seg), st.fixed_per_day)


def _stock_kg(initial: InitialStock, per_crew_day: float, fixed_per_day: float) -> float:
    if initial.kg is not None:
        return initial.kg
    assert initial.days is not None and initial.crew is not None
    return initial.days * (initial.crew * per_crew_day + fixed_per_day)


SegmentKg = Annotated[dict[Segment, Kg], Field(min_length=1)]
Cargo = dict[str, Kg | SegmentKg]
"""Cargo, kg by consumable: a number (to the segment of the port it docks at) or kg by
segment (``{RS: 60, USOS: 200}``)."""


def cargo_kg(kg: float | dict[Segment, float]) -> float:
    """The mass of one consumable's cargo entry, kg (all segments)."""
    return sum(kg.values()) if isinstance(kg, dict) else kg


class DockedVehicle(_Cited):
    """A vehicle already docked at epoch, with the crew it brought."""

    id: Id
    vehicle: Id
    port: Id
    docked: Instant
    launched: Instant | None = Field(
        None, description="launch date, for a docked life counted from launch"
    )
    crew: dict[Segment, People] = Field(default_factory=dict)
    stay_days: Days | None = None
    undock: Instant | None = None
    relieves: Id | None = None
    boost: Boost | None = Field(None, description="reboost budget left; default: the vehicle's")
    damaged: Instant | None = Field(
        None, description="from this date it can no longer return crew (a lost lifeboat)"
    )
    handover_days: Days | None = Field(
        None, description="how long it stays after its relief docks (default: the vehicle's)"
    )

    @model_validator(mode="after")
    def _stay_or_undock(self) -> DockedVehicle:
        if self.stay_days is not None and self.undock is not None:
            raise ValueError("give stay_days or undock, not both")
        return self


Km = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
"""A distance or altitude, km."""


class Reboost(_Strict):
    """When the altitude falls to ``at_km``, raise it by ``by_km``."""

    at_km: Km
    by_km: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]


class DecayChange(_Cited):
    """From ``start`` on, the altitude decays at ``km_per_day`` (solar activity changes it)."""

    start: Instant
    km_per_day: UncertainDays


class Altitude(_Cited):
    """The station's mean altitude: a linear decay between events, a floor it must not go
    below, and a reboost rule paid by a docked boost vehicle's own budget first, then by
    the station's propellant at ``kg_per_km``."""

    initial_km: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)]
    decay_km_per_day: UncertainDays = Field(
        description="km lost per day without reboost (a number or a distribution)"
    )
    decay_changes: list[DecayChange] = Field(
        default_factory=list, description="later decay rates, by start date"
    )
    min_altitude_km: Km = Field(description="the floor the station must not go below")
    reboost: Reboost | None = Field(None, description="reboost rule (default: none)")
    propellant: Id = Field("propellant", description="consumable that pays station reboosts")
    kg_per_km: Kg = Field(description="station propellant per km of reboost")


class Boost(_Cited):
    """A vehicle's reboost budget while docked, from its own propellant: ``km`` of
    altitude, or ``kg`` (converted at the altitude's ``kg_per_km``); only at ``ports``
    (default: any of its ports)."""

    km: Km | None = None
    kg: Kg | None = None
    ports: list[Id] | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> Boost:
        if (self.km is None) == (self.kg is None):
            raise ValueError("give the boost budget as km or as kg, one of them")
        return self


class GeneratorOutage(_Cited):
    """A scheduled span with a generator down."""

    start: Instant
    days: Days


class GeneratorFailures(_Cited):
    """Random failures (under ``uncertainty`` only): time up between failures and repair
    time, days, each a number or a distribution."""

    up_days: UncertainDays
    repair_days: UncertainDays


class Generator(_Cited):
    """An oxygen generator (electrolysis): makes up to ``max_kg_per_day`` of O2 from its
    segment's water, ``water_per_kg`` kg of water per kg of O2 (9/8 by stoichiometry)."""

    id: Id
    segment: Segment
    max_kg_per_day: Kg
    water_per_kg: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 9 / 8
    outages: list[GeneratorOutage] = Field(default_factory=list)
    failures: GeneratorFailures | None = None


class LifeSupport(_Cited):
    """Water recovery and oxygen generation. With it, ``per_crew_day`` of ``water`` and
    ``oxygen`` are GROSS needs: a segment's water store pays its crew's unrecovered water
    (1 - recovery) plus its generators' feed water (less ``feed_recovery``); the oxygen
    stock pays only what the running generators, in list order, do not make."""

    water: Id = "water"
    oxygen: Id = "oxygen"
    recovery: dict[Segment, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = Field(
        default_factory=dict, description="fraction of crew water recovered, by segment"
    )
    feed_recovery: dict[Segment, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description="fraction of the generators' feed water returned by CO2 reduction "
        "(Sabatier), by segment (default 0)",
    )
    generators: list[Generator] = Field(default_factory=list)


class Station(_Cited):
    """Ports, consumables and the vehicles docked at epoch."""

    ports: list[Port]
    consumables: list[Consumable]
    docked: list[DockedVehicle] = Field(default_factory=list)
    altitude: Altitude | None = None
    life_support: LifeSupport | None = None


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
    cargo: Cargo = Field(
        default_factory=dict,
        description="default cargo, kg by consumable (or kg by segment: {RS: 60, USOS: 200})",
    )
    refuel: bool = Field(False, description="can transfer propellant to the station's tanks")
    boost: Boost | None = Field(None, description="reboost budget while docked (own propellant)")
    handover_days: Days | None = Field(
        None, description="stay after its relief docks (default: rules.handover_days)"
    )
    docked_life_from: Literal["docking", "launch"] = Field(
        "docking", description="when its docked life starts counting"
    )


class Flight(_Cited):
    """One planned flight of the manifest."""

    id: Id
    vehicle: Id
    pad: Id | Annotated[list[Id], Field(min_length=1)]
    launch: Instant
    flown: bool = Field(
        False,
        description="flown by the scenario's as_of: its launch and success are facts, "
        "never slipped or failed by uncertainty",
    )
    ports: list[Id] | None = Field(None, description="ports to use, preferred first")
    cargo: Cargo | None = Field(
        None, description="kg by consumable (or by segment); default: the vehicle's"
    )
    crew: dict[Segment, People] = Field(default_factory=dict)
    stay_days: Days | None = None
    undock: Instant | None = None
    relieves: Id | None = None
    boost: Boost | None = Field(None, description="reboost budget; default: the vehicle's")
    outcome: Literal["failed"] | None = Field(
        None, description="failed: the launch fails on its date whatever the reliability"
    )
    stand_down_days: UncertainDays | None = Field(
        None,
        description="grounding of the family after a forced failure (default: the "
        "uncertainty section's stand-down for the family, else 0)",
    )
    handover_days: Days | None = Field(
        None, description="stay after its relief docks (default: the vehicle's)"
    )
    damaged: Instant | None = Field(
        None, description="from this date it can no longer return crew (a lost lifeboat)"
    )
    replace: Id | None = Field(
        None,
        description="a damaged crew vehicle this one replaces: its crew move over at "
        "docking and the damaged one leaves empty after the handover",
    )

    @model_validator(mode="after")
    def _stay_or_undock(self) -> Flight:
        if self.stay_days is not None and self.undock is not None:
            raise ValueError("give stay_days or undock, not both")
        return self

    @property
    def pads(self) -> list[str]:
        """The pad preference list."""
        return [self.pad] if isinstance(self.pad, str) else list(self.pad)


class SharingOnNeed(_Strict):
    """Share on need: when a segment's stock falls below ``below_days`` of supply, the
    other segment gives to it, at most ``max_kg_per_day``, and never below its own
    ``donor_keeps_days`` (nor below ``below_days``: a donor never puts itself in need)."""

    below_days: Annotated[float, Field(gt=0, le=MAX_DAYS, allow_inf_nan=False)]
    donor_keeps_days: Days
    max_kg_per_day: Annotated[float, Field(gt=0, le=MAX_KG, allow_inf_nan=False)]
    source: Source = None
    assumption: str | None = None
    note: str | None = None


Sharing = Literal["none", "pooled"] | SharingOnNeed
"""What a consumable held per segment shares: ``none``, ``pooled`` (one station-wide
pool), or an on-need rule."""


class PolicyTrigger(_Strict):
    """When a policy acts: a stock below ``below_days`` of supply (``consumable``, default
    any the crew use; ``segment``, default any), the station below ``altitude_below_km``,
    or a lifeboat becoming unusable (``lifeboat_unusable: true``). Exactly one kind."""

    below_days: Days | None = None
    consumable: Id | None = None
    segment: Segment | None = None
    altitude_below_km: Km | None = None
    lifeboat_unusable: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> PolicyTrigger:
        kinds = [self.below_days is not None, self.altitude_below_km is not None]
        kinds.append(self.lifeboat_unusable)
        if sum(kinds) != 1:
            raise ValueError(
                "give exactly one trigger: below_days (with consumable and/or segment), "
                "altitude_below_km, or lifeboat_unusable: true"
            )
        if self.below_days is None and (self.consumable or self.segment):
            raise ValueError("consumable and segment go with below_days")
        return self


class Policy(_Cited):
    """A crew decision: when ``when`` becomes true, ``do`` it (for ``segment``'s crew, or
    the whole station), at that exact instant."""

    id: Id
    when: PolicyTrigger
    do: Literal["decrew", "evacuate", "hold_crew_launches", "fly_uncrewed"]
    segment: Segment | Literal["station"] = Field(
        "station", description="whose crew the action concerns"
    )
    to_crew: People = Field(0, description="decrew: the segment's crew left aboard, at most")
    choose: Literal["longest_docked", "newest"] = Field(
        "longest_docked", description="decrew: which crew vehicle goes home first"
    )
    resume_above_days: Days | None = Field(
        None,
        description="hold_crew_launches: launches wait until the margin is back above "
        "this (default: the trigger's below_days)",
    )


class Rules(_Cited):
    """Operating rules."""

    handover_days: Days = Field(7.0, description="crew handover after the relief docks")
    evacuate_below_days: Days | None = Field(
        None,
        description="when a consumable the crew uses (per_crew_day > 0) falls below this many "
        "days of supply with crew aboard (in any of its stocks), every docked crew vehicle "
        "leaves with its crew (default: never)",
    )
    sharing: dict[str, Sharing] = Field(
        default_factory=dict,
        description="by consumable held per segment: none (the default), pooled, or "
        "{below_days, donor_keeps_days, max_kg_per_day}",
    )

    policies: list[Policy] = Field(
        default_factory=list, description="crew decisions: triggers and actions"
    )
    allow_unseated: bool = Field(
        False, description="allow more people aboard a crew vehicle than its seats"
    )

    def sharing_of(self, consumable: str) -> Sharing:
        """The sharing rule of ``consumable`` (``none`` unless the scenario says)."""
        return self.sharing.get(consumable, "none")


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
    as_of: Instant | None = Field(
        None,
        description="what is known up to this date: flights launched by then are facts "
        "(flown: true), uncertainty applies only after it",
    )
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
