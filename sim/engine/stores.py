"""Consumable levels as piecewise-linear functions of time, with exact threshold crossings.

Between two events a store's use rate (kg/day) is constant, so its level falls linearly and
its days of supply ``D = level / rate`` falls with slope exactly -1. Reserve and zero
crossings are therefore solved in closed form, never found by stepping through days.
"""

from __future__ import annotations

import math

from sim.engine.clock import EPS_DAYS

__all__ = ["Store"]

INF = math.inf


class Store:
    """One consumable's stock (kg) with its statistics, advanced event to event.

    ``crossing_at`` and ``crossing_kind`` hold :meth:`next_crossing` (time infinite if
    none), kept up to date on every change, so that the earliest crossing of many stores
    is a ``min`` over an attribute.
    """

    __slots__ = (
        "below_days",
        "consumed",
        "crossing_at",
        "crossing_kind",
        "delivered",
        "depleted_at",
        "first_below_at",
        "fixed_per_day",
        "id",
        "initial",
        "level",
        "min_at",
        "min_dos",
        "per_crew_day",
        "rate",
        "reserve_days",
        "shortfall",
        "t",
    )

    def __init__(
        self,
        cid: str,
        initial_kg: float,
        per_crew_day: float,
        fixed_per_day: float,
        reserve_days: float,
        crew: int = 0,
        t: float = 0.0,
    ) -> None:
        self.id = cid
        self.initial = self.level = float(initial_kg)
        self.per_crew_day = per_crew_day
        self.fixed_per_day = fixed_per_day
        self.reserve_days = reserve_days
        self.t = t
        self.rate = crew * per_crew_day + fixed_per_day
        self.delivered = self.consumed = self.shortfall = self.below_days = 0.0
        self.depleted_at: float | None = None
        self.first_below_at: float | None = None
        self.min_dos = INF
        self.min_at = t
        self._note_min(self.dos(), t)
        self.crossing_kind = ""
        self._find_crossing()

    def dos(self) -> float:
        """Days of supply now: level / rate (infinite when nothing is used)."""
        return self.level / self.rate if self.rate > 0 else INF

    def _note_min(self, value: float, t: float) -> None:
        if value < self.min_dos:
            self.min_dos, self.min_at = value, t
        if value < self.reserve_days and self.first_below_at is None:
            self.first_below_at = t

    def next_crossing(self) -> tuple[float, str] | None:
        """(time, kind) of the next reserve or zero crossing at the current rate, if any.

        ``kind`` is ``"reserve"`` (days of supply falls below the reserve) or ``"depleted"``.
        """
        return None if self.crossing_at == INF else (self.crossing_at, self.crossing_kind)

    def _find_crossing(self) -> None:
        """Set the next crossing from the state now; one closer than ``EPS_DAYS`` counts as
        passed (so the reserve line just reached gives way to depletion)."""
        r, level = self.rate, self.level
        if r > 0 and level > 0:
            dos = level / r
            if dos > self.reserve_days + EPS_DAYS:
                self.crossing_at = self.t + dos - self.reserve_days
                self.crossing_kind = "reserve"
                return
            if dos > EPS_DAYS:
                self.crossing_at = self.t + dos
                self.crossing_kind = "depleted"
                return
        self.crossing_at = INF

    def advance(self, t: float) -> None:
        """Use the stock from the last event time up to ``t`` (days)."""
        dt = t - self.t
        if dt <= 0:
            return
        r = self.rate
        if r > 0:
            level = self.level
            dos0 = level / r
            over = dos0 - self.reserve_days  # days above the reserve line at self.t
            if over < dt:  # below the reserve line for part of (self.t, t]
                self.below_days += dt - over if over > 0.0 else dt
                if self.first_below_at is None:
                    self.first_below_at = self.t + (over if over > 0.0 else 0.0)
            if level <= 0:
                self.shortfall += r * dt
            elif dos0 <= dt + EPS_DAYS:
                if self.depleted_at is None:
                    self.depleted_at = self.t + dos0
                self.consumed += level
                self.shortfall += r * max(0.0, dt - dos0)
                self._note_min(0.0, self.t + dos0)
                self.level = 0.0
            else:
                used = r * dt
                self.consumed += used
                self.level = level - used
                low = dos0 - dt  # days of supply fall: the low is at t
                if low < self.min_dos:
                    self.min_dos, self.min_at = low, t
                if low < self.reserve_days and self.first_below_at is None:
                    self.first_below_at = t  # (only if rounding hid the crossing above)
        self.t = t
        if t >= self.crossing_at - EPS_DAYS:  # at or past a crossing: find the next one
            self._find_crossing()

    def deliver(self, t: float, kg: float) -> None:
        """Add ``kg`` at time ``t``."""
        if t > self.t:
            self.advance(t)
        self.level += kg
        self.delivered += kg
        self._find_crossing()

    def set_crew(self, t: float, crew: int) -> None:
        """Change the number of people using this stock at time ``t``."""
        if t > self.t:
            self.advance(t)
        self.rate = crew * self.per_crew_day + self.fixed_per_day
        self._note_min(self.dos(), t)
        self._find_crossing()
