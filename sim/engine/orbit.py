"""The station's mean altitude: piecewise linear in time, with exact crossings.

Between two events the altitude falls at a constant decay rate (km/day), so the instant it
reaches the reboost line or the floor is solved in closed form. A reboost raises it at
once (a jump); the engine decides who pays (a docked boost vehicle's own budget first, then
the station's propellant) and tells the orbit how many km were bought.
"""

from __future__ import annotations

import math

__all__ = ["Orbit"]

INF = math.inf
EPS_KM = 1e-9
"""Altitudes closer than this (km) are the same: a line reached by a timeout is on it."""


class Orbit:
    """Altitude (km) over time (days) and its statistics."""

    __slots__ = (
        "at_km",
        "below",
        "below_days",
        "below_since",
        "by_km",
        "decay",
        "first_below_at",
        "floor",
        "km",
        "km0",
        "min_at",
        "min_km",
        "points",
        "reboosts",
        "station_kg",
        "station_km",
        "stuck",
        "t",
        "t0",
        "vehicle_km",
    )

    def __init__(
        self,
        km: float,
        decay: float,
        floor: float,
        at_km: float | None = None,
        by_km: float = 0.0,
    ) -> None:
        self.km = self.km0 = km
        self.t = self.t0 = 0.0
        """``km0`` at ``t0``: the last jump or change of decay, from which every later
        altitude and crossing time is computed (no drift from repeated steps)."""
        self.decay = decay
        """km lost per day now."""
        self.floor = floor
        self.at_km = at_km
        """Reboost when the altitude reaches this (None: no reboost rule)."""
        self.by_km = by_km
        self.stuck = False
        """On or under the reboost line with nothing to pay for a reboost (until a change)."""
        self.min_km, self.min_at = km, 0.0
        self.below = km < floor - EPS_KM
        self.first_below_at: float | None = 0.0 if self.below else None
        self.below_days = 0.0
        self.below_since: float | None = 0.0 if self.below else None
        """When the present stretch under the floor began (None: above it)."""
        self.reboosts = 0
        self.station_kg = self.station_km = self.vehicle_km = 0.0
        self.points: list[tuple[float, float]] = [(0.0, km)]
        """(day, km) at every change of slope or jump (two points at a jump)."""

    def advance(self, t: float) -> None:
        """Let the altitude decay from the last event to ``t`` (days); the time under the
        floor is counted exactly, and entering it (by more than EPS_KM) is dated."""
        dt = t - self.t
        if dt <= 0:
            return
        km0 = self.km
        km1 = self.at(t)
        floor = self.floor
        if km1 < floor - EPS_KM or (self.below and km1 < floor + EPS_KM):
            cross = self.t0 + (self.km0 - floor) / self.decay  # when it reached the floor
            start = max(self.t, cross) if km0 > floor else self.t
            self.below_days += t - start
            if not self.below:
                self._enter(start)
        self.km, self.t = km1, t
        if km1 < self.min_km:
            self.min_km, self.min_at = km1, t

    def touch_floor(self, t: float) -> bool:
        """At ``t`` (advanced to it), on the floor and falling with no reboost made: it
        enters the region under the floor now. True if it did."""
        if self.below or self.decay <= 0 or self.km > self.floor + EPS_KM:
            return False
        self._enter(t)
        return True

    def _enter(self, t: float) -> None:
        self.below, self.below_since = True, t
        if self.first_below_at is None:
            self.first_below_at = t

    def at(self, t: float) -> float:
        """The altitude at ``t`` (not before the last jump), km."""
        return self.km0 - self.decay * (t - self.t0)

    def raise_by(self, t: float, km: float) -> None:
        """A reboost of ``km`` at ``t`` (the orbit advanced to ``t``)."""
        self.points.append((t, self.km))
        self.km += km
        self.km0, self.t0 = self.km, t
        self.reboosts += 1
        self.points.append((t, self.km))
        if self.below and self.km > self.floor + EPS_KM:
            self.below, self.below_since = False, None

    def set_decay(self, t: float, decay: float) -> None:
        """A new decay rate from ``t`` (the orbit advanced to ``t``)."""
        if self.points[-1][0] != t:
            self.points.append((t, self.km))
        self.km0, self.t0 = self.km, t
        self.decay = decay

    def due_reboost(self) -> bool:
        """On or under the reboost line, and not known to be unable to pay."""
        return self.at_km is not None and not self.stuck and self.km <= self.at_km + EPS_KM

    def waiting(self) -> bool:
        """On or under the reboost line (a reboost is due but was not paid in full): a
        delivery of propellant or a boost vehicle may pay for one now."""
        return self.at_km is not None and self.km <= self.at_km + EPS_KM

    def next_at(self) -> float:
        """When the altitude next reaches the reboost line (if it may reboost) or the
        floor (if above it), days; infinite if never at the present decay."""
        if self.decay <= 0:
            return INF
        nxt = INF
        if self.at_km is not None and not self.stuck and self.km > self.at_km + EPS_KM:
            nxt = self.t0 + (self.km0 - self.at_km) / self.decay
        if self.km > self.floor + EPS_KM:
            nxt = min(nxt, self.t0 + (self.km0 - self.floor) / self.decay)
        return nxt

    def close(self, t: float) -> None:
        """End the record at ``t`` (the horizon)."""
        self.advance(t)
        if self.points[-1][0] != t:
            self.points.append((t, self.km))
