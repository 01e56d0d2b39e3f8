"""What binds: for a consumable's first reserve breach, the delivery whose arrival would
have prevented it, how late it came and why (a pad down, a slip, a failure, a port wait).

The delivery named is the one of that consumable planned to dock soonest before the
breach (at its planned launch plus transit) that did not dock by then: had it come on
time, the stock would not have been as low on that date. For a stock held per segment,
only deliveries to the segment that breached count (cargo goes to the segment of the port
a flight prefers, unless it gives kg by segment).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.results.metrics import iso_date
from sim.results.result import Result
from sim.scenario.model import Flight, Scenario, VehicleType

__all__ = ["Binding", "binding"]


@dataclass(frozen=True)
class Binding:
    """The first breach of a consumable's reserve and the delivery that would have averted it."""

    consumable: str
    segment: str | None
    """The segment whose stock breached (None: a station-wide pool)."""
    breach_day: float
    flight: str | None
    """The late delivery, or None when none was planned to dock before the breach."""
    planned_dock_day: float | None
    dock_day: float | None
    """When it docked (None: failed, or not docked by the horizon)."""
    why: str
    """Why it was late, in words."""

    def sentence(self, result: Result) -> str:
        """One sentence for a briefing, with dates."""
        c = result.scenario.by_id()["consumables"][self.consumable]
        breach = iso_date(result.epoch, self.breach_day)
        where = f"{self.segment} " if self.segment else ""
        head = f"{where}{self.consumable} below {c.reserve_days:g} days on {breach}"
        if self.flight is None:
            return (
                f"{head}; no delivery of {where}{self.consumable} was planned to dock before then"
            )
        planned = iso_date(result.epoch, self.planned_dock_day)
        due = f"the {where}delivery due first"
        if self.dock_day is None:
            return f"{head}; {due}, {self.flight} (planned {planned}), {self.why}"
        late = self.dock_day - (self.planned_dock_day or 0.0)
        docked = iso_date(result.epoch, self.dock_day)
        return f"{head}; {due}, {self.flight}, docked {docked}, {late:.0f} days late ({self.why})"


def binding(result: Result, consumable: str) -> Binding | None:
    """The binding delivery of ``consumable``'s first reserve breach in ``result`` (None
    when its reserve is never breached)."""
    breaches = [e for e in result.events if e.kind == "below_reserve" and e.subject == consumable]
    if not breaches:
        return None
    t, segment = breaches[0].day, breaches[0].segment
    sc = result.scenario
    held = sc.by_id()["consumables"][consumable].held_by
    own = segment if segment is not None and segment != held else None  # a stock per segment
    vtypes = sc.by_id()["vehicles"]
    docked = {e.subject: e.day for e in result.events if e.kind == "dock"}
    failed = {e.subject for e in result.events if e.kind == "launch_failure"}
    rows = {f["id"]: f for f in result.flights}
    candidates = []
    for f in sc.flights:
        vt = vtypes[f.vehicle]
        if _brings(sc, f, vt, consumable, own) <= 0:
            continue
        planned = sc.days(f.launch) + vt.transit_days
        dock = docked.get(f.id)
        if planned < t and (dock is None or dock >= t):
            candidates.append((planned, f.id, dock))
    if not candidates:
        return Binding(consumable, segment, t, None, None, None, "")
    planned, fid, dock = min(candidates)
    return Binding(consumable, segment, t, fid, planned, dock, _why(result, fid, failed, rows))


def _brings(
    sc: Scenario, f: Flight, vt: VehicleType, consumable: str, segment: str | None
) -> float:
    """kg of ``consumable`` that flight ``f`` brings (to ``segment``'s stock, if given)."""
    kg = (vt.cargo if f.cargo is None else f.cargo).get(consumable, 0.0)
    if isinstance(kg, dict):
        return sum(kg.values()) if segment is None else kg.get(segment, 0.0)  # type: ignore[call-overload]
    if segment is None:
        return kg
    ports = {p.id: p.segment for p in sc.station.ports}
    return kg if ports.get((f.ports or vt.ports)[0]) == segment else 0.0


def _why(result: Result, fid: str, failed: set[str], rows: dict[str, dict[str, object]]) -> str:
    row = rows[fid]
    if fid in failed:
        return "it was lost in a launch failure"
    if row.get("outcome") == "not_launched":
        return "it had not launched by the horizon"
    sc = result.scenario
    flight = sc.by_id()["flights"][fid]
    planned = sc.days(flight.launch)
    pad = row.get("pad")
    downs = [e for e in result.events if e.kind == "pad_down" and e.subject == pad]
    for e in downs:
        if e.days is not None and e.day <= planned < e.day + e.days:
            start = iso_date(result.epoch, e.day)
            return f"{pad} was down from {start} for {e.days:.0f} days"
    wait = row.get("port_wait_days")
    if isinstance(wait, float) and wait > 0:
        return f"it waited {wait:.0f} days for a free port"
    slip = row.get("slip_days")
    if isinstance(slip, float) and slip > 0:
        return f"its launch slipped {slip:.0f} days"
    return "it launched as planned"
