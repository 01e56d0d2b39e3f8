"""Sharing on need between the two segments' stocks of one consumable, solved exactly.

The rule (``rules.sharing.<c>: {below_days, donor_keeps_days, max_kg_per_day}``): a
segment whose days of supply are at or below ``below_days`` is *in need*; the other
segment gives to it while it is above its floor, ``max(donor_keeps_days, below_days)``
days of its own supply (a donor never gives itself into need). The transfer is a steady
flow, kg/day:

- ``max_kg_per_day`` while the recipient is under the line (it refills, or falls more
  slowly when its own use is larger);
- the recipient's own use, at most ``max_kg_per_day``, once it is on the line: it is
  held there exactly (a touch of the line, not a breach).

Between events every level is linear, so the next instant the flow must change (the
recipient reaching the line, the donor reaching its floor) is solved in closed form; the
engine re-solves the flow there and after every delivery or crew change. Nothing ticks.
Each stretch of steady direction is one ``transfer`` event: its start, length (days),
kg, donor and recipient.
"""

from __future__ import annotations

import math

from sim.engine.clock import EPS_DAYS
from sim.engine.record import RawEvent
from sim.engine.stores import Store

__all__ = ["OnNeed"]

INF = math.inf


class OnNeed:
    """The on-need sharing of one consumable between its two segment stores."""

    __slots__ = (
        "below_days",
        "donor",
        "id",
        "keeps_days",
        "max_kg_per_day",
        "next_at",
        "recipient",
        "span_in",
        "span_start",
        "stores",
    )

    def __init__(
        self,
        cid: str,
        stores: tuple[Store, Store],
        below_days: float,
        keeps_days: float,
        max_kg_per_day: float,
    ) -> None:
        self.id = cid
        self.stores = stores
        self.below_days = below_days
        self.keeps_days = max(keeps_days, below_days)
        self.max_kg_per_day = max_kg_per_day
        self.next_at = INF
        """When the flow must be re-solved next (days; infinite: only after a change)."""
        self.recipient: Store | None = None
        self.donor: Store | None = None
        self.span_start = 0.0
        self.span_in = 0.0

    def _spare(self, s: Store) -> float:
        """kg the store may give before reaching its floor."""
        return s.level - self.keeps_days * s.rate

    def solve(self, t: float) -> RawEvent | None:
        """Set the flow from the state at ``t`` (both stores advanced to ``t``) and when
        to look again; returns the ``transfer`` event of a stretch that ends now."""
        a, b = self.stores
        # in need: using stock, at most below_days (+ EPS_DAYS) of supply left; can give:
        # more than EPS_DAYS of supply (or, using nothing, 1e-9 kg) above its floor, so a
        # donor within the tolerance of its floor is on it (inlined: after every change)
        line = self.below_days + EPS_DAYS
        keeps = self.keeps_days
        ra, rb = a.rate, b.rate
        give_a = a.level - keeps * ra > (EPS_DAYS * ra if ra > 0 else 1e-9)
        give_b = b.level - keeps * rb > (EPS_DAYS * rb if rb > 0 else 1e-9)
        recipient = donor = None
        if ra > 0 and a.level <= line * ra and give_b:
            recipient, donor = a, b
        elif rb > 0 and b.level <= line * rb and give_a:
            recipient, donor = b, a
        ended = None
        if self.recipient is not None and (recipient, donor) != (self.recipient, self.donor):
            ended = self.close(t)
        if recipient is None or donor is None:
            if a.flow != 0.0:
                a.set_flow(t, 0.0)
            if b.flow != 0.0:
                b.set_flow(t, 0.0)
            self.next_at = self._next_need(t, give_a, give_b)
            return ended
        m, r = self.max_kg_per_day, recipient.rate
        under = recipient.level < (self.below_days - EPS_DAYS) * r
        x = m if under else min(m, r)
        if self.recipient is None:
            self.recipient, self.donor = recipient, donor
            self.span_start, self.span_in = t, recipient.transferred_in
        recipient.set_flow(t, x)
        donor.set_flow(t, -x)
        due = t + self._spare(donor) / (donor.rate + x)  # donor down to its floor
        if under and x > r:  # refilled up to the line
            due = min(due, t + (self.below_days * r - recipient.level) / (x - r))
        self.next_at = max(due, t + EPS_DAYS)
        return ended

    def _next_need(self, t: float, give_a: bool, give_b: bool) -> float:
        """With no flow: when a store falls into need while the other could give (whether
        each store could give: ``give_a``, ``give_b``)."""
        a, b = self.stores
        due = INF
        if a.rate > 0 and give_b:
            ahead = a.level / a.rate - self.below_days
            due = t + max(ahead, EPS_DAYS)
        if b.rate > 0 and give_a:
            ahead = b.level / b.rate - self.below_days
            due = min(due, t + max(ahead, EPS_DAYS))
        return due

    def close(self, t: float) -> RawEvent | None:
        """End the stretch under way at ``t`` (stores advanced to ``t``); its event."""
        recipient, donor = self.recipient, self.donor
        if recipient is None or donor is None:
            return None
        self.recipient = self.donor = None
        kg = recipient.transferred_in - self.span_in
        start = self.span_start
        return (
            start,
            "transfer",
            self.id,
            None,
            None,
            t - start,
            None,
            None,
            None,
            recipient.segment,
            donor.segment,
            kg,
            None,
        )
