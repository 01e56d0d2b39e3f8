"""Monte Carlo benchmark (not a test): replications/second of ``baseline-uncertain`` with 1
and 2 local workers and with a Dask ``LocalCluster`` of 2 workers, in one run.

Run: ``python benchmarks/bench_montecarlo.py [-n 10000] [--workers 1 2] [--no-dask]
[--repeat R]``.
Times :func:`sim.montecarlo` (the replications, as ``iss-sim montecarlo`` runs them) and,
separately, writing montecarlo.json + replications.csv + fan.png; executor start-up (pool
fork, Dask cluster) is timed apart from the runs. Checks that the outputs are byte-identical
across executors. Targets: 10,000 replications in under 10 s on 2 cores; 2 workers at
least 1.7x as fast as 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.experiments.executors import make_executor

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline-uncertain.yaml"
FILES = ("montecarlo.json", "replications.csv")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="replications (default 10000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per setup; the fastest counts (noisy hosts)"
    )
    args = parser.parse_args()
    scenario = sim.load_scenario(SCENARIO)
    print(f"{args.n:,} replications of {SCENARIO.name}; {os.cpu_count()} CPUs")
    setups = [("local", w) for w in args.workers]
    if not args.no_dask:
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            print('  dask: not installed (pip install "iss-logistics-sim[dask]"); skipped')
        else:
            setups.append(("dask", 2))
    outputs: dict[str, dict[str, bytes]] = {}
    base: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for kind, workers in setups:
            name = f"{kind} {workers} worker{'s' if workers > 1 else ''}"
            t0 = time.perf_counter()
            with make_executor(kind, workers) as executor:
                t1 = time.perf_counter()
                walls = []
                for _ in range(max(1, args.repeat)):
                    t = time.perf_counter()
                    result = sim.montecarlo(scenario, args.n, executor)
                    walls.append(time.perf_counter() - t)
            t2 = time.perf_counter()
            folder = result.write(Path(tmp) / name.replace(" ", "-"))
            t3 = time.perf_counter()
            wall = min(walls)
            base = base or wall
            print(
                f"  {name:16s} {wall:6.2f} s  {args.n / wall:7.0f} replications/s  "
                f"speed-up x{base / wall:.2f}  (start-up {t1 - t0:4.2f} s, "
                f"write json/csv {t3 - t2:4.2f} s)"
            )
            outputs[name] = {f: (folder / f).read_bytes() for f in FILES}
    first = next(iter(outputs.values()))
    same = all(o == first for o in outputs.values())
    verdict = "yes" if same else "NO"
    print(f"  montecarlo.json and replications.csv identical across executors: {verdict}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
