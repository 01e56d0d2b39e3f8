"""Peer benchmark (not a test): the engine against a plain daily-tick simpy model of the
same scenario.

Run: ``python benchmarks/bench_peer.py [--rounds N]``. Loads ``scenarios/baseline.yaml``
through the project's loader and times, interleaved in each round (engine, engine alone,
daily peer, hourly peer, then again), :func:`sim.simulate` (the engine and its results:
series, flights table, metrics), :func:`sim.engine.run` (the engine's record alone) and
the peer ticking every day and every hour; prints the median ms per replication over the
rounds and the peer/engine ratios (each taken within its round, this VM's speed drifts).
Times are CPU time of this process (``time.process_time``), which other jobs on a shared
VM disturb far less than the wall clock (``--wall``: wall-clock time).
Then, over the Site 31 repair lengths 30..360 days (step 30) set as the CLI's
``--set pads.baikonur-31.outages.0.repair_days=D`` does, counts the first-reserve-breach
dates (per consumable and segment) that each tick model gets wrong against the exact
engine, and by how many days at most. Garbage collection is paused in the timed part, as
:func:`sim.simulate` does.

The peer (:func:`peer_run`) is what an analyst would write plainly: one simpy process
ticks every step (1 day, or 1 hour) and, after what happens at that instant, subtracts
each stock's use over the step (kg/day: crew on board x per_crew_day + fixed_per_day, per
segment where the consumable has segment stocks, one pool where ``rules.sharing`` pools
them or ``held_by`` gives it to one segment; with ``station.life_support``, water pays the
unrecovered part and the running generators' feed water, oxygen what the generators do
not make), applies on-need sharing for the step, lets the altitude decay and reboosts at
the line (docked vehicles' own budgets first, then station propellant per km), and
records the day of the step whose end finds a stock below its reserve (days of supply at
the use rate of the step). Flights are simpy processes of timeouts: the planned launch,
delayed by pad outages plus ready days and by the pad's turnaround after its last booked
launch; transit; docking at the first free port of the flight's list (else one that a
cargo vehicle past its ``min_stay_days`` leaves at once), which adds the cargo to that
port's segment (refuel cargo only from a refuelling vehicle at a refuel port) and boards
the crew; a crew vehicle leaves a handover after its relief docks (not before its planned
end), else at its planned end, any vehicle at its planned end and never after its docked
life.

What the peer leaves out, against the engine (sim/engine/):
- port queues: with no port to be had, a vehicle docks at its first port anyway (shared)
  instead of waiting in orbit;
- exact times: a change between two ticks (a docking, a crew arriving or leaving, a
  generator stopping) is in the stock at once, but its effect on the use rates counts
  from the next tick; a breach is dated by the step it is seen in, and a reboost happens
  at the first tick at or under the line (with that step's overshoot), not solved in
  closed form;
- on-need sharing solved exactly: once per step the segment under its line gets up to
  ``max_kg_per_day`` x step (to the line at most) from the other, down to the donor's
  floor; no transfer events;
- pad bookings fitted into a gap before a later booking (the engine's calendar allows it);
- uncertainty (slips, launch failures, stand-downs, random generator failures: the
  baseline has no ``uncertainty``; a distribution is taken at its median) and
  ``rules.evacuate_below_days`` (none in the baseline);
- the engine's other outputs: depletion dates, days below the reserve, shortfalls,
  minimum days of supply, the altitude record and event log; the peer keeps a level table
  per tick and the breach days.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import time
from collections.abc import Callable, Generator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import simpy

import sim
from sim.engine import run as engine_run
from sim.scenario.model import (
    SEGMENTS,
    Boost,
    Consumable,
    Flight,
    Scenario,
    SharingOnNeed,
    VehicleType,
)

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
REPAIR = "pads.baikonur-31.outages.0.repair_days"
TOL = 1e-9
"""Days: a stock this close to its reserve line is on it, not below."""


class Stock:
    """One stock (kg) of the peer: a pool, or one segment's, with its use rates."""

    __slots__ = ("first_below", "fixed", "label", "level", "per_rs", "per_usos", "reserve")

    def __init__(
        self, label: str, kg: float, per_rs: float, per_usos: float, fixed: float, reserve: float
    ) -> None:
        self.label = label
        self.level = kg
        self.per_rs, self.per_usos, self.fixed = per_rs, per_usos, fixed
        """kg/day per RS and per USOS crew member, and whatever the crew."""
        self.reserve = reserve
        self.first_below: int | None = None
        """The first day (since epoch) of a step that ended below the reserve line."""

    def rate(self, crew: dict[str, int]) -> float:
        """Use with these crews aboard, kg/day (without life support)."""
        return crew["RS"] * self.per_rs + crew["USOS"] * self.per_usos + self.fixed


