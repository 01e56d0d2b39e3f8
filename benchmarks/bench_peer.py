"""Peer benchmark (not a test): the engine against a plain daily-tick simpy model of the
same scenario.

Run: ``python benchmarks/bench_peer.py [--rounds N]``. Loads ``scenarios/baseline.yaml``
through the project's loader and times, interleaved in each round (engine, engine alone,
daily peer, hourly peer, then again), :func:`sim.simulate` (the engine and its results:
series, flights table, metrics), :func:`sim.engine.run` (the engine's record alone) and
the peer ticking every day and every hour; prints the median ms per replication over the
rounds and the peer/engine ratios (each taken within its round, this VM's speed drifts).
Then, over the Site 31 repair lengths 30..360 days (step 30) set as the CLI's
``--set pads.baikonur-31.outages.0.repair_days=D`` does, counts the first-reserve-breach
dates (per consumable and segment) that each tick model gets wrong against the exact
engine, and by how many days at most. Garbage collection is paused in the timed part, as
:func:`sim.simulate` does.

The peer (:func:`peer_run`) is what an analyst would write plainly: one simpy process
ticks every step (1 day, or 1 hour) and, after what happens at that instant, subtracts
each stock's use over the step (kg/day: crew on board x per_crew_day + fixed_per_day, per
segment where the consumable has segment stocks, one pool where ``rules.sharing`` pools
them or ``held_by`` gives it to one segment), applies on-need sharing for the step, and
records the day of the step whose end finds a stock below its reserve (days of supply at
the crew on board). Flights are simpy processes of timeouts: the planned launch, delayed
by pad outages plus ready days and by the pad's turnaround after its last booked launch;
transit; docking adds the cargo to the segment of the flight's first port (refuel cargo
only from a refuelling vehicle at a refuel port) and boards the crew; a crew vehicle
leaves a handover after its relief docks (not before its planned end), else at its
planned end, and never after its docked life.

What the peer leaves out, against the engine (sim/engine/):
- port queues: a vehicle docks on arrival at the first port of its list, occupied or not
  (no waiting, no cargo vehicle leaving early to make room); cargo vehicles' stays, which
  change no stock;
- exact times: a change between two ticks (a docking, a crew arriving or leaving) is in
  the stock at once, but its effect on the use rate counts from the next tick, and a
  breach is dated by the step it is seen in, not solved in closed form;
- on-need sharing solved exactly: once per step the segment under its line gets up to
  ``max_kg_per_day`` x step (to the line at most) from the other, down to the donor's
  floor; no transfer events;
- pad bookings fitted into a gap before a later booking (the engine's calendar allows it);
- uncertainty (slips, launch failures, stand-downs; the baseline has none) and
  ``rules.evacuate_below_days`` (the baseline has none);
- the engine's other outputs: depletion dates, days below the reserve, shortfalls,
  minimum days of supply; the peer keeps a level table per tick and the breach days.
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
from sim.scenario.model import SEGMENTS, Scenario, SharingOnNeed

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

    def rate(self, rs: int, usos: int) -> float:
        """Use with these crews aboard, kg/day."""
        return rs * self.per_rs + usos * self.per_usos + self.fixed


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


def peer_run(sc: Scenario, per_day: int = 1) -> dict[str, int | None]:
    """One run of the tick model with ``per_day`` steps a day; the first day (since epoch)
    each stock ended a step below its reserve, by stock label (``food.RS``, ``oxygen``)."""
    env = simpy.Environment()
    route, sharing = stocks_of(sc)
    stocks = list({id(s): s for by_seg in route.values() for s in by_seg.values()}.values())
    refuel_ids = {c.id for c in sc.station.consumables if c.refuel}
    port_seg = {p.id: p.segment for p in sc.station.ports}
    refuel_ports = {p.id for p in sc.station.ports if p.refuel}
    vtypes = {v.id: v for v in sc.vehicles}
    crew: dict[str, int] = dict.fromkeys(SEGMENTS, 0)
    rows: list[tuple[float, ...]] = []  # the level table: day, crew RS, crew USOS, kg...
    handover = sc.rules.handover_days
    steps = round(sc.horizon_days * per_day)
    dt = 1.0 / per_day

    def tick() -> Generator[Any, Any, None]:
        for k in range(steps):
            yield env.timeout(0)  # what happens at this instant (a docking) comes first
            rs, usos = crew["RS"], crew["USOS"]
            for s in stocks:
                s.level = max(0.0, s.level - s.rate(rs, usos) * dt)
            for a, b, below, keeps, kg_per_day in sharing:
                for need, give in ((a, b), (b, a)):
                    r = need.rate(rs, usos)
                    if r > 0 and need.level < below * r:
                        spare = give.level - keeps * give.rate(rs, usos)
                        x = min(kg_per_day * dt, below * r - need.level, spare)
                        if x > 0:
                            need.level += x
                            give.level -= x
                        break
            for s in stocks:
                r = s.rate(rs, usos)
                if s.first_below is None and r > 0 and s.level < (s.reserve - TOL) * r:
                    s.first_below = k // per_day
            rows.append((k * dt, rs, usos, *(s.level for s in stocks)))
            yield env.timeout((k + 1) / per_day - env.now)

    pads = {p.id: p for p in sc.pads}
    blocked = {
        p.id: sorted(
            # a fixed number of repair days in the shipped scenarios (a distribution: its median)
            (sc.days(o.start), sc.days(o.start) + o.repair_days.sample(0.5) + p.ready_days)
            for o in p.outages
        )
        for p in sc.pads
    }
    last_launch = dict.fromkeys(pads, -math.inf)

    def book(pad_ids: list[str], t: float) -> float:
        """Book the pad of the list that can launch first at or after ``t``; the time."""
        best, pad = math.inf, pad_ids[0]
        for p in pad_ids:
            x = max(t, last_launch[p] + pads[p].turnaround_days)
            for start, end in blocked[p]:
                if start <= x < end:
                    x = end
            if x < best:
                best, pad = x, p
        last_launch[pad] = best
        return best

    relief = {
        r: env.event()
        for r in [d.relieves for d in sc.station.docked] + [f.relieves for f in sc.flights]
        if r
    }

    def board(who: dict[str, int], sign: int) -> None:
        for seg, n in who.items():
            crew[seg] += sign * n

    def stay(vid: str, dock: float, life: float, end: float | None, who: dict[str, int]) -> Any:
        """A crew vehicle's stay: it leaves, with its crew, a handover after its relief
        docks (not before its planned end ``end``), else at ``end``; by ``dock + life``."""
        life_end = dock + life
        ev = relief.get(vid)
        if ev is not None:
            yield ev | env.timeout(max(0.0, life_end - env.now))
            leave = life_end
            if ev.triggered:
                leave = max(cast(float, ev.value) + handover, -math.inf if end is None else end)
        else:
            leave = life_end if end is None else end
        yield env.timeout(max(0.0, min(leave, life_end) - env.now))
        board(who, -1)

    def flight(f: Any) -> Generator[Any, Any, None]:
        vt = vtypes[f.vehicle]
        planned = sc.days(f.launch)
        yield env.timeout(planned)
        yield env.timeout(book(f.pads, env.now) - env.now)
        yield env.timeout(vt.transit_days)
        port = (f.ports or vt.ports)[0]
        seg = port_seg[port]
        for cid, kg in (vt.cargo if f.cargo is None else f.cargo).items():
            if isinstance(kg, dict):
                for s, part in kg.items():
                    route[cid][s].level += part
            elif cid not in refuel_ids or (vt.refuel and port in refuel_ports):
                route[cid][seg].level += kg
        who = {str(k): n for k, n in f.crew.items()}
        board(who, +1)
        if f.relieves is not None and not relief[f.relieves].triggered:
            relief[f.relieves].succeed(env.now)
        if vt.role == "crew":
            stay_days = f.stay_days if f.stay_days is not None else vt.stay_days
            if f.undock is not None:
                stay_days = sc.days(f.undock) - planned - vt.transit_days
            end = None if stay_days is None else env.now + stay_days
            yield from stay(f.id, env.now, vt.docked_life_days, end, who)

    env.process(tick())
    for d in sc.station.docked:
        vt = vtypes[d.vehicle]
        who = {str(k): n for k, n in d.crew.items()}
        board(who, +1)
        if d.relieves is not None:
            relief[d.relieves].succeed(sc.days(d.docked))
        if vt.role == "crew":
            dock = sc.days(d.docked)
            end = sc.days(d.undock) if d.undock is not None else None
            if d.stay_days is not None:
                end = dock + d.stay_days
            env.process(stay(d.id, dock, vt.docked_life_days, end, who))
    for f in sc.flights:
        env.process(flight(f))
    env.run(until=sc.horizon_days)
    return {s.label: s.first_below for s in stocks}


def engine_days(sc: Scenario) -> dict[str, int | None]:
    """The engine's first-breach day (since epoch; floor of the exact time) by store label."""
    rec = engine_run(sc)
    return {
        label: None
        if st.first_below_reserve_day is None
        else math.floor(st.first_below_reserve_day)
        for label, st in rec.stores.items()
    }


def timed(run: Callable[[], object], reps: int) -> float:
    """Seconds per call of ``run``, the best of ``reps`` calls."""
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def iso(epoch: date, day: int | None) -> str:
    """The date ``day`` days after ``epoch``, or ``never``."""
    return "never" if day is None else (epoch + timedelta(days=day)).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
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
            seconds = {name: timed(run, reps) for name, run, reps in cases}
            for name, s in seconds.items():
                times[name].append(s)
                ratios[name].append(s / seconds[cases[0][0]])
    finally:
        gc.enable()
    print(
        f"baseline ({len(sc.flights)} flights, {sc.horizon_days:.0f} days), "
        f"median of {args.rounds} interleaved rounds (best of a few runs each):"
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
