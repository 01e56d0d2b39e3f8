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

A store may also take or give a steady transfer (``flow``, kg/day: positive in, negative
out), set by a sharing rule (:mod:`sim.engine.sharing`). Its level then changes at
``flow - rate`` kg/day, still linear between events, so the crossings stay exact; a store
that rises back over its reserve line while receiving leaves the region below at that
crossing (a ``rise``, not logged).
"""

from __future__ import annotations

import math

from sim.engine.clock import EPS_DAYS

__all__ = ["BELOW", "DEPLETED", "RISE", "Store"]

INF = math.inf
TIE_DAYS = 1e-9
"""Two lows of days of supply closer than this are the same low (the first one counts)."""
BELOW = "below_reserve"
DEPLETED = "depleted"
RISE = ""
""":meth:`Store.pass_crossing`'s kind for leaving the region below the line (not logged)."""
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
        "crew_rates",
        "crossing_at",
        "crossing_kind",
        "delivered",
        "depleted_at",
        "empty",
        "first_below_at",
        "fixed_per_day",
        "flow",
        "id",
        "initial",
        "level",
        "min_at",
        "min_dos",
        "per_crew_day",
        "rate",
        "reserve_days",
        "segment",
        "shortfall",
        "spans",
        "t",
        "transferred_in",
        "transferred_out",
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
        *,
        segment: str | None = None,
        crew_rates: tuple[float, float] | None = None,
    ) -> None:
        self.id = cid
        self.segment = segment
        """The segment holding the stock (None: one station-wide pool)."""
        self.initial = self.level = float(initial_kg)
        self.per_crew_day = per_crew_day
        self.crew_rates = (per_crew_day, per_crew_day) if crew_rates is None else crew_rates
        """kg per person per day of RS and of USOS crew (0 for crew who use another stock)."""
        self.fixed_per_day = fixed_per_day
        self.reserve_days = reserve_days
        self.t = t
        self.delivered = self.consumed = self.shortfall = self.below_days = 0.0
        self.transferred_in = self.transferred_out = 0.0
        self.flow = 0.0
        """Transfer now, kg/day: positive in, negative out."""
        self.spans: list[float] = []
        """Start and end times of the stretches below the reserve line, flat (an open
        stretch has its start only)."""
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
        if self.flow != 0.0:
            self._find_crossing_with_flow(r)
            return
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

    def _find_crossing_with_flow(self, r: float) -> None:
        fall = r - self.flow  # kg/day the level falls (negative: it rises)
        line = self.reserve_days * r
        if fall > 0 and r > 0:
            if not self.below:
                ahead = (self.level - line) / fall
                self.crossing_at = self.t + ahead if ahead > 0.0 else self.t
                self.crossing_kind = "reserve"
                return
            if not self.empty:
                ahead = self.level / fall
                self.crossing_at = self.t + ahead if ahead > 0.0 else self.t
                self.crossing_kind = "depleted"
                return
        elif fall < 0 and self.below:  # receiving more than it uses: back over the line
            self.crossing_at = self.t + max(0.0, (line - self.level) / -fall)
            self.crossing_kind = "rise"
            return
        self.crossing_at = INF

    def pass_crossing(self) -> str:
        """Enter the pending crossing now (at ``t``; the caller has advanced the store to
        it) and return the event kind (``below_reserve`` or ``depleted``). Used by the
        engine, which logs each entry."""
        if self.crossing_kind == "rise":
            self._leave(self.t)
            self._find_crossing()
            return RISE
        kind = BELOW if self.crossing_kind == "reserve" else DEPLETED
        self._enter(kind, max(self.t, self.crossing_at))
        self._find_crossing()
        return kind

    def _leave(self, at: float) -> None:
        self.below = False
        self.spans.append(at)

    def _enter(self, kind: str, at: float) -> None:
        if kind == BELOW:
            self.below = True
            self.spans.append(at)
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
        if self.flow != 0.0:
            self._advance_with_flow(t, dt, r)
        elif r > 0:
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
                low = dos0 - dt  # days of supply fall: the low is at t (_note_min, inlined)
                if low < self.min_dos - TIE_DAYS:
                    self.min_dos, self.min_at = low, t
        self.t = t

    def _advance_with_flow(self, t: float, dt: float, r: float) -> None:
        """:meth:`advance` while a transfer flows: the level moves at ``flow - r`` kg/day
        (a donor's flow stops, by the sharing rule, before it could empty it)."""
        flow = self.flow
        if flow > 0:
            self.transferred_in += flow * dt
        else:
            self.transferred_out -= flow * dt
        level = self.level
        slope = flow - r
        if r > 0:
            gap = level - self.reserve_days * r  # kg above the reserve line at self.t
            if slope < 0:
                above = gap / -slope if gap > 0 else 0.0
                self.below_days += max(0.0, dt - above)
            elif slope > 0:
                self.below_days += min(dt, -gap / slope) if gap < 0 else 0.0
            elif gap < -EPS_DAYS * r:  # held level below the line (on it is a touch)
                self.below_days += dt
        if slope >= 0:
            self.consumed += r * dt
            self.level = level + slope * dt
        else:
            empty_in = level / -slope if level > 0 else 0.0
            if empty_in >= dt:
                self.consumed += r * dt
                self.level = level + slope * dt
            else:  # runs out, then uses what flows in
                self.consumed += r * empty_in + min(r, max(flow, 0.0)) * (dt - empty_in)
                self.shortfall += max(0.0, r - max(flow, 0.0)) * (dt - empty_in)
                if level > 0:
                    self._note_min(0.0, self.t + empty_in)
                self.level = 0.0
        if r > 0:
            self._note_min(self.level / r, t)
        self.t = t

    def set_flow(self, t: float, flow: float) -> None:
        """Set the transfer at ``t`` (kg/day: positive in, negative out)."""
        if t > self.t:
            self.advance(t)
        self.flow = flow
        if self.empty and flow > self.rate:
            self.empty = False
        self._find_crossing()

    def _note_min(self, value: float, t: float) -> None:
        # a new low only below the old by more than float noise: an equal low later (the
        # same handover again) keeps the first date, whatever order the sums were made in
        if value < self.min_dos - TIE_DAYS:
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
            self._leave(t)
        self._find_crossing()

    def withdraw(self, t: float, kg: float) -> tuple[float, tuple[str, ...]]:
        """Take up to ``kg`` at ``t`` at once (a reboost burn), counted as consumed; returns
        the kg taken and the entries (``below_reserve``, ``depleted``) the step makes."""
        if t > self.t:
            self.advance(t)
        taken = min(kg, max(self.level, 0.0))
        if taken <= 0.0:
            return 0.0, _NONE
        self.level -= taken
        self.consumed += taken
        entered = _NONE
        dos = self.dos()
        self._note_min(dos, t)
        if not self.below and dos < self.reserve_days - EPS_DAYS:
            self._enter(BELOW, t)
            entered = (BELOW,)
        if self.level <= 1e-9 and not self.empty:
            self.level = 0.0
            self._enter(DEPLETED, t)
            entered = (*entered, DEPLETED)
        self._find_crossing()
        return taken, entered

    def rate_for(self, crew_rs: int, crew_usos: int) -> float:
        """Use in kg/day with these crews aboard."""
        a_rs, a_usos = self.crew_rates
        if a_rs == a_usos:  # the same arithmetic as one pool's crew x per_crew_day
            return (crew_rs + crew_usos) * a_rs + self.fixed_per_day
        return crew_rs * a_rs + crew_usos * a_usos + self.fixed_per_day

    def set_crew(self, t: float, crew: int) -> tuple[str, ...]:
        """Change the number of people using this stock at time ``t`` (at
        ``per_crew_day`` each); returns the entries that the step makes at ``t``."""
        return self.set_rate(t, crew * self.per_crew_day + self.fixed_per_day)

    def set_rate(self, t: float, rate: float) -> tuple[str, ...]:
        """Change the use rate (kg/day) at time ``t``; returns the entries
        (``below_reserve``, ``depleted``) that the step makes at ``t``."""
        if t > self.t:
            self.advance(t)
        self.rate = r = rate
        dos = self.level / r if r > 0 else INF
        if dos < self.min_dos - TIE_DAYS:
            self.min_dos, self.min_at = dos, t
        entered = _NONE
        if self.below:
            if dos > self.reserve_days + EPS_DAYS:
                self._leave(t)
        elif dos < self.reserve_days - EPS_DAYS:  # a step below the line: enter now
            self._enter(BELOW, t)
            entered = (BELOW,)
        if self.level <= 0 and r > self.flow and self.below and not self.empty:
            self._enter(DEPLETED, t)
            entered = (*entered, DEPLETED)
        self._find_crossing()
        return entered