Rule = tuple[Stock, Stock, float, float, float]
"""On-need sharing of one consumable: (stock RS, stock USOS, below days, the donor's floor
in days, kg/day at most)."""


def stocks_of(sc: Scenario) -> tuple[dict[str, dict[str, Stock]], list[Rule]]:
    """The peer's stocks (by consumable, the stock that cargo docked at each segment goes
    to) and its on-need sharing rules."""
    route: dict[str, dict[str, Stock]] = {}
    rules: list[Rule] = []
    for c in sc.station.consumables:
        rule = sc.rules.sharing_of(c.id)
        if c.segments is None:  # one pool, or one segment's for the whole station
            label = c.id if c.held_by is None else f"{c.id}.{c.held_by}"
            pool = Stock(
                label, c.initial_kg(), c.per_crew_day, c.per_crew_day, c.fixed_per_day,
                c.reserve_days,
            )  # fmt: skip
            route[c.id] = dict.fromkeys(SEGMENTS, pool)
            continue
        rates = c.crew_rates()
        if rule == "pooled":
            pool = Stock(
                c.id, c.initial_kg(), rates["RS"], rates["USOS"], c.station_fixed_per_day(),
                c.reserve_days,
            )  # fmt: skip
            route[c.id] = dict.fromkeys(SEGMENTS, pool)
            continue
        own: dict[str, Stock] = {
            seg: Stock(
                f"{c.id}.{seg}",
                c.segment_initial_kg(seg),
                rates[seg] if seg == "RS" else 0.0,
                rates[seg] if seg == "USOS" else 0.0,
                c.segments[seg].fixed_per_day,
                c.reserve_days,
            )
            for seg in SEGMENTS
        }
        route[c.id] = own
        if isinstance(rule, SharingOnNeed):
            keeps = max(rule.donor_keeps_days, rule.below_days)
            rules.append((own["RS"], own["USOS"], rule.below_days, keeps, rule.max_kg_per_day))
    return route, rules


def fixed(dist: Any) -> float:
    """The value of a scenario number (a distribution: its median; the baseline has none)."""
    return float(dist.sample(0.5))


class Vehicle:
    """A vehicle on station: where, since when, with whom, and its reboost budget."""

    __slots__ = ("boost_km", "boost_ports", "crew", "dock", "id", "min_stay", "port", "role")

    def __init__(self, vid: str, vt: VehicleType, port: str, dock: float, crew: dict[str, int],
                 boost: Boost | None, kg_per_km: float) -> None:  # fmt: skip
        self.id, self.role, self.port, self.dock, self.crew = vid, vt.role, port, dock, crew
        self.min_stay = vt.min_stay_days
        self.boost_km = 0.0
        """km of reboost it can still pay from its own propellant."""
        self.boost_ports = None if boost is None or boost.ports is None else set(boost.ports)
        if boost is not None:
            self.boost_km = boost.km if boost.km is not None else (boost.kg or 0.0) / kg_per_km


