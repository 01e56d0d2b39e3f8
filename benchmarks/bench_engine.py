"""Engine benchmark (not a test): cost per processed event against bare simpy, and scaling.

Run: ``python benchmarks/bench_engine.py [--rounds N]``. Prints, for synthetic manifests of
50, 500 and 5,000 flights (4 consumables; and 500 flights with none, to separate the cost
of the consumables), for a simpy-only "flight skeleton" with the same events per flight
but no bookkeeping, and for the shipped baseline: runs/second, processed simpy
events/second (best run), and the time per event relative to a bare simpy timeout loop
(whose events/second heads the table).

This VM's speed drifts by tens of percent from second to second, so each round times the
bare loop right before and after the case and takes the ratio within the round; the
table shows the median over rounds (and the best round). Garbage collection is paused in
the timed part, as :func:`sim.simulate` does.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import simpy

import sim
from sim.engine.core import Engine

ROOT = Path(__file__).resolve().parent.parent


def synthetic(n_flights: int, consumables: int = 4) -> sim.Scenario:
    """A valid scenario with ``n_flights`` cargo flights, one every 2 days over 4 pads,
    each docking for 20 days and bringing 6 kg of each of ``consumables`` (at most 4)."""
    stocks = ("food", "water", "oxygen", "propellant")[:consumables]
    epoch = date(2026, 1, 1)
    horizon = epoch + timedelta(days=2 * n_flights + 120)
    ports = [{"id": f"port{i}", "segment": "USOS", "kind": "CBM"} for i in range(12)]
    data: dict[str, Any] = {
        "name": f"synthetic-{n_flights}",
        "epoch": epoch,
        "horizon": horizon,
        "station": {
            "ports": [{"id": "rs", "segment": "RS", "kind": "docking"}, *ports],
            "consumables": [
                {"id": c, "per_crew_day": 1.0, "initial": {"kg": 1000}, "reserve_days": 45}
                for c in stocks
            ],
            "docked": [
                {
                    "id": "Lifeboat",
                    "vehicle": "capsule",
                    "port": "rs",
                    "docked": epoch,
                    "crew": {"RS": 3},
                }
            ],
        },
        "pads": [
            {
                "id": f"pad{i}",
                "site": "S",
                "families": ["rocket"],
                "turnaround_days": 5,
                "ready_days": 3,
            }
            for i in range(4)
        ],
        "vehicles": [
            {
                "id": "capsule",
                "family": "rocket",
                "role": "crew",
                "seats": 3,
                "docked_life_days": 36_000,
                "ports": ["rs"],
            },
            {
                "id": "freighter",
                "family": "rocket",
                "role": "cargo",
                "transit_days": 2,
                "docked_life_days": 400,
                "stay_days": 20,
                "ports": [p["id"] for p in ports],
                "cargo": dict.fromkeys(stocks, 6),
            },
        ],
        "flights": [
            {
                "id": f"F{i}",
                "vehicle": "freighter",
                "pad": [f"pad{i % 4}", f"pad{(i + 1) % 4}"],
                "launch": epoch + timedelta(days=2 * i),
            }
            for i in range(n_flights)
        ],
    }
    data["pads"][0]["outages"] = [{"start": epoch, "repair_days": 60}]
    return sim.Scenario.model_validate(data)


def bare_simpy_seconds_per_event(n: int = 20_000) -> float:
    """Seconds per timeout event of a bare simpy process loop (the reference cost)."""

    def proc(env: simpy.Environment) -> Any:
        for _ in range(n):
            yield env.timeout(1)

    env = simpy.Environment()
    env.process(proc(env))
    t0 = time.perf_counter()
    env.run()
    return (time.perf_counter() - t0) / n


def skeleton_run(n_flights: int) -> int:
    """simpy alone with the engine's events per flight (a manifest process starting one
    process per flight; ready, transit and stay timeouts; no bookkeeping). Returns the
    processed events."""
    env = simpy.Environment()

    def flight() -> Any:
        yield env.timeout(2)  # transit
        yield env.timeout(20)  # stay

    def manifest() -> Any:
        for i in range(n_flights):
            yield env.timeout(2 * i - env.now)
            env.process(flight())

    env.process(manifest())
    n = 0
    while env.peek() < float("inf"):
        env.step()
        n += 1
    return n


def engine_run(scenario: sim.Scenario) -> int:
    """One engine run (set-up included); returns the processed events."""
    return Engine(scenario).run().processed


def measure(run: Callable[[], int], rounds: int, reps: int) -> tuple[float, float, float, int]:
    """(median over rounds of the time per event / bare simpy's in the same round, the
    best round's ratio, the best seconds per run, events per run)."""
    ratios, best_run, events = [], float("inf"), 0
    gc.disable()
    try:
        for _ in range(rounds):
            gc.collect()
            # bare simpy as short runs too (about a millisecond each), the best of several
            # before and after: long single timings catch more of this VM's stalls
            bare = min(bare_simpy_seconds_per_event(2_000) for _ in range(8))
            best = float("inf")
            for _ in range(reps):
                t0 = time.perf_counter()
                events = run()
                best = min(best, time.perf_counter() - t0)
            bare = min(bare, *(bare_simpy_seconds_per_event(2_000) for _ in range(8)))
            ratios.append(best / events / bare)
            best_run = min(best_run, best)
    finally:
        gc.enable()
    return statistics.median(ratios), min(ratios), best_run, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    bare = min(bare_simpy_seconds_per_event(200_000) for _ in range(3))
    print(f"bare simpy timeout loop: {1 / bare:,.0f} events/s ({bare * 1e6:.2f} us/event)")
    print()
    print(
        f"{'case':<28} {'flights':>7} {'events':>7} {'runs/s':>8} {'events/s':>10} "
        f"{'us/event':>9} {'x bare (median)':>15} {'(best)':>7}"
    )
    cases: list[tuple[str, int, Callable[[], int]]] = []
    for n in (50, 500, 5000):
        cases.append((f"skeleton-{n} (simpy only)", n, partial(skeleton_run, n)))
    for n, k in ((50, 4), (500, 4), (5000, 4), (500, 0)):
        sc = synthetic(n, k)
        name = f"synthetic-{n}" + ("" if k else ", no consumables")
        cases.append((name, n, partial(engine_run, sc)))
    baseline = ROOT / "scenarios" / "baseline.yaml"
    if baseline.exists():
        sc_base = sim.load_scenario(baseline)
        cases.append(("baseline", len(sc_base.flights), lambda: engine_run(sc_base)))
    per_event: dict[str, float] = {}  # median ratio x events: time per run in bare events
    for name, n, run in cases:
        rounds = args.rounds if n < 5000 else max(3, args.rounds // 3)
        reps = max(1, 1000 // max(n, 25))
        median, best, seconds, events = measure(run, rounds, reps)
        per_event[name] = median * events
        print(
            f"{name:<28} {n:>7} {events:>7} {1 / seconds:>8.1f} {events / seconds:>10,.0f} "
            f"{seconds / events * 1e6:>9.2f} {median:>15.2f} {best:>7.2f}"
        )
    print()
    # from the medians (each relative to bare simpy in its own round): robust to drift
    ratio = per_event["synthetic-5000"] / per_event["synthetic-50"]
    print(f"time(5,000 flights) / time(50 flights) = {ratio:.1f} (linear would be 100)")


if __name__ == "__main__":
    main()
