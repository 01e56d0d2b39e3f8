"""Consumable levels as piecewise-linear functions of time, with exact threshold crossings.

Between two events a store's use rate (kg/day) is constant, so its level falls linearly and
its days of supply ``D = level / rate`` falls with slope exactly -1. Reserve and zero
crossings are therefore solved in closed form, never found by stepping through days.

One tolerance decides what counts (:data:`~sim.engine.clock.EPS_DAYS`): a store *enters*
the region below its reserve (or runs out) only when its days of supply go under the line
by more than the tolerance. Falling onto the line just as a delivery or a departure lifts
it again is a touch, not a breach. An entry is dated at the instant the line was crossed:
the crossing time for a steady fall, the event's time for a step (crew arriving). Each
entry is counted once; the store records it (``first_below_at``, ``depleted_at``) and
returns it to whoever logs events.
"""

from __future__ import annotations

import math

from sim.engine.clock import EPS_DAYS

__all__ = ["BELOW", "DEPLETED", "Store"]

INF = math.inf
BELOW = "below_reserve"
DEPLETED = "depleted"
_NONE: tuple[str, ...] = ()


class Store:
    """One consumable's stock (kg) with its statistics, advanced event to event.

    ``crossing_at`` and ``crossing_kind`` hold :meth:`next_crossing` (time infinite if
    none), kept up to date on every change, so that the earliest crossing of many stores
    is a ``min`` over an attribute. A crossing within the tolerance of the last change
    stays pending (it may be undone by a change at that instant) until time moves on.
    """

    __slots__ = (
        "below",
        "below_days",
        "consumed",
        "crossing_at",
        "crossing_kind",
        "delivered",
        "depleted_at",
        "empty",
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
        self.delivered = self.consumed = self.shortfall = self.below_days = 0.0
        self.depleted_at: float | None = None
        self.first_below_at: float | None = None
        self.below = False
        """Inside the region below the reserve line (entered, not yet left)."""
        self.empty = False
        """Run out (entered, no delivery since)."""
        self.min_dos = INF
        self.min_at = t
        self.rate = crew * per_crew_day + fixed_per_day
        self._note_min(self.dos(), t)
        self.crossing_kind = ""
        self._find_crossing()  # starting below the line is an entry at t, once time moves on

    def dos(self) -> float:
        """Days of supply now: level / rate (infinite when nothing is used)."""
        return self.level / self.rate if self.rate > 0 else INF

    def next_crossing(self) -> tuple[float, str] | None:
        """(time, kind) of the next entry below the reserve or to zero at the current rate,
        if any; ``kind`` is ``"reserve"`` or ``"depleted"``."""
        return None if self.crossing_at == INF else (self.crossing_at, self.crossing_kind)

    def _find_crossing(self) -> None:
        """Set the next crossing from the state now (the reserve line first, then zero);
        it may be now, when the store sits on the line and falls."""
        r = self.rate
        if r > 0:
            dos = self.level / r
            if not self.below:
                ahead = dos - self.reserve_days
                self.crossing_at = self.t + ahead if ahead > 0.0 else self.t
                self.crossing_kind = "reserve"
                return
            if not self.empty:
                self.crossing_at = self.t + dos if dos > 0.0 else self.t
                self.crossing_kind = "depleted"
                return
        self.crossing_at = INF

    def pass_crossing(self) -> str:
        """Enter the pending crossing now (at ``t``; the caller has advanced the store to
        it) and return the event kind (``below_reserve`` or ``depleted``). Used by the
        engine, which logs each entry."""
        kind = BELOW if self.crossing_kind == "reserve" else DEPLETED
        self._enter(kind, max(self.t, self.crossing_at))
        self._find_crossing()
        return kind

    def _enter(self, kind: str, at: float) -> None:
        if kind == BELOW:
            self.below = True
            if self.first_below_at is None:
                self.first_below_at = at
        else:
            self.empty = True
            if self.depleted_at is None:
                self.depleted_at = at

    def advance(self, t: float) -> None:
        """Use the stock from the last event time up to ``t`` (days), entering every
        crossing passed by more than the tolerance on the way (at its own time)."""
        while self.crossing_at < t - EPS_DAYS:  # (the engine passes them itself, first)
            self.advance(max(self.t, self.crossing_at))  # to it; this inner call passes none
            self.pass_crossing()
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
            if level <= 0:
                self.shortfall += r * dt
            elif dos0 <= dt:
                self.consumed += level
                self.shortfall += r * (dt - dos0)
                self._note_min(0.0, self.t + dos0)
                self.level = 0.0
            else:
                used = r * dt
                self.consumed += used
                self.level = level - used
                self._note_min(dos0 - dt, t)  # days of supply fall: the low is at t
        self.t = t

    def _note_min(self, value: float, t: float) -> None:
        if value < self.min_dos:
            self.min_dos, self.min_at = value, t

    def deliver(self, t: float, kg: float) -> None:
        """Add ``kg`` at time ``t``."""
        if t > self.t:
            self.advance(t)
        self.level += kg
        self.delivered += kg
        if self.empty and self.level > 0:
            self.empty = False
        if self.below and self.dos() > self.reserve_days + EPS_DAYS:
            self.below = False
        self._find_crossing()

    def set_crew(self, t: float, crew: int) -> tuple[str, ...]:
        """Change the number of people using this stock at time ``t``; returns the
        entries (``below_reserve``, ``depleted``) that the step makes at ``t``."""
        if t > self.t:
            self.advance(t)
        self.rate = r = crew * self.per_crew_day + self.fixed_per_day
        dos = self.level / r if r > 0 else INF
        if dos < self.min_dos:
            self.min_dos, self.min_at = dos, t
        entered = _NONE
        if self.below:
            if dos > self.reserve_days + EPS_DAYS:
                self.below = False
        elif dos < self.reserve_days - EPS_DAYS:  # a step below the line: enter now
            self._enter(BELOW, t)
            entered = (BELOW,)
        if self.level <= 0 and r > 0 and self.below and not self.empty:
            self._enter(DEPLETED, t)
            entered = (*entered, DEPLETED)
        self._find_crossing()
        return entered