class Peer:
    """One run of the tick model of a scenario, ``per_day`` ticks a day."""

    def __init__(self, sc: Scenario, per_day: int) -> None:
        self.sc, self.per_day, self.dt = sc, per_day, 1.0 / per_day
        self.env = env = simpy.Environment()
        self.route, self.sharing = stocks_of(sc)
        self.stocks = list({id(s): s for seg in self.route.values() for s in seg.values()}.values())
        self.crew: dict[str, int] = dict.fromkeys(SEGMENTS, 0)
        self.vtypes = {v.id: v for v in sc.vehicles}
        self.port_seg = {p.id: p.segment for p in sc.station.ports}
        self.refuel_ports = {p.id for p in sc.station.ports if p.refuel}
        self.refuel_ids = {c.id for c in sc.station.consumables if c.refuel}
        self.occupant: dict[str, Vehicle | None] = dict.fromkeys(self.port_seg)
        self.on_station: dict[str, Vehicle] = {}
        self.rows: list[tuple[float, ...]] = []  # the level table: day, crew RS, USOS, kg...
        pads = {p.id: p for p in sc.pads}
        self.turnaround = {p.id: p.turnaround_days for p in sc.pads}
        self.blocked = {
            p.id: sorted(
                (sc.days(o.start), sc.days(o.start) + fixed(o.repair_days) + p.ready_days)
                for o in p.outages
            )
            for p in sc.pads
        }
        self.last_launch = dict.fromkeys(pads, -math.inf)
        self.relief = {
            r: env.event()
            for r in [d.relieves for d in sc.station.docked] + [f.relieves for f in sc.flights]
            if r
        }
        alt = sc.station.altitude
        self.kg_per_km = 0.0 if alt is None else alt.kg_per_km
        self.km = 0.0 if alt is None else alt.initial_km
        self.decay: list[tuple[float, float]] = []  # (from day, km/day), in time order
        if alt is not None:
            later = sorted((sc.days(c.start), fixed(c.km_per_day)) for c in alt.decay_changes)
            self.decay = [(0.0, fixed(alt.decay_km_per_day)), *later]
        ls = sc.station.life_support
        self.gens: list[tuple[str, float, float, list[tuple[float, float]]]] = []
        """Oxygen generators: (segment, kg O2/day at most, kg water per kg O2, down spans)."""
        if ls is not None:
            cons = {c.id: c for c in sc.station.consumables}
            self.water, self.oxygen = self.route[ls.water], self.route[ls.oxygen]
            self.recovery = {str(s): ls.recovery.get(s, 0.0) for s in SEGMENTS}
            self.feed_recovery = {str(s): ls.feed_recovery.get(s, 0.0) for s in SEGMENTS}
            self.w_crew, self.w_fixed = _by_segment(cons[ls.water])
            self.o_crew, self.o_fixed = _by_segment(cons[ls.oxygen])
            for g in ls.generators:
                spans = [(sc.days(o.start), sc.days(o.start) + o.days) for o in g.outages]
                self.gens.append((g.segment, g.max_kg_per_day, g.water_per_kg, spans))
        self.life = ls is not None

    def run(self) -> dict[str, int | None]:
        """Run to the horizon; the first breach day of each stock, by label."""
        sc, env = self.sc, self.env
        env.process(self.tick())
        for d in sc.station.docked:
            vt = self.vtypes[d.vehicle]
            dock = sc.days(d.docked)
            v = Vehicle(d.id, vt, d.port, dock, {str(k): n for k, n in d.crew.items()},
                        d.boost or vt.boost, self.kg_per_km)  # fmt: skip
            self.arrive(v)
            if d.relieves is not None:
                self.relief[d.relieves].succeed(dock)
            end = sc.days(d.undock) if d.undock is not None else None
            if d.stay_days is not None:
                end = dock + d.stay_days
            env.process(self.stay(v, vt.docked_life_days, end))
        for f in sc.flights:
            env.process(self.flight(f))
        env.run(until=sc.horizon_days)
        return {s.label: s.first_below for s in self.stocks}

    # -- the tick ------------------------------------------------------------------------
    def tick(self) -> Generator[Any, Any, None]:
        """Every step: use, sharing, altitude and reboost, then the reserve check."""
        env, dt, per_day, crew = self.env, self.dt, self.per_day, self.crew
        for k in range(round(self.sc.horizon_days * per_day)):
            yield env.timeout(0)  # what happens at this instant (a docking) comes first
            now = k * dt
            rates = self.rates(now)
            for s in self.stocks:
                s.level = max(0.0, s.level - rates[s] * dt)
            for a, b, below, keeps, kg_per_day in self.sharing:
                for need, give in ((a, b), (b, a)):
                    r = rates[need]
                    if r > 0 and need.level < below * r:
                        spare = give.level - keeps * rates[give]
                        x = min(kg_per_day * dt, below * r - need.level, spare)
                        if x > 0:
                            need.level += x
                            give.level -= x
                        break
            if self.decay:
                self.altitude(now)
            for s in self.stocks:
                r = rates[s]
                if s.first_below is None and r > 0 and s.level < (s.reserve - TOL) * r:
                    s.first_below = k // per_day
            self.rows.append((now, crew["RS"], crew["USOS"], *(s.level for s in self.stocks)))
            yield env.timeout((k + 1) / per_day - env.now)

    def rates(self, now: float) -> dict[Stock, float]:
        """Each stock's use now, kg/day: crew x per_crew_day + fixed; with life support,
        water pays the unrecovered water and the generators' feed, oxygen what they do not
        make (generators in the scenario's order, each running unless it is down or its
        segment's water is empty)."""
        crew = self.crew
        rates = {s: s.rate(crew) for s in self.stocks}
        if not self.life:
            return rates
        need: dict[str, float] = {s: crew[s] * self.o_crew[s] + self.o_fixed[s] for s in SEGMENTS}
        water: dict[str, float] = {
            s: crew[s] * self.w_crew[s] * (1.0 - self.recovery[s]) + self.w_fixed[s]
            for s in SEGMENTS
        }
        for seg, most, water_per_kg, down in self.gens:
            if self.water[seg].level <= 0 or any(a <= now < b for a, b in down):
                continue
            made = 0.0
            for s in SEGMENTS:
                give = min(need[s], most - made)
                if give > 0:
                    made += give
                    need[s] -= give
            water[seg] += made * water_per_kg * (1.0 - self.feed_recovery[seg])
        for stock in (*self.water.values(), *self.oxygen.values()):
            rates[stock] = 0.0
        for seg in SEGMENTS:
            rates[self.water[seg]] += water[seg]
            rates[self.oxygen[seg]] += need[seg]
        return rates

    def altitude(self, now: float) -> None:
        """Decay over the step; at or under the reboost line, reboost: docked vehicles'
        own budgets first (longest docked first), then station propellant (kg per km)."""
        alt = self.sc.station.altitude
        assert alt is not None
        self.km -= next(rate for start, rate in reversed(self.decay) if start <= now) * self.dt
        rule = alt.reboost
        if rule is None or self.km > rule.at_km:
            return
        need = rule.by_km
        payers = [
            v for v in self.on_station.values()
            if v.boost_km > 0 and (v.boost_ports is None or v.port in v.boost_ports)
        ]  # fmt: skip
        for v in sorted(payers, key=lambda v: (v.dock, v.id)):
            take = min(need, v.boost_km)
            v.boost_km -= take
            need -= take
        if need > 0 and self.kg_per_km > 0:
            fuel = self.route[alt.propellant]["RS"]
            kg = min(need * self.kg_per_km, fuel.level)
            fuel.level -= kg
            need -= kg / self.kg_per_km
        self.km += rule.by_km - need

    # -- vehicles ------------------------------------------------------------------------
    def book(self, pad_ids: list[str], t: float) -> float:
        """Book the pad of the list that can launch first at or after ``t``; the time:
        after the pad's outages and ready days, a turnaround after its last launch."""
        best, pad = math.inf, pad_ids[0]
        for p in pad_ids:
            x = max(t, self.last_launch[p] + self.turnaround[p])
            for start, end in self.blocked[p]:
                if start <= x < end:
                    x = end
            if x < best:
                best, pad = x, p
        self.last_launch[pad] = best
        return best

    def port_for(self, ports: list[str]) -> str:
        """The first free port of the list; else one freed by the longest-docked cargo
        vehicle there that has stayed its ``min_stay_days`` (it leaves now); else the
        first port, shared (the peer has no queue)."""
        now = self.env.now
        for p in ports:
            if self.occupant[p] is None:
                return p
        movable = [
            v for p in ports if (v := self.occupant[p]) is not None
            and v.role == "cargo" and v.min_stay is not None and v.dock + v.min_stay <= now
        ]  # fmt: skip
        if movable:
            v = min(movable, key=lambda v: v.dock)
            self.leave(v)
            return v.port
        return ports[0]

    def arrive(self, v: Vehicle) -> None:
        self.occupant[v.port] = v
        self.on_station[v.id] = v
        for seg, n in v.crew.items():
            self.crew[seg] += n

    def leave(self, v: Vehicle) -> None:
        if self.on_station.pop(v.id, None) is None:
            return  # it left already (to make room)
        if self.occupant[v.port] is v:
            self.occupant[v.port] = None
        for seg, n in v.crew.items():
            self.crew[seg] -= n

    def flight(self, f: Flight) -> Generator[Any, Any, None]:
        """Launch (pads permitting), transit, dock: cargo to the port's segment, crew
        aboard, relief signalled; then the stay."""
        env, sc = self.env, self.sc
        vt = self.vtypes[f.vehicle]
        planned = sc.days(f.launch)
        yield env.timeout(planned)
        yield env.timeout(self.book(f.pads, env.now) - env.now)
        yield env.timeout(vt.transit_days)
        port = self.port_for(f.ports or vt.ports)
        seg = self.port_seg[port]
        for cid, kg in (vt.cargo if f.cargo is None else f.cargo).items():
            if isinstance(kg, dict):
                for s, part in kg.items():
                    self.route[cid][s].level += part
            elif cid not in self.refuel_ids or (vt.refuel and port in self.refuel_ports):
                self.route[cid][seg].level += kg
        v = Vehicle(f.id, vt, port, env.now, {str(k): n for k, n in f.crew.items()},
                    f.boost or vt.boost, self.kg_per_km)  # fmt: skip
        self.arrive(v)
        if f.relieves is not None and not self.relief[f.relieves].triggered:
            self.relief[f.relieves].succeed(env.now)
        stay_days = f.stay_days if f.stay_days is not None else vt.stay_days
        if f.undock is not None:
            stay_days = sc.days(f.undock) - planned - vt.transit_days
        end = None if stay_days is None else env.now + stay_days
        yield from self.stay(v, vt.docked_life_days, end)

    def stay(self, v: Vehicle, life: float, end: float | None) -> Generator[Any, Any, None]:
        """Stay docked: a crew vehicle leaves a handover after its relief docks (not before
        its planned end ``end``), else at ``end``; any vehicle by ``dock + life``."""
        env = self.env
        life_end = v.dock + life
        ev = self.relief.get(v.id) if v.role == "crew" else None
        if ev is not None:
            yield ev | env.timeout(max(0.0, life_end - env.now))
            leave = life_end
            if ev.triggered:
                planned = -math.inf if end is None else end
                leave = max(cast(float, ev.value) + self.sc.rules.handover_days, planned)
        else:
            leave = life_end if end is None else end
        yield env.timeout(max(0.0, min(leave, life_end) - env.now))
        self.leave(v)


