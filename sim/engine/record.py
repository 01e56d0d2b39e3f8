"""The typed record of one run: what the engine hands to everything after it.

A :class:`RunRecord` holds structured events (named fields, no free text to split), the
time series as named columns, each consumable's statistics, the pad outages drawn, and the
vehicles with their dates. :mod:`sim.results` reads only this record; nothing after the
engine reads the engine's own state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, NamedTuple, overload

import numpy as np

from sim.engine.crafts import Craft
from sim.scenario.model import Scenario

__all__ = [
    "EVENT_KINDS",
    "Event",
    "EventKind",
    "EventLog",
    "GeneratorStats",
    "OrbitStats",
    "OutageRecord",
    "RawEvent",
    "RunRecord",
    "StoreStats",
    "event_from_text",
]

EventKind = Literal[
    "on_station",
    "pad_down",
    "pad_up",
    "launch",
    "launch_failure",
    "port_wait",
    "port_yield",
    "dock",
    "undock",
    "forced_return",
    "below_reserve",
    "depleted",
    "transfer",
    "evacuation",
    "reboost",
    "no_reboost",
    "below_min_altitude",
    "generator_down",
    "generator_up",
    "decrew",
    "hold",
    "release",
    "launch_held",
    "uncrewed_next",
    "uncrewed_flight",
    "lifeboat_damaged",
    "crew_transfer",
]
EVENT_KINDS: tuple[str, ...] = EventKind.__args__  # type: ignore[attr-defined]

_AT_PORT = frozenset({"on_station", "dock", "undock", "forced_return"})
_OF_STOCK = frozenset({"below_reserve", "depleted"})
_AT_KM = frozenset({"no_reboost", "below_min_altitude"})
_OF_GENERATOR = frozenset({"generator_down", "generator_up", "launch_held", "uncrewed_flight"})
_BY_POLICY = frozenset({"decrew", "hold", "uncrewed_next"})
"""Policy actions: the detail is why (``food (RS) below 45 days``; empty: a lifeboat)."""


class Event(NamedTuple):
    """One thing that happened, at its exact time (days since epoch).

    ``subject`` is a vehicle (launch, dock, ...), a pad (``pad_down``/``pad_up``), a
    consumable (``below_reserve``/``depleted``/``transfer``) or ``station``
    (``evacuation``); the other fields are set where the kind has them and None
    elsewhere."""

    day: float
    kind: str
    """One of :data:`EventKind`."""
    subject: str
    pad: str | None = None
    """``launch``, ``launch_failure``: the pad it flew from."""
    port: str | None = None
    """``on_station``, ``dock``, ``undock``, ``forced_return``: the port."""
    days: float | None = None
    """``pad_down``: the repair (days); ``launch_failure``: the family's stand-down;
    ``transfer``: how long it flowed."""
    family: str | None = None
    """``launch_failure``: the launcher family grounded."""
    vehicle: str | None = None
    """``port_yield``: the arriving vehicle that the subject makes room for."""
    consumable: str | None = None
    """``evacuation``: the consumable whose margin triggered it."""
    segment: str | None = None
    """``below_reserve``, ``depleted``, ``evacuation``: the segment whose stock it is
    (None: a station-wide pool); ``transfer``: the receiving segment."""
    donor: str | None = None
    """``transfer``: the giving segment."""
    kg: float | None = None
    """``transfer``: the mass moved; ``reboost``: station propellant spent."""
    km: float | None = None
    """``reboost``: altitude gained; ``no_reboost``, ``below_min_altitude``: the altitude."""

    @property
    def detail(self) -> str:
        """The ``detail`` column of events.csv (inverse: :func:`event_from_text`)."""
        kind = self.kind
        if kind in _AT_PORT:
            return self.port or ""
        if kind == "launch":
            return self.pad or ""
        if kind == "pad_down":
            return f"repair {self.days:g} days"
        if kind == "launch_failure":
            return f"{self.pad}; {self.family} grounded {self.days:g} days"
        if kind == "port_wait":
            return "no free port"
        if kind == "port_yield":
            return f"leaves early for {self.vehicle}"
        if kind == "evacuation":
            where = f" ({self.segment})" if self.segment else ""
            return f"{self.consumable}{where} below the evacuation line"
        if kind in _OF_STOCK:
            return self.segment or ""
        if kind == "transfer":
            return f"{self.kg!r} kg {self.donor} -> {self.segment} over {self.days!r} days"
        if kind == "reboost":
            by = self.vehicle or "station"
            return f"+{self.km!r} km by {by}; {self.kg!r} kg {self.consumable}"
        if kind in _AT_KM:
            return f"at {self.km!r} km"
        if kind in _OF_GENERATOR:
            return self.segment or ""
        if kind in _BY_POLICY:
            if self.consumable is None:
                return ""
            where = f" ({self.segment})" if self.segment else ""
            return f"{self.consumable}{where} below {self.days!r} days"
        if kind == "crew_transfer":
            return f"from {self.vehicle}"
        return ""


RawEvent = tuple[
    float,
    str,
    str,
    str | None,
    str | None,
    float | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    float | None,
    float | None,
]
"""An event as the engine logs it: a plain tuple of the :class:`Event` fields, in order.
Building an Event costs ~100 ns, a plain tuple ~30 (measured with timeit on this
project's 2-core VM): ~4% of the engine's cost per event, so Events are made only when
read (:class:`EventLog`)."""

_as_event = partial(tuple.__new__, Event)


class EventLog(Sequence[Event]):
    """A run's events in time order, given out as :class:`Event` when read."""

    __slots__ = ("_raw",)

    def __init__(self, raw: list[RawEvent]) -> None:
        self._raw = raw

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, i: int) -> Event: ...

    @overload
    def __getitem__(self, i: slice) -> list[Event]: ...

    def __getitem__(self, i: int | slice) -> Event | list[Event]:
        if isinstance(i, slice):
            return list(map(_as_event, self._raw[i]))
        return _as_event(self._raw[i])

    def __iter__(self) -> Iterator[Event]:
        return map(_as_event, self._raw)

    def __repr__(self) -> str:
        return f"EventLog({len(self._raw)} events)"

    def kinds(self, kind: str) -> list[RawEvent]:
        """The raw events of ``kind``, without building Events."""
        return [e for e in self._raw if e[1] == kind]

    def days(self, kind: str) -> list[float]:
        """The times (days) of every event of ``kind``, without building Events."""
        return [e[0] for e in self._raw if e[1] == kind]


