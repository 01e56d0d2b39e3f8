"""The discrete-event engine: pads, flights, ports, crew and consumable stores in simpy.

One simpy process per flight, per vehicle docked at epoch and per pad outage; a manifest
process starts each flight's process when the flight is ready to launch, so that only
flights under way hold one. Time is days since the scenario's epoch. Nothing ticks daily:
stores are advanced from event to event and their threshold crossings are solved exactly
(see :mod:`sim.engine.stores`); crossings at the same instant are all logged.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Generator
from itertools import chain
from typing import Any, cast

import numpy as np
import simpy

from sim.engine.clock import EPS_DAYS
from sim.engine.crafts import Craft
from sim.engine.life import Life
from sim.engine.orbit import Orbit
from sim.engine.pads import PadState
from sim.engine.plan import plan_of
from sim.engine.record import (
    EventLog,
    GeneratorStats,
    OrbitStats,
    OutageRecord,
    RawEvent,
    RunRecord,
    StoreStats,
)
from sim.engine.rng import Streams
from sim.engine.sharing import OnNeed
from sim.engine.stores import Store
from sim.scenario.dists import draw
from sim.scenario.model import SEGMENTS, Policy, Scenario, SharingOnNeed

__all__ = ["Engine", "run"]

# The earliest crossing of the stores is looked up after every change: min(map(attrgetter))
# runs in C and made synthetic-500 of benchmarks/bench_engine.py ~1% faster than a
# generator expression (6.99 vs 7.04 ms a run, median of 9 rounds). Other speed idioms (bound
# env.step/env.peek, map(attrgetter) for the row's levels) measured no difference, so the
# plain forms are used.
_CROSSING = operator.attrgetter("crossing_at")
_DUE = operator.attrgetter("next_at")
_FIRST = operator.itemgetter(0)
_LEVEL = operator.attrgetter("level")
_RATE = operator.attrgetter("rate")


def run(scenario: Scenario, seed: int | None = None) -> RunRecord:
    """Run ``scenario`` to its horizon (with ``seed``, default the scenario's own) and
    return the record of the run. The caller may pause the cyclic garbage collector
    around a batch of runs (:func:`sim.engine.gc_paused`)."""
    engine = Engine(scenario, seed).run()
    try:
        return engine.record()
    finally:
        engine.close()


class Engine:
    """One run of a scenario. Build it, call :meth:`run`, then read its state."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        self.sc = scenario
        self.seed = scenario.seed if seed is None else int(seed)
        self.streams = Streams(self.seed)
        self.random = scenario.uncertainty is not None
        self.env = simpy.Environment(initial_time=0.0)
        self.horizon = plan_of(scenario).horizon
        self.handover = scenario.rules.handover_days
        self.events: list[RawEvent] = []
        """In the order they happened, as plain tuples of the Event fields (RawEvent):
        (day, kind, subject, pad, port, days, family, vehicle, consumable)."""
        self.rows: list[list[float]] = []
        """Time-series rows (see :meth:`_row`), in time order; two at a jump."""
        self._row_at = -math.inf  # the time of the last row
        self._post_row_at = -math.inf
        self.crew: dict[str, int] = dict.fromkeys(SEGMENTS, 0)
        self.seats = 0
        self._crew_total = 0
        self._crew_now = (0, 0)
        self.stores: dict[str, list[Store]] = {}
        """By consumable id, the stores that hold it (one, or one per segment)."""
        self.route: dict[str, dict[str, Store]] = {}
        """By consumable and segment, the store that cargo docked there goes to."""
        self.sharing: list[OnNeed] = []
        self.undelivered: dict[str, float] = {}
        """kg of refuel cargo that docked where it could not be transferred."""
        plan = plan_of(scenario)
        for c, rule, specs in plan.stores:
            held = self.stores[c.id] = [Store(*args, **kw) for args, kw in specs]
            by_seg = {s.segment: s for s in held}
            self.route[c.id] = {seg: by_seg.get(seg, held[0]) for seg in SEGMENTS}
            if isinstance(rule, SharingOnNeed) and len(held) == 2:
                pair = (held[0], held[1])
                self.sharing.append(
                    OnNeed(c.id, pair, rule.below_days, rule.donor_keeps_days, rule.max_kg_per_day)
                )
        self._store_list = [s for held in self.stores.values() for s in held]
        self.life: Life | None = None
        self._life_stores: list[Store] = []
        ls = scenario.station.life_support
        if ls is not None:
            by_id = {c.id: c for c in scenario.station.consumables}
            self.life = Life(
                ls, by_id[ls.water], by_id[ls.oxygen], self.route[ls.water], self.route[ls.oxygen]
            )
            self._life_stores = self.life.stores
        where = {id(st): i for i, st in enumerate(self._life_stores)}
        self._life_at = [where.get(id(st), -1) for st in self._store_list]
        """For each store, its index among the life-support stores (-1: not one)."""
        self.orbit: Orbit | None = None
        self._orbit_wake: simpy.Event | None = None
        alt = scenario.station.altitude
        if alt is not None:
            decay = draw(alt.decay_km_per_day, self.streams.uniform("altitude/decay"))
            boost_rule = alt.reboost
            self.orbit = Orbit(
                alt.initial_km,
                decay,
                alt.min_altitude_km,
                None if boost_rule is None else boost_rule.at_km,
                0.0 if boost_rule is None else boost_rule.by_km,
            )
            self._orbit_store = self.route[alt.propellant]["RS"]
            self._orbit_fuel = alt.propellant
            self._told_stuck = False
        self._refuel = {c.id for c in scenario.station.consumables if c.refuel}
        self._port_segment = {p.id: p.segment for p in scenario.station.ports}
        self._port_refuel = {p.id for p in scenario.station.ports if p.refuel}
        self.pads = {p.id: PadState(p.id, p.turnaround_days) for p in scenario.pads}
        self.outages: dict[str, list[tuple[float, float]]] = {p.id: [] for p in scenario.pads}
        self.grounded: dict[str, float] = {}
        self.occupant: dict[str, str | None] = {p.id: None for p in scenario.station.ports}
        self.waiters: list[tuple[simpy.Event, list[str]]] = []
        self.crafts: dict[str, Craft] = {}
        self.relief: dict[str, simpy.Event] = {}
        self.procs: dict[str, simpy.Process] = {}
        self._watch_wake: simpy.Event | None = None
        self._policy_wakes: list[simpy.Event] = []
        """One per policy watch: woken after every change, to re-solve its crossing."""
        self.hold: dict[str, simpy.Event] = {}
        """By segment (or ``station``): crew launches wait for this event (a hold policy)."""
        self.fly_empty: set[str] = set()
        """Segments (or ``station``) whose next crew flight flies uncrewed."""
        self.stranded: dict[str, dict[str, int]] = {}
        """By damaged vehicle that left (or can no longer return crew): the crew it left aboard."""
        self.person_days_lost = 0.0
        self.processed = 0
        self._generators: list[Generator[Any, Any, Any]] = []  # of every process started
        self._setup()

    # -- set-up ------------------------------------------------------------------------
    def _setup(self) -> None:
        plan = plan_of(self.sc)
        as_of = plan.as_of
        for pad_id, j, start, dist, ready in plan.outages:
            # under way at as_of: only the remaining time is uncertain (it ends after as_of)
            elapsed = None if as_of is None or start >= as_of else as_of - start
            repair = draw(dist, self.streams.uniform(f"repair/{pad_id}/{j}"), elapsed)
            self.outages[pad_id].append((start, repair))
            self.pads[pad_id].block(start, start + repair + ready)
            self._start(self._outage(pad_id, start, repair))
        for rel in plan.relieved:
            self.relief[rel] = self.env.event()
        for template in plan.docked:
            craft = template.fresh()
            assert craft.port is not None and craft.dock is not None
            self.crafts[craft.id] = craft
            self.occupant[craft.port] = craft.id
            self._ev(0.0, "on_station", craft.id, port=craft.port)
            if craft.relieves is not None:
                self.relief[craft.relieves].succeed(craft.dock)
            self._board(craft, rates=False)
            self.procs[craft.id] = self._start(self._stay(craft))
        self._set_crew(0.0)  # the use rates of everyone aboard at epoch, set once
        queue = []
        for template in plan.flights:
            self.crafts[template.id] = craft = template.fresh()
            assert craft.planned_launch is not None
            queue.append((craft.planned_launch + self._slip(craft), craft))
        queue.sort(key=_FIRST)  # stable: the manifest's order among flights ready together
        self._start(self._manifest(queue))
        self._boosters = [c for c in self.crafts.values() if c.boost_km > 0]
        """The vehicles with a reboost budget of their own (it only ever falls)."""
        limit = self.sc.rules.evacuate_below_days
        if limit is not None:
            self._start(self._watch(limit))
        for craft in self.crafts.values():
            if craft.damaged_at is not None:
                self._start(self._damage(craft))
        for pol in self.sc.rules.policies:
            if pol.when.below_days is not None:
                self._start(self._policy_watch(pol))
        if self.orbit is not None:
            self._start(self._orbit())
        ls = self.sc.station.life_support
        if ls is not None:
            for g in ls.generators:
                for o in g.outages:
                    start = self.sc.days(o.start)
                    self._start(self._generator_down(g.id, start, o.days))
                if g.failures is not None and self.random:
                    self._start(self._generator_failures(g.id))
        if self.life is not None:
            self._life_resolve(0.0)
        self._end_change(0.0)

    def _start(self, gen: Generator[Any, Any, Any]) -> simpy.Process:
        self._generators.append(gen)
        return self.env.process(gen)

    def close(self) -> None:
        """Close the processes still pending (at the horizon): their generators refer to
        the engine, so until they are closed a finished run's objects can only be freed
        by the cyclic garbage collector, which then has to scan them all."""
        for gen in self._generators:
            gen.close()
        self._generators.clear()

    # -- processes ---------------------------------------------------------------------
    def _outage(self, pad_id: str, start: float, repair: float) -> Generator[Any, Any, None]:
        yield self.env.timeout(start)
        self._ev(self.env.now, "pad_down", pad_id, days=repair)
        yield self.env.timeout(repair)
        self._ev(self.env.now, "pad_up", pad_id)

    def _manifest(self, queue: list[tuple[float, Craft]]) -> Generator[Any, Any, None]:
        """Start each flight's process when it is ready to launch (planned date plus slip,
        days), in time order: only flights under way hold a process and an event, so the
        cost of an event does not grow with the length of the manifest."""
        env = self.env
        for ready, craft in queue:
            if ready > env.now:
                yield env.timeout(ready - env.now)
            self.procs[craft.id] = self._start(self._flight(craft))

    def _flight(self, c: Craft) -> Generator[Any, Any, None]:
        """Launch (pad, family and grounding permitting), transit, dock, stay, undock."""
        env = self.env
        family = c.vtype.family
        if c.is_crew and self.hold:
            yield from self._held(c)
        pad, t = self._book_pad(c)
        while t != env.now:  # wait for the booked time; if grounded meanwhile, queue again
            yield env.timeout(t - env.now)
            if self.grounded.get(family, -math.inf) <= env.now:
                break
            self.pads[pad].cancel(t)
            pad, t = self._book_pad(c)
        now = c.launch = env.now
        c.pad = pad
        if c.fail or (self.random and self.streams.uniform(f"launch/{c.id}") < self._p_fail(c)):
            c.failed = True
            stand_down = self._stand_down(c)
            self.grounded[family] = max(self.grounded.get(family, 0.0), now + stand_down)
            self._ev(now, "launch_failure", c.id, pad=pad, days=stand_down, family=family)
            return
        self.events.append(
            (now, "launch", c.id, pad, None, None, None, None, None, None, None, None, None)
        )
        if self.fly_empty and c.n_crew > 0:
            self._maybe_fly_empty(c)
        yield env.timeout(c.vtype.transit_days)
        c.arrive = env.now
        occupant = self.occupant
        for port in c.ports:  # the first free compatible port, else wait for one
            if occupant[port] is None:
                break
        else:
            port = yield from self._wait_for_port(c)
        self._dock(c, port)
        yield from self._stay(c)

    def _book_pad(self, c: Craft) -> tuple[str, float]:
        """Book the pad of ``c``'s list that allows the earliest launch (the first such pad)
        once the family is flying; return it and the launch time."""
        now = self.env.now
        grounded = self.grounded.get(c.vtype.family)
        not_before = now if grounded is None or grounded <= now else grounded
        pads = self.pads
        pad, t = "", math.inf
        for p in c.pads:
            tp = pads[p].earliest(not_before)
            if tp < t:
                pad, t = p, tp
        pads[pad].book(t)
        return pad, t

    def _dock(self, c: Craft, port: str) -> None:
        """Dock ``c`` at ``port`` now: deliver its cargo, board its crew, signal relief."""
        t = self.env.now
        self.occupant[port] = c.id
        c.port, c.dock = port, t
        self._begin_change(t)
        if c.cargo:
            self._deliver(c, port, t)
        if c.n_crew or c.is_crew:
            self._board(c)
        if c.replace is not None:
            self._take_over(c)
        if c.damaged_at is not None and c.damaged_at <= t and not c.damaged:
            self._make_damaged(c)
        if self.life is not None and self.life.starved and c.cargo:
            self._life_resolve(t)  # a generator may run again on delivered water
        self.events.append(
            (t, "dock", c.id, None, port, None, None, None, None, None, None, None, None)
        )
        self._end_change(t)
        if self.orbit is not None and (c.boost_km > 0 or self._orbit_fuel in c.cargo):
            self._wake_orbit()
        if c.relieves is not None:
            ev = self.relief[c.relieves]
            if not ev.triggered:
                ev.succeed(t)

    def _deliver(self, c: Craft, port: str, t: float) -> None:
        """Add ``c``'s cargo at ``t``: kg by segment where given, else to the segment of
        ``port``; refuel cargo only from a refuelling vehicle at a refuel port."""
        seg = self._port_segment[port]
        refuel = self._refuel
        for cid, kg in c.cargo.items():
            to = self.route[cid]
            if isinstance(kg, dict):
                for s, part in kg.items():
                    to[s].deliver(t, part)
            elif cid in refuel and not (c.vtype.refuel and port in self._port_refuel):
                self.undelivered[cid] = self.undelivered.get(cid, 0.0) + kg
            else:
                to[seg].deliver(t, kg)

    def _wait_for_port(self, c: Craft) -> Generator[Any, Any, str]:
        """Wait for a compatible port to free; a cargo vehicle that has stayed its
        ``min_stay_days`` leaves early to make room (the longest-docked one first)."""
        env = self.env
        self._ev(env.now, "port_wait", c.id)
        while True:
            victim, when = self._yield_candidate(c.ports)
            if victim is not None and when <= env.now:
                victim.evicted = True
                yielding = (
                    env.now,
                    "port_yield",
                    victim.id,
                    None,
                    None,
                    None,
                    None,
                    c.id,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
                self.events.append(yielding)
                self.procs[victim.id].interrupt("port needed")
            wake = env.event()
            entry = (wake, c.ports)
            self.waiters.append(entry)
            if victim is None:
                port: str = yield wake
                return port
            # wake when a port frees or when the candidate may leave; a port freed by an
            # early leaver may go to an earlier waiter, so then look again
            yield wake | env.timeout(max(0.0, when - env.now))
            if wake.triggered:
                return cast(str, wake.value)
            self.waiters.remove(entry)
            for p in c.ports:
                if self.occupant[p] is None:
                    return p

    def _yield_candidate(self, ports: list[str]) -> tuple[Craft | None, float]:
        """The cargo vehicle in one of ``ports`` that may leave early soonest, and when."""
        best: Craft | None = None
        best_key = (math.inf, math.inf)
        for p in ports:
            who = self.occupant[p]
            craft = self.crafts.get(who) if who else None
            if craft is None or craft.evicted or craft.dock is None:
                continue
            min_stay = craft.vtype.min_stay_days
            if craft.vtype.role != "cargo" or min_stay is None:
                continue
            key = (craft.dock + min_stay, craft.dock)
            if key < best_key:
                best, best_key = craft, key
        return best, best_key[0]

    def _stay(self, c: Craft) -> Generator[Any, Any, None]:
        """Stay docked, then undock: a crew vehicle that is relieved leaves after the
        handover (not before its planned end), one that is not at its docked-life limit
        with its crew (a forced return); others at their planned end. Never after the
        docked-life limit; at once when interrupted (evacuation, making room)."""
        env = self.env
        assert c.dock is not None
        try:
            start = (
                c.launch
                if c.vtype.docked_life_from == "launch" and c.launch is not None
                else c.dock
            )
            life_end = start + c.vtype.docked_life_days
            planned = self._planned_end(c)
            relief = self.relief.get(c.id) if c.is_crew else None
            if relief is not None:
                yield relief | env.timeout(max(0.0, life_end - env.now))
                if relief.triggered:
                    relieved_at = cast(float, relief.value)  # the reliever's dock day
                    c.relieved_at = relieved_at
                    leave = relieved_at + (self.handover if c.handover is None else c.handover)
                    if planned is not None:
                        leave = max(leave, planned)
                else:
                    leave, c.forced = life_end, True
            else:
                leave = life_end if planned is None else planned
                c.forced = c.is_crew and leave >= life_end
            c.forced = c.forced and c.n_crew > 0 and not c.damaged
            leave = min(leave, life_end)
            if leave > env.now:
                yield env.timeout(leave - env.now)
        except simpy.Interrupt:  # evacuation, or a cargo vehicle making room: leave now
            c.forced = False
        self._undock(c)
        del self.procs[c.id]  # nothing can interrupt it any more

    def _watch(self, limit: float) -> Generator[Any, Any, None]:
        """Evacuate the station when a crew consumable falls below ``limit`` days of
        supply; the crossing time is solved exactly and re-solved after every change."""
        env = self.env
        while True:
            self._watch_wake = wake = env.event()
            due = self._evacuation_due(limit)
            if due is None:
                yield wake
                continue
            if due[0] > env.now:
                yield wake | env.timeout(due[0] - env.now)
                if wake.triggered:
                    continue
            self._evacuate(due[1])
            yield wake  # the crews leave at once; look again after that change

    def _evacuation_due(self, limit: float) -> tuple[float, Store] | None:
        """(time, consumable) at which a crew consumable reaches ``limit`` days, if crew
        is aboard; now if it already has."""
        if self._crew_total == 0:
            return None
        return self._due_below([s for s in self._store_list if max(s.crew_rates) > 0], limit)

    def _due_below(self, stores: list[Store], limit: float) -> tuple[float, Store] | None:
        """(time, store) at which the first of ``stores`` reaches ``limit`` days of supply
        at the present rates and flows; now if one already has; None if none will."""
        best: tuple[float, Store] | None = None
        for s in stores:
            if s.rate <= 0:
                continue
            if s.flow == 0.0:
                at = s.t + max(0.0, s.level / s.rate - limit)
            elif s.rate > s.flow:
                at = s.t + max(0.0, (s.level - limit * s.rate) / (s.rate - s.flow))
            elif s.level < limit * s.rate:
                at = s.t
            else:
                continue
            if best is None or at < best[0]:
                best = (at, s)
        if best is None:
            return None
        return max(best[0], self.env.now), best[1]

    def _evacuate(self, cause: Store) -> None:
        now = self.env.now
        self._ev(now, "evacuation", "station", consumable=cause.id, segment=cause.segment)
        for c in self.crafts.values():
            docked = c.dock is not None and c.undock is None
            if docked and c.is_crew and c.n_crew > 0 and not c.damaged:
                c.evacuated = True
                self.procs[c.id].interrupt("evacuate")

    def _undock(self, c: Craft) -> None:
        t = c.undock = self.env.now
        assert c.port is not None
        self.occupant[c.port] = None
        kind = "forced_return" if c.forced else "undock"
        self.events.append(
            (t, kind, c.id, None, c.port, None, None, None, None, None, None, None, None)
        )
        if c.is_crew:  # a cargo vehicle leaving changes no series value
            self._begin_change(t)
            if c.damaged:  # no lifeboat: its crew stay aboard (unseated) until a replacement
                if c.n_crew:
                    self.stranded[c.id] = dict(c.crew)
            else:
                for seg, n in c.crew.items():
                    self.crew[seg] -= n
                self.seats -= c.vtype.seats
                if (c.decrewed or c.evacuated) and c.n_crew:
                    self.person_days_lost += c.n_crew * max(0.0, self._natural_end(c) - t)
            self._set_crew(t)
            self._end_change(t)
        for i, (wake, ports) in enumerate(self.waiters):
            if c.port in ports:
                del self.waiters[i]
                self.occupant[c.port] = "(reserved)"
                wake.succeed(c.port)
                break

    # -- policies and lifeboats -----------------------------------------------------------
    def _ev(
        self,
        t: float,
        kind: str,
        subject: str,
        *,
        pad: str | None = None,
        port: str | None = None,
        days: float | None = None,
        family: str | None = None,
        vehicle: str | None = None,
        consumable: str | None = None,
        segment: str | None = None,
        kg: float | None = None,
        km: float | None = None,
    ) -> None:
        """Log an event (the RawEvent fields by name). For the rarer kinds: the ones of
        every flight (launch, dock, undock) build their tuple inline, which is faster."""
        self.events.append(
            (t, kind, subject, pad, port, days, family, vehicle, consumable, segment, None, kg, km)
        )

    def _policy_stores(self, pol: Policy) -> list[Store]:
        trig = pol.when
        out = []
        for s in self._store_list:
            if trig.consumable is None and max(s.crew_rates) <= 0:
                continue
            if trig.consumable is not None and s.id != trig.consumable:
                continue
            if trig.segment is not None and s.segment not in (trig.segment, None):
                continue
            out.append(s)
        return out

    def _concerned(self, seg: str) -> int:
        """People aboard of segment ``seg`` (``station``: everyone)."""
        return self._crew_total if seg == "station" else self.crew[seg]

    def _policy_watch(self, pol: Policy) -> Generator[Any, Any, None]:
        """Act on ``pol`` at the exact instant one of its stocks reaches ``below_days``;
        re-armed (and a hold released) once every one is back above the line (or above
        ``resume_above_days``), as seen after each change."""
        env = self.env
        limit = pol.when.below_days
        assert limit is not None
        # never re-armed while still at or under its own line: acting twice at one
        # instant would loop
        resume = limit if pol.resume_above_days is None else max(pol.resume_above_days, limit)
        stores = self._policy_stores(pol)
        armed = True
        while True:
            wake = env.event()
            self._policy_wakes.append(wake)
            if not armed:
                if all(s.dos() > resume + EPS_DAYS for s in stores):
                    armed = True
                    self._release(pol)
                    continue
                yield wake
                self._policy_wakes.remove(wake)
                continue
            due = self._due_below(stores, limit)
            idle = pol.do in ("decrew", "evacuate") and (
                self._concerned(pol.segment) <= (pol.to_crew if pol.do == "decrew" else 0)
                or not any(self._mostly(c, pol.segment) for c in self._docked_crews())
            )  # nobody it could send home
            if due is None or idle:
                yield wake
                self._policy_wakes.remove(wake)
                continue
            if due[0] > env.now:
                yield wake | env.timeout(due[0] - env.now)
                if wake.triggered:
                    self._policy_wakes.remove(wake)
                    continue
            self._policy_wakes.remove(wake)
            self._advance_stores(env.now)
            armed = False
            self._act(pol, due[1])

    def _act(self, pol: Policy, cause: Store | None) -> None:
        """Carry out ``pol`` now; ``cause``: the stock that triggered it (None: a lifeboat)."""
        t = self.env.now
        cid = None if cause is None else cause.id
        cseg = None if cause is None else cause.segment
        line = pol.when.below_days
        seg = pol.segment
        if pol.do == "decrew":
            left = self._concerned(seg)
            crafts = sorted(
                (c for c in self._docked_crews() if self._mostly(c, seg)),
                key=lambda c: (
                    (c.dock or 0.0) if pol.choose == "longest_docked" else -(c.dock or 0.0)
                ),
            )
            for c in crafts:
                if left <= pol.to_crew:
                    break
                left -= c.n_crew if seg == "station" else c.crew.get(seg, 0)
                c.decrewed = True
                self._ev(t, "decrew", c.id, consumable=cid, segment=cseg, days=line)
                self.procs[c.id].interrupt("decrew")
        elif pol.do == "evacuate":
            self._ev(t, "evacuation", seg, consumable=cid, segment=cseg, days=line)
            for c in self._docked_crews():
                if self._mostly(c, seg):
                    c.evacuated = True
                    self.procs[c.id].interrupt("evacuate")
        elif pol.do == "hold_crew_launches":
            if seg not in self.hold:
                self.hold[seg] = self.env.event()
                self._ev(t, "hold", seg, consumable=cid, segment=cseg, days=line)
        else:  # fly_uncrewed
            self.fly_empty.add(seg)
            self._ev(t, "uncrewed_next", seg, consumable=cid, segment=cseg, days=line)

    def _release(self, pol: Policy) -> None:
        if pol.do == "hold_crew_launches" and pol.segment in self.hold:
            self.hold.pop(pol.segment).succeed()
            self._ev(self.env.now, "release", pol.segment)

    @staticmethod
    def _mostly(c: Craft, seg: str) -> bool:
        """Whether ``c``'s crew is at least half of segment ``seg`` (``station``: any crew):
        a Soyuz with 2 RS + 1 USOS goes with the RS, a Dragon with 1 RS + 3 USOS stays."""
        if seg == "station":
            return True
        own = c.crew.get(seg, 0)
        return own > 0 and 2 * own >= c.n_crew

    def _docked_crews(self) -> list[Craft]:
        """Crew vehicles docked now with crew aboard that can take them home."""
        return [
            c
            for c in self.crafts.values()
            if c.is_crew and c.dock is not None and c.undock is None and c.n_crew > 0
            and not c.damaged and not c.decrewed and not c.evacuated
        ]  # fmt: skip

    def _held(self, c: Craft) -> Generator[Any, Any, None]:
        """Wait while a hold covers a segment this crew flight brings people to."""
        while True:
            segs = [s for s in ("station", *c.crew) if s in self.hold]
            if not segs or c.n_crew == 0:
                return
            self._ev(self.env.now, "launch_held", c.id, segment=segs[0])
            yield self.hold[segs[0]]

    def _maybe_fly_empty(self, c: Craft) -> None:
        segs = [s for s in ("station", *c.crew) if s in self.fly_empty]
        if not segs:
            return
        self.fly_empty.discard(segs[0])
        c.crew, c.n_crew, c.uncrewed = {}, 0, True
        self._ev(self.env.now, "uncrewed_flight", c.id, segment=segs[0])

    def _damage(self, c: Craft) -> Generator[Any, Any, None]:
        assert c.damaged_at is not None
        if c.damaged_at > self.env.now:
            yield self.env.timeout(c.damaged_at - self.env.now)
        if c.dock is not None and c.undock is None and not c.damaged:
            self._make_damaged(c)

    def _make_damaged(self, c: Craft) -> None:
        """``c`` stops being a lifeboat now: its seats go, its crew stay aboard unseated."""
        t = self.env.now
        self._begin_change(t)
        c.damaged = True
        self.seats -= c.vtype.seats
        self._ev(t, "lifeboat_damaged", c.id)
        self._end_change(t)
        for pol in self.sc.rules.policies:
            if pol.when.lifeboat_unusable:
                self._act(pol, None)

    def _take_over(self, c: Craft) -> None:
        """The replacement ``c`` takes the damaged vehicle's crew as its own."""
        assert c.replace is not None
        old = self.crafts[c.replace]
        crew = self.stranded.pop(old.id, None)
        if crew is None and old.undock is None and old.n_crew:
            crew = dict(old.crew)
            old.crew, old.n_crew = {}, 0
        if not crew:
            return
        moved = {s: crew.get(s, 0) + c.crew.get(s, 0) for s in (*crew, *c.crew)}
        c.crew, c.n_crew = moved, sum(moved.values())
        self._ev(self.env.now, "crew_transfer", c.id, vehicle=old.id)

    def _natural_end(self, c: Craft) -> float:
        """When ``c`` would have left without a policy: its planned end, else its docked
        life, at most the horizon (for person-days lost)."""
        assert c.dock is not None
        planned = self._planned_end(c)
        end = c.dock + c.vtype.docked_life_days if planned is None else planned
        return min(end, c.dock + c.vtype.docked_life_days, self.horizon)

    # -- life support and altitude ------------------------------------------------------
    def _life_resolve(self, t: float) -> None:
        """Re-set the water and oxygen use rates from the crew and the generators at ``t``
        (the stores advanced to ``t``)."""
        assert self.life is not None
        rates = self.life.rates(t, self.crew)
        for store, rate in zip(self._life_stores, rates, strict=True):
            if rate != store.rate:
                self._apply_rate(store, t, rate)

    def _toggle_generator(self, gid: str, down: bool) -> None:
        """A generator goes down (or comes back up) now."""
        assert self.life is not None
        t = self.env.now
        g = next(g for g in self.life.generators if g.id == gid)
        self._begin_change(t)
        self.life.settle(t)
        was_down = g.down > 0
        g.down += 1 if down else -1
        if (g.down > 0) != was_down:
            if down:
                g.spans.append((t, math.inf))
            else:
                g.spans[-1] = (g.spans[-1][0], t)
            kind = "generator_down" if down else "generator_up"
            self._ev(t, kind, gid, segment=g.segment)
        self._life_resolve(t)
        self._end_change(t)

    def _generator_down(self, gid: str, start: float, days: float) -> Generator[Any, Any, None]:
        """A scheduled outage of generator ``gid``."""
        if start > self.env.now:
            yield self.env.timeout(start - self.env.now)
        self._toggle_generator(gid, True)
        yield self.env.timeout(days)
        self._toggle_generator(gid, False)

    def _generator_failures(self, gid: str) -> Generator[Any, Any, None]:
        """Random failures of generator ``gid``: up, down for a repair, up, ... (keyed draws)."""
        ls = self.sc.station.life_support
        assert ls is not None
        spec = next(g for g in ls.generators if g.id == gid).failures
        assert spec is not None
        k = 0
        while True:
            up = draw(spec.up_days, self.streams.uniform(f"generator/{gid}/up", k))
            yield self.env.timeout(max(up, EPS_DAYS))
            self._toggle_generator(gid, True)
            repair = draw(spec.repair_days, self.streams.uniform(f"generator/{gid}/repair", k))
            yield self.env.timeout(max(repair, EPS_DAYS))
            self._toggle_generator(gid, False)
            k += 1

    def _wake_orbit(self) -> None:
        wake = self._orbit_wake
        if wake is not None and not wake.triggered:
            wake.succeed()

    def _orbit(self) -> Generator[Any, Any, None]:
        """The altitude: decay, reboost at the line, log the floor crossing; wait for a
        delivery or a boost vehicle when no reboost can be paid."""
        o = self.orbit
        alt = self.sc.station.altitude
        assert o is not None and alt is not None
        env = self.env
        changes = sorted(
            (self.sc.days(c.start), j, c.km_per_day) for j, c in enumerate(alt.decay_changes)
        )
        k = 0
        told_below = o.below
        alarms = {p.id: p for p in self.sc.rules.policies if p.when.altitude_below_km is not None}
        armed = dict.fromkeys(alarms, True)
        while True:
            now = env.now
            o.advance(now)
            while k < len(changes) and changes[k][0] <= now + EPS_DAYS:
                rate = draw(changes[k][2], self.streams.uniform(f"altitude/decay/{changes[k][1]}"))
                self._begin_change(now)
                o.set_decay(now, rate)
                self._end_change(now)
                k += 1
            if o.due_reboost():
                self._reboost(now)
            o.touch_floor(now)
            if o.below and not told_below:  # dated when it crossed (by a timeout or after)
                told_below = True
                self._ev(
                    now if o.below_since is None else o.below_since,
                    "below_min_altitude",
                    "station",
                    km=o.floor,
                )
            if not o.below:
                told_below = False
            nxt = min(o.next_at(), changes[k][0] if k < len(changes) else math.inf)
            for pid, pol in alarms.items():  # altitude policies: act where the line is crossed
                level = pol.when.altitude_below_km
                assert level is not None
                if o.km > level + 1e-9:
                    armed[pid] = True
                    if o.decay > 0:
                        nxt = min(nxt, o.t0 + (o.km0 - level) / o.decay)
                elif armed[pid]:
                    armed[pid] = False
                    self._act(pol, None)
            if nxt != math.inf and not o.stuck and not o.waiting():
                # above the reboost line: a delivery or a boost vehicle docking changes
                # nothing here, so the orbit sleeps to its next line without a wake
                self._orbit_wake = None
                yield env.timeout(max(0.0, nxt - now))
                continue
            self._orbit_wake = wake = env.event()
            if nxt == math.inf:
                yield wake
            else:
                yield wake | env.timeout(max(0.0, nxt - now))
            if wake.triggered:
                o.stuck = False  # a delivery or a boost vehicle: try again

    def _reboost(self, t: float) -> None:
        """Raise the altitude by the rule's km: docked boost vehicles' own budgets first
        (longest docked first), then station propellant; partly if that is all there is."""
        o = self.orbit
        alt = self.sc.station.altitude
        assert o is not None and alt is not None
        need = o.by_km
        payers: list[tuple[str | None, float]] = []
        self._begin_change(t)
        docked = sorted(
            (c for c in self._boosters if c.boost_km > 0 and c.dock is not None
             and c.undock is None and c.port is not None
             and (c.boost_ports is None or c.port in c.boost_ports)),
            key=lambda c: (c.dock, c.id),
        )  # fmt: skip
        for c in docked:
            if need <= 1e-12:
                break
            take = min(need, c.boost_km)
            c.boost_km -= take
            need -= take
            payers.append((c.id, take))
        kg = 0.0
        if need > 1e-12 and alt.kg_per_km >= 0:
            store = self._orbit_store
            kg, entered = store.withdraw(t, need * alt.kg_per_km)
            for kind in entered:
                self._ev(t, kind, store.id, segment=store.segment)  # fmt: skip
            km = need if alt.kg_per_km == 0 else kg / alt.kg_per_km
            if km > 1e-12:
                payers.append((None, km))
                o.station_kg += kg
                o.station_km += km
        gained = sum(km for _, km in payers)
        if gained <= 1e-12:
            o.stuck = True
            self._end_change(t)
            if self._told_stuck:
                return
            self._told_stuck = True
            self._ev(t, "no_reboost", "station", km=o.km)
            return
        self._told_stuck = False
        o.vehicle_km += sum(km for who, km in payers if who is not None)
        o.raise_by(t, gained)
        self._end_change(t)
        for who, km in payers:
            paid = kg if who is None else 0.0
            self._ev(
                t, "reboost", "station", vehicle=who, consumable=alt.propellant, kg=paid, km=km
            )

    # -- helpers -----------------------------------------------------------------------
    def _planned_end(self, c: Craft) -> float | None:
        if c.undock_at is not None:
            return c.undock_at
        if c.stay_days is not None and c.dock is not None:
            return c.dock + c.stay_days
        return None

    def _board(self, c: Craft, rates: bool = True) -> None:
        """Add ``c``'s crew and seats; then (unless ``rates`` is False) set the stores'
        use rates for the crew now aboard."""
        for seg, n in c.crew.items():
            self.crew[seg] += n
        if c.is_crew:
            self.seats += c.vtype.seats
        if rates:
            self._set_crew(self.env.now)

    def _set_crew(self, t: float) -> None:
        rs, usos = self.crew["RS"], self.crew["USOS"]
        total = rs + usos
        if (rs, usos) == self._crew_now:
            return
        self._crew_now = (rs, usos)
        changed = total != self._crew_total  # every store is re-based then, as it always was
        self._crew_total = total
        life = None if self.life is None else self.life.rates(t, self.crew)
        for store, at in zip(self._store_list, self._life_at, strict=True):
            rate = store.rate_for(rs, usos) if life is None or at < 0 else life[at]
            if not changed and rate == store.rate:
                continue
            self._apply_rate(store, t, rate)

    def _apply_rate(self, store: Store, t: float, rate: float) -> None:
        """Set ``store``'s use rate at ``t``, logging the entries the step makes."""
        for kind in store.set_rate(t, rate):  # a step below the line or to zero
            self._ev(t, kind, store.id, segment=store.segment)

    def _slip(self, c: Craft) -> float:
        if not self.random or c.known:  # launched by as_of: its date is a fact
            return 0.0
        assert self.sc.uncertainty is not None
        slips = self.sc.uncertainty.slip_days
        dist = slips.get(c.id) or slips.get(c.vtype.id)
        return 0.0 if dist is None else draw(dist, self.streams.uniform(f"slip/{c.id}"))

    def _p_fail(self, c: Craft) -> float:
        assert self.sc.uncertainty is not None
        if c.known:
            return 0.0  # launched by as_of: history, not a risk
        fam = self.sc.uncertainty.launch_failures.get(c.vtype.family)
        if fam is not None and fam.failure_probability is not None:
            return fam.failure_probability
        return 1.0 - c.vtype.reliability

    def _stand_down(self, c: Craft) -> float:
        u = self.streams.uniform(f"standdown/{c.id}")
        # a failure on record by as_of: an uncertain stand-down is still under way then
        as_of = self.sc.as_of
        elapsed = self.sc.days(as_of) - self.env.now if c.known and as_of is not None else None
        if c.fail and c.stand_down is not None:
            return draw(c.stand_down, u, elapsed)
        if self.sc.uncertainty is None:
            return 0.0
        fam = self.sc.uncertainty.launch_failures.get(c.vtype.family)
        if fam is None:
            return 0.0
        return draw(fam.stand_down_days, u, elapsed)

    def _advance_stores(self, t: float) -> None:
        """Advance every store to ``t``, logging each entry below the reserve or to zero at
        its exact time (with a time-series row there), and re-solving the sharing flows
        where they change. A crossing within EPS_DAYS of ``t`` stays pending: the change
        at ``t`` may undo it (a touch of the line, not a breach)."""
        stores = self._store_list
        sharing = self.sharing
        before = t - EPS_DAYS
        while stores:
            tc = min(map(_CROSSING, stores))
            ts = min(map(_DUE, sharing)) if sharing else math.inf
            if tc >= before and ts >= before:
                break
            if ts <= tc + EPS_DAYS and ts < before:  # a flow changes first
                at = ts if ts > self._row_at else self._row_at
                for s in stores:
                    s.advance(at)
                self._solve_sharing(at, due_only=True)
                if at != self._row_at:
                    self._row(at)
                continue
            # every store crossing at tc is entered (several do when stock and use match;
            # crossings closer than EPS_DAYS are one); one pending since the last change
            # (within EPS_DAYS before it) is dated at that change
            at = tc if tc > self._row_at else self._row_at
            crossing = [s for s in stores if s.crossing_at <= tc + EPS_DAYS]
            for s in stores:
                s.advance(at)
            dried = False
            for s in crossing:
                kind = s.pass_crossing()
                if kind:
                    self._ev(at, kind, s.id, segment=s.segment)
                    dried = dried or (kind == "depleted" and s in self._life_stores)
            if dried:  # a generator out of feed water stops: the rates change now
                self._life_resolve(at)
                if sharing:
                    self._solve_sharing(at)
            if at != self._row_at:
                self._row(at)
        for s in stores:
            if s.t < t:  # (one already at t has no crossing left behind it)
                s.advance(t)

    def _solve_sharing(self, t: float, due_only: bool = False) -> None:
        """Re-solve the sharing flows at ``t`` (all of them, or those due by then)."""
        for rule in self.sharing:
            if due_only and rule.next_at > t + EPS_DAYS:
                continue
            ended = rule.solve(t)
            if ended is not None:
                self.events.append(ended)
        self._wake_watch()

    def _begin_change(self, t: float) -> None:
        """Before changing stores or crew at ``t``: use stock up to ``t`` and write the row
        of the state reached (unless a row at ``t`` exists)."""
        self._advance_stores(t)
        if self._row_at != t:
            self._row(t)

    def _end_change(self, t: float) -> None:
        """After a change at ``t``: write (or rewrite) the row of the new state."""
        if self._post_row_at == t:  # a second change at t: replace its row
            self.rows.pop()
        self._row(t)
        self._post_row_at = t
        if self.sharing:
            self._solve_sharing(t)
            return
        self._wake_watch()

    def _wake_watch(self) -> None:
        wake = self._watch_wake
        if wake is not None and not wake.triggered:
            wake.succeed()  # the evacuation watch re-solves its crossing time
        if self._policy_wakes:
            for wake in self._policy_wakes:
                if not wake.triggered:
                    wake.succeed()

    def _row(self, t: float) -> None:
        """A time-series row: day, crew RS, crew USOS, seats, then each store's level (kg);
        :meth:`record` names the columns."""
        crew = self.crew  # in the order of SEGMENTS, as record() names the columns
        row = [t, crew["RS"], crew["USOS"], self.seats]
        row += map(_LEVEL, self._store_list)
        if self._life_stores:
            row += map(_RATE, self._life_stores)
        if self.orbit is not None:
            row.append(self.orbit.at(t))
        self.rows.append(row)
        self._row_at = t

    def run(self) -> Engine:
        """Run to the horizon; stores and crew are advanced to the horizon at the end."""
        env, horizon = self.env, self.horizon
        n = 0
        while env.peek() < horizon:
            env.step()
            n += 1
        self.processed = n
        self._begin_change(horizon)
        self._end_change(horizon)
        for rule in self.sharing:
            ended = rule.close(horizon)
            if ended is not None:
                self.events.append(ended)
        if self.orbit is not None:
            self.orbit.close(horizon)
        if self.life is not None:
            self.life.settle(horizon)
        return self

    def record(self) -> RunRecord:
        """The record of the run (after :meth:`run`)."""
        names = ["day", *(f"crew_{s}" for s in SEGMENTS), "seats"]
        names += [_column(s) for s in self._store_list]
        names += [_column(s).removesuffix("_kg") + "_rate" for s in self._life_stores]
        if self.orbit is not None:
            names.append("altitude_km")
        rows = self.rows  # flattened by fromiter: several times faster than np.array
        flat = np.fromiter(chain.from_iterable(rows), float, len(rows) * len(names))
        table = flat.reshape(len(rows), len(names))
        plan = plan_of(self.sc)
        return RunRecord(
            scenario=self.sc,
            seed=self.seed,
            horizon_days=self.horizon,
            events=EventLog(sorted(self.events, key=_FIRST)),
            series={name: table[:, j] for j, name in enumerate(names)},
            stores={_label(s): _stats(s) for s in self._store_list},
            undelivered=dict(self.undelivered),
            outages=[
                OutageRecord(pad, start, repair)
                for pad, spans in self.outages.items()
                for start, repair in spans
            ],
            flights=[self.crafts[f.id] for f in plan.flights],
            docked=[self.crafts[d.id] for d in plan.docked],
            processed_events=self.processed,
            person_days_lost=self.person_days_lost,
            orbit=None if self.orbit is None else _orbit_stats(self.orbit),
            generators=()
            if self.life is None
            else tuple(
                GeneratorStats(g.id, g.segment, g.generated, g.down_days, tuple(g.spans))
                for g in self.life.generators
            ),
        )


def _label(s: Store) -> str:
    """A store's key in the record: ``food`` (one pool) or ``food.RS``."""
    return s.id if s.segment is None else f"{s.id}.{s.segment}"


def _column(s: Store) -> str:
    """A store's level column: ``food_kg`` or ``food_RS_kg``."""
    return f"{s.id}_kg" if s.segment is None else f"{s.id}_{s.segment}_kg"


def _stats(s: Store) -> StoreStats:
    spans = list(s.spans)
    return StoreStats(
        id=s.id,
        segment=s.segment,
        crew_rates=s.crew_rates,
        per_crew_day=s.per_crew_day,
        fixed_per_day=s.fixed_per_day,
        reserve_days=s.reserve_days,
        initial_kg=s.initial,
        min_days_of_supply=s.min_dos,
        min_day=s.min_at,
        first_below_reserve_day=s.first_below_at,
        below_reserve_days=s.below_days,
        depleted_day=s.depleted_at,
        shortfall_kg=s.shortfall,
        delivered_kg=s.delivered,
        consumed_kg=s.consumed,
        end_kg=s.level,
        transferred_in_kg=s.transferred_in,
        transferred_out_kg=s.transferred_out,
        below_spans=tuple(zip(spans[::2], [*spans[1::2], math.inf], strict=False)),
    )


def _orbit_stats(o: Orbit) -> OrbitStats:
    return OrbitStats(
        points=tuple(o.points),
        min_km=o.min_km,
        min_day=o.min_at,
        floor_km=o.floor,
        first_below_day=o.first_below_at,
        below_days=o.below_days,
        reboosts=o.reboosts,
        station_kg=o.station_kg,
        station_km=o.station_km,
        vehicle_km=o.vehicle_km,
    )
