"""Engine benchmark (not a test): cost per processed event against bare simpy, and scaling.

Run: ``python benchmarks/bench_engine.py [--repeat N]``. Prints, for synthetic manifests of
50, 500 and 5,000 flights and for the shipped baseline: runs/second, processed simpy
events/second, and the time per event relative to a bare simpy timeout loop measured in
the same process on the same machine.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import simpy

import sim
from sim.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def synthetic(n_flights: int) -> sim.Scenario:
    """A valid scenario with ``n_flights`` cargo flights, one every 2 days over 4 pads."""
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
                for c in ("food", "water", "oxygen", "propellant")
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
                "docked_life_days": 100_000,
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
                "cargo": {"food": 6, "water": 6, "oxygen": 6, "propellant": 6},
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


def bare_simpy_events_per_second(n: int = 200_000) -> float:
    """Timeout events/second of a bare simpy process loop (the reference cost)."""

    def proc(env: simpy.Environment) -> Any:
        for _ in range(n):
            yield env.timeout(1)

    env = simpy.Environment()
    env.process(proc(env))
    t0 = time.perf_counter()
    env.run()
    return n / (time.perf_counter() - t0)


def measure(scenario: sim.Scenario, repeat: int) -> tuple[float, float, int]:
    """(seconds per run incl. metrics, seconds per processed event of the engine loop, events)."""
    best_total = best_engine = float("inf")
    events = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        eng = Engine(scenario)
        t1 = time.perf_counter()
        eng.run()
        t2 = time.perf_counter()
        sim.simulate(scenario)
        t3 = time.perf_counter()
        events = eng.processed
        best_engine = min(best_engine, (t2 - t1) + (t1 - t0))
        best_total = min(best_total, t3 - t2)
    return best_total, best_engine / max(events, 1), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bare = max(bare_simpy_events_per_second() for _ in range(3))
    print(f"bare simpy timeout loop: {bare:,.0f} events/s ({1e6 / bare:.2f} us/event)")
    print()
    print(
        f"{'scenario':<22} {'flights':>7} {'events':>8} {'runs/s':>9} {'events/s':>11} "
        f"{'us/event':>9} {'x bare':>7}"
    )
    cases = [(f"synthetic-{n}", synthetic(n)) for n in (50, 500, 5000)]
    baseline = ROOT / "scenarios" / "baseline.yaml"
    if baseline.exists():
        cases.append(("baseline", sim.load_scenario(baseline)))
    per_run: dict[str, float] = {}
    for name, sc in cases:
        total, per_event, events = measure(sc, args.repeat if len(sc.flights) < 5000 else 2)
        per_run[name] = total
        print(
            f"{name:<22} {len(sc.flights):>7} {events:>8} {1 / total:>9.1f} "
            f"{events / total:>11,.0f} {per_event * 1e6:>9.2f} {per_event * bare:>7.2f}"
        )
    print()
    ratio = per_run["synthetic-5000"] / per_run["synthetic-50"]
    print(f"time(5,000 flights) / time(50 flights) = {ratio:.1f} (linear would be 100)")


if __name__ == "__main__":
    main()