def event_from_text(day: float, kind: str, subject: str, detail: str) -> Event:
    """The Event that a row of events.csv was written from (its ``detail`` parsed back)."""
    if kind in _AT_PORT:
        return Event(day, kind, subject, port=detail or None)
    if kind == "launch":
        return Event(day, kind, subject, pad=detail or None)
    if kind == "pad_down":
        return Event(day, kind, subject, days=_days_in(detail, "repair "))
    if kind == "launch_failure":
        pad, _, rest = detail.partition("; ")
        family, _, grounded = rest.partition(" grounded ")
        return Event(
            day, kind, subject, pad=pad or None, family=family or None, days=_days_in(grounded)
        )
    if kind == "port_yield":
        return Event(day, kind, subject, vehicle=detail.removeprefix("leaves early for ") or None)
    if kind == "evacuation":
        cause = detail.removesuffix(" below the evacuation line")
        segment = None
        if cause.endswith(")") and " (" in cause:
            cause, _, segment = cause[:-1].rpartition(" (")
        return Event(day, kind, subject, consumable=cause or None, segment=segment or None)
    if kind in _OF_STOCK:
        return Event(day, kind, subject, segment=detail or None)
    if kind == "transfer":
        kg, _, rest = detail.partition(" kg ")
        donor, _, rest = rest.partition(" -> ")
        to, _, days = rest.partition(" over ")
        return Event(
            day,
            kind,
            subject,
            days=_days_in(days),
            segment=to or None,
            donor=donor or None,
            kg=_days_in(kg),
        )
    if kind == "reboost":
        km, _, rest = detail.removeprefix("+").partition(" km by ")
        by, _, rest = rest.partition("; ")
        kg, _, consumable = rest.partition(" kg ")
        return Event(
            day,
            kind,
            subject,
            vehicle=None if by in ("station", "") else by,
            consumable=consumable or None,
            kg=_days_in(kg),
            km=_days_in(km),
        )
    if kind in _AT_KM:
        return Event(day, kind, subject, km=_days_in(detail.removesuffix(" km"), "at "))
    if kind in _OF_GENERATOR:
        return Event(day, kind, subject, segment=detail or None)
    if kind in _BY_POLICY:
        if not detail:
            return Event(day, kind, subject)
        cause, _, days = detail.rpartition(" below ")
        segment = None
        if cause.endswith(")") and " (" in cause:
            cause, _, segment = cause[:-1].rpartition(" (")
        return Event(day, kind, subject, days=_days_in(days), consumable=cause, segment=segment)
    if kind == "crew_transfer":
        return Event(day, kind, subject, vehicle=detail.removeprefix("from ") or None)
    return Event(day, kind, subject)


