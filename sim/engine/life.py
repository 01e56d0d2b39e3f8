"""Life support as processes: water recovery and oxygen generation set the use rates of
the water and oxygen stores.

With a ``station.life_support`` section the consumables' per-crew rates are GROSS needs.
A segment's water store pays its crew's unrecovered water, ``(1 - recovery)`` of the gross
rate, plus its fixed use, plus the feed water of its running generators (``water_per_kg``
kg per kg of O2, less the ``feed_recovery`` share that CO2 reduction returns). Oxygen is
one atmosphere: the generators, in the scenario's order, cover the whole crew's need up to
their capacity; the oxygen stock pays only what is left. A generator runs when it is not
down (scheduled outage or failure) and its segment's water store is not empty. Rates
change only at events (crew, a generator going down or up, a water store running dry or
refilled), so levels stay piecewise linear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine.stores import Store
from sim.scenario.model import SEGMENTS, Consumable, LifeSupport

__all__ = ["GeneratorState", "Life"]


@dataclass
class GeneratorState:
    """One generator in a run."""

    id: str
    segment: str
    max_kg_per_day: float
    water_per_kg: float
    down: int = 0
    """How many reasons it is down now (a scheduled outage, a failure)."""
    rate: float = 0.0
    """O2 it makes now, kg/day."""
    generated: float = 0.0
    """O2 made so far, kg."""
    down_days: float = 0.0
    since: float = 0.0
    """When ``rate`` and ``down`` last changed, days."""
    spans: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of each stretch down (end inf: still down)."""


def _segment_rates(c: Consumable) -> tuple[dict[str, float], dict[str, float]]:
    """Gross kg per person-day and fixed kg/day of ``c``, by segment."""
    per_crew = {str(s): float(v) for s, v in c.crew_rates().items()}
    if c.segments is not None:
        fixed = {str(s): c.segments[s].fixed_per_day for s in SEGMENTS}
    else:  # one pool: its fixed use is counted once, with the RS
        fixed = {str(s): (c.fixed_per_day if s == SEGMENTS[0] else 0.0) for s in SEGMENTS}
    return per_crew, fixed


class Life:
    """The rates of the water and oxygen stores, from crew and generator states."""

    def __init__(
        self,
        ls: LifeSupport,
        water: Consumable,
        oxygen: Consumable,
        water_stores: dict[str, Store],
        oxygen_stores: dict[str, Store],
    ) -> None:
        self.water_route = water_stores
        self.oxygen_route = oxygen_stores
        self.recovery: dict[str, float] = {s: ls.recovery.get(s, 0.0) for s in SEGMENTS}
        self.feed_recovery: dict[str, float] = {s: ls.feed_recovery.get(s, 0.0) for s in SEGMENTS}
        self.water_per_crew, self.water_fixed = _segment_rates(water)
        self.o2_per_crew, self.o2_fixed = _segment_rates(oxygen)
        self.generators = [
            GeneratorState(g.id, g.segment, g.max_kg_per_day, g.water_per_kg) for g in ls.generators
        ]
        self.stores = list(
            {id(s): s for s in (*water_stores.values(), *oxygen_stores.values())}.values()
        )
        """Every store whose rate this sets."""
        at = {id(st): i for i, st in enumerate(self.stores)}
        seg = [str(x) for x in SEGMENTS]
        self._terms = [
            (
                s,
                at[id(water_stores[s])],
                at[id(oxygen_stores[s])],
                self.water_per_crew[s] * (1.0 - self.recovery[s]),
                self.water_fixed[s],
                self.o2_per_crew[s],
                self.o2_fixed[s],
            )
            for s in seg
        ]
        """Per segment: (segment, its water store's index, its oxygen store's index, net
        water per person-day, fixed water, O2 per person-day, fixed O2)."""
        self._feed = [
            (g, water_stores[g.segment], at[id(water_stores[g.segment])],
             g.water_per_kg * (1.0 - self.feed_recovery[g.segment]))
            for g in self.generators
        ]  # fmt: skip
        self.starved = False
        """A generator that is up stands still for want of feed water (a refill restarts it)."""

    def rates(self, t: float, crew: dict[str, int]) -> list[float]:
        """The use rate (kg/day) of each of :attr:`stores`, in order, with ``crew`` aboard
        at ``t``; updates the generators' output (and their running totals)."""
        self.settle(t)
        out = [0.0] * len(self.stores)
        need = {}
        for s, wi, _oi, w_per, w_fixed, o_per, o_fixed in self._terms:
            n = crew[s]
            need[s] = n * o_per + o_fixed
            out[wi] += n * w_per + w_fixed
        self.starved = False
        for g, water, wi, feed in self._feed:  # one atmosphere: in order, for anyone aboard
            g.rate = 0.0
            if g.down:
                continue
            if water.empty:
                self.starved = True
                continue
            room = g.max_kg_per_day
            for s in need:
                give = need[s] if need[s] < room else room
                if give > 0:
                    g.rate += give
                    need[s] -= give
                    room -= give
            out[wi] += g.rate * feed
        for s, _, oi, *_ in self._terms:
            out[oi] += need[s]
        return out

    def settle(self, t: float) -> None:
        """Count output and down time up to ``t`` at the states since the last change."""
        for g in self.generators:
            g.generated += g.rate * (t - g.since)
            if g.down:
                g.down_days += t - g.since
            g.since = t
