"""Launch pads as booking calendars: outages plus ready days, turnaround between launches."""

from __future__ import annotations

import bisect

from sim.engine.clock import EPS_DAYS

__all__ = ["PadState"]


class PadState:
    """A pad's blocked intervals (outage + ready days) and its booked launch times."""

    def __init__(self, pad_id: str, turnaround_days: float) -> None:
        self.id = pad_id
        self.turnaround = turnaround_days
        self.blocked: list[tuple[float, float]] = []
        self.bookings: list[float] = []

    def earliest(self, t: float) -> float:
        """The first time >= ``t`` outside every blocked interval and at least the
        turnaround away from every booked launch."""
        blocked, bookings, turnaround = self.blocked, self.bookings, self.turnaround
        # a booking b conflicts when |x - b| < turnaround (with a tolerance, so that
        # x = b + turnaround is never taken back by rounding)
        gap = turnaround - EPS_DAYS
        x = t
        while True:  # each pass only moves x later; stop when a pass leaves it
            start = x
            for a, b in blocked:
                if a <= x < b:
                    x = b
            i = bisect.bisect_right(bookings, x - gap)
            while i < len(bookings) and bookings[i] < x + gap:
                x = bookings[i] + turnaround
                i += 1
            if x == start:
                return x

    def block(self, start: float, end: float) -> None:
        """No launch from ``start`` until ``end`` (days): an outage and its ready days."""
        self.blocked.append((start, end))

    def book(self, t: float) -> None:
        """Take the launch time ``t`` (days)."""
        bisect.insort(self.bookings, t)

    def cancel(self, t: float) -> None:
        """Give back the booked launch time ``t`` (a flight grounded before it flew)."""
        self.bookings.pop(bisect.bisect_left(self.bookings, t))