def _days_in(text: str, prefix: str = "") -> float | None:
    number = text.removeprefix(prefix).removesuffix(" days")
    try:
        return float(number)
    except ValueError:
        return None


class StoreStats(NamedTuple):
    """One consumable's statistics over the run (days since epoch; kg). A NamedTuple, not
    a frozen dataclass: it is built per store per run, ~0.5 us against ~2 us."""

    id: str
    """The consumable."""
    segment: str | None
    """The segment holding this stock (None: one station-wide pool)."""
    crew_rates: tuple[float, float]
    """kg per person per day of RS and of USOS crew (0 for crew using another stock)."""
    per_crew_day: float
    """kg per person per day (of the crew that use it)."""
    fixed_per_day: float
    """kg per day whatever the crew."""
    reserve_days: float
    initial_kg: float
    min_days_of_supply: float
    """Lowest days of supply (inf: nothing was ever used)."""
    min_day: float
    first_below_reserve_day: float | None
    below_reserve_days: float
    """Days spent below the reserve line."""
    depleted_day: float | None
    shortfall_kg: float
    """Use that found the stock empty."""
    delivered_kg: float
    consumed_kg: float
    end_kg: float
    transferred_in_kg: float
    transferred_out_kg: float
    below_spans: tuple[tuple[float, float], ...]
    """(start, end) of each stretch below the reserve line (end inf: still below)."""

    def rate(self, crew_rs: np.ndarray, crew_usos: np.ndarray) -> np.ndarray:
        """Use in kg/day at these crews (arrays)."""
        a_rs, a_usos = self.crew_rates
        if a_rs == a_usos:
            rate: np.ndarray = (crew_rs + crew_usos) * a_rs + self.fixed_per_day
        else:
            rate = crew_rs * a_rs + crew_usos * a_usos + self.fixed_per_day
        return rate


class OutageRecord(NamedTuple):
    """A pad outage as drawn for the run: from ``start_day`` for ``repair_days``."""

    pad: str
    start_day: float
    repair_days: float


class OrbitStats(NamedTuple):
    """The altitude over the run (km; days since epoch)."""

    points: tuple[tuple[float, float], ...]
    """(day, km) at every change of slope and on both sides of every reboost."""
    min_km: float
    min_day: float
    floor_km: float
    first_below_day: float | None
    """When it first went under the floor (None: never)."""
    below_days: float
    reboosts: int
    station_kg: float
    """Station propellant spent on reboosts, kg."""
    station_km: float
    """km of reboost paid by station propellant."""
    vehicle_km: float
    """km of reboost paid by docked vehicles' own budgets."""


class GeneratorStats(NamedTuple):
    """One oxygen generator over the run."""

    id: str
    segment: str
    generated_kg: float
    down_days: float
    spans: tuple[tuple[float, float], ...]
    """(start, end) of each stretch down (end inf: still down at the horizon)."""


@dataclass(frozen=True, eq=False)
class RunRecord:
    """Everything one engine run produced, read by :mod:`sim.results`."""

    scenario: Scenario
    seed: int
    horizon_days: float
    events: EventLog
    """In time order (events at the same instant in the order they happened)."""
    series: dict[str, np.ndarray]
    """Columns ``day``, ``crew_RS``, ``crew_USOS``, ``seats`` and ``<c>_kg`` for every
    consumable held in one pool, ``<c>_<S>_kg`` for one held by segment S: one row per
    event time or change of a transfer, two at a jump (before and after it)."""
    stores: dict[str, StoreStats]
    """By store: ``food`` (one pool) or ``food.RS`` (a segment's stock), in the
    scenario's order."""
    outages: list[OutageRecord]
    flights: list[Craft]
    """The manifest's flights, in its order, with their dates after the run."""
    docked: list[Craft]
    """The vehicles docked at epoch, after the run."""
    processed_events: int
    """simpy events processed (a measure of the work done)."""
    undelivered: dict[str, float]
    """kg of refuel cargo (propellant) that docked where it could not be transferred."""
    orbit: OrbitStats | None = None
    """The altitude, if the scenario models it."""
    generators: tuple[GeneratorStats, ...] = ()
    person_days_lost: float = 0.0
    """Crew time given up by policy returns (decrew, evacuation), person-days."""
    """The oxygen generators, if the scenario has a life-support section."""