def _by_segment(c: Consumable) -> tuple[dict[str, float], dict[str, float]]:
    """Gross kg per person-day and fixed kg/day of ``c`` by segment (a pool's fixed use is
    counted once, with the RS), as sim/engine/life.py reads them."""
    per_crew = {str(s): float(v) for s, v in c.crew_rates().items()}
    if c.segments is not None:
        return per_crew, {str(s): c.segments[s].fixed_per_day for s in SEGMENTS}
    return per_crew, {str(s): (c.fixed_per_day if s == SEGMENTS[0] else 0.0) for s in SEGMENTS}


def peer_run(sc: Scenario, per_day: int = 1) -> dict[str, int | None]:
    """One run of the tick model with ``per_day`` steps a day; the first day (since epoch)
    each stock ended a step below its reserve, by stock label (``food.RS``, ``oxygen``)."""
    return Peer(sc, per_day).run()


def engine_days(sc: Scenario) -> dict[str, int | None]:
    """The engine's first-breach day (since epoch; floor of the exact time) by store label."""
    rec = engine_run(sc)
    return {
        label: None
        if st.first_below_reserve_day is None
        else math.floor(st.first_below_reserve_day)
        for label, st in rec.stores.items()
    }


def timed(run: Callable[[], object], reps: int, clock: Callable[[], float]) -> float:
    """Seconds per call of ``run`` by ``clock``, the best of ``reps`` calls."""
    best = math.inf
    for _ in range(reps):
        t0 = clock()
        run()
        best = min(best, clock() - t0)
    return best


def iso(epoch: date, day: int | None) -> str:
    """The date ``day`` days after ``epoch``, or ``never``."""
    return "never" if day is None else (epoch + timedelta(days=day)).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--wall", action="store_true", help="time by the wall clock instead of CPU time"
    )
    args = parser.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    sc = sim.load_scenario(BASELINE)
    cases: list[tuple[str, Callable[[], object], int]] = [
        ("engine + results (sim.simulate)", lambda: sim.simulate(sc), 20),
        ("engine alone (sim.engine.run)", lambda: engine_run(sc), 20),
        ("daily-tick peer", lambda: peer_run(sc, 1), 10),
        ("hourly-tick peer", lambda: peer_run(sc, 24), 2),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    gc.disable()
    try:
        for _, run, _ in cases:  # warm up: the engine's plan cache, first-call costs
            run()
        for _ in range(args.rounds):  # interleaved: A, B, C, D, A, B, C, D, ...
            gc.collect()
            seconds = {name: timed(run, reps, clock) for name, run, reps in cases}
            for name, s in seconds.items():
                times[name].append(s)
                ratios[name].append(s / seconds[cases[0][0]])
    finally:
        gc.enable()
    print(
        f"baseline ({len(sc.flights)} flights, {sc.horizon_days:.0f} days), "
        f"median of {args.rounds} interleaved rounds (best of a few runs each), "
        f"{'wall-clock' if args.wall else 'CPU'} time:"
    )
    print(f"  {'model':<34} {'ms/replication':>14} {'x sim.simulate':>15}")
    for name, _, _ in cases:
        print(
            f"  {name:<34} {statistics.median(times[name]) * 1e3:>14.2f} "
            f"{statistics.median(ratios[name]):>15.2f}"
        )
    print()
    exact = engine_days(sc)
    daily, hourly = peer_run(sc, 1), peer_run(sc, 24)
    print("baseline first reserve breach (engine exact / daily / hourly):")
    for label in exact:
        print(
            f"  {label:<14} {iso(sc.epoch, exact[label]):>10}  {iso(sc.epoch, daily[label]):>10}"
            f"  {iso(sc.epoch, hourly[label]):>10}"
        )
    print()
    sweep()


def sweep() -> None:
    """Count the breach dates each tick model gets wrong over the Site 31 repair sweep."""
    print(
        f"Site 31 repair sweep ({REPAIR} = 30..360, step 30): first reserve breach dates "
        "(per consumable and segment) that a tick model gets wrong against the engine"
    )
    print(
        f"  {'repair d':>8} {'stocks':>6} {'breaches':>8}   {'daily: wrong':>12} {'max d':>5} "
        f"{'one-sided':>9}   {'hourly: wrong':>13} {'max d':>5} {'one-sided':>9}"
    )
    total = {"stocks": 0, "breaches": 0}
    wrong = {"daily": [0, 0, 0], "hourly": [0, 0, 0]}  # wrong, max days, one-sided
    for repair in range(30, 361, 30):
        sc = sim.load_scenario(BASELINE, [f"{REPAIR}={repair}"])
        exact = engine_days(sc)
        breaches = sum(v is not None for v in exact.values())
        total["stocks"] += len(exact)
        total["breaches"] += breaches
        row = f"  {repair:>8} {len(exact):>6} {breaches:>8}"
        for model, per_day in (("daily", 1), ("hourly", 24)):
            got = peer_run(sc, per_day)
            n = worst = one_sided = 0
            for key, day in exact.items():
                if got[key] == day:
                    continue
                n += 1
                other = got[key]
                if day is None or other is None:
                    one_sided += 1
                else:
                    worst = max(worst, abs(other - day))
            acc = wrong[model]
            acc[0], acc[1], acc[2] = acc[0] + n, max(acc[1], worst), acc[2] + one_sided
            row += f"   {n:>{len(model) + 7}} {worst:>5} {one_sided:>9}"
        print(row)
    row = f"  {'all':>8} {total['stocks']:>6} {total['breaches']:>8}"
    for model, (n, worst, one_sided) in wrong.items():
        row += f"   {n:>{len(model) + 7}} {worst:>5} {one_sided:>9}"
    print(row)
    print(
        "  (wrong: dates that differ from the engine's; max d: the largest difference in "
        "days where both give a date; one-sided: a breach only one of the two has)"
    )


if __name__ == "__main__":
    main()
