"""Monte Carlo benchmark (not a test): replications/second of ``baseline-uncertain`` with 1
and 2 local workers and with a Dask ``LocalCluster`` of 2 workers, in one run, and a
projection to 1,000,000 replications on a Dask cluster.

Run: ``python benchmarks/bench_montecarlo.py [-n 10000] [--workers 1 2] [--no-dask]
[--repeat R]``.
Times :func:`sim.montecarlo` (the replications, as ``iss-sim montecarlo`` runs them) and,
separately, writing montecarlo.json + replications.csv; executor start-up (pool
fork, Dask cluster, and a warm-up of four replications per worker) is timed apart from the
runs. Checks that the outputs are byte-identical
across executors. Targets: 10,000 replications in under 10 s on 2 cores; 2 workers at
least 1.7x as fast as 1.

The projection (with Dask) uses what this run measures: the cost of a chunk per worker
(the Dask run's wall time x workers / chunks, its scheduling included), the overhead of a
task on the cluster (tasks that compute nothing: returning nothing, and returning a real
chunk's result, so its transfer to the client is counted) and the client's memory per
replication (tracemalloc over a separate Dask run: retained after it, and its peak, less
the fan histograms, which have a fixed size whatever the number of replications). It
assumes chunks of 250, and gives the workers needed for 60 s twice: with the client's
per-task overhead overlapping the workers' compute (as the window lets it: the workers
keep busy meanwhile), T(W) = chunks x chunk cost / W while the overhead alone stays under
60 s, and without (an upper bound), T(W) = chunks x (chunk cost / W + task overhead).
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

import sim
from sim.engine import EPS_DAYS
from sim.experiments.executors import MAX_CHUNK, Executor, default_chunk_size, make_executor
from sim.experiments.montecarlo import GRID_STEP_DAYS
from sim.experiments.replications import Job, run_chunk
from sim.scenario.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline-uncertain.yaml"
FILES = ("montecarlo.json", "replications.csv")
TARGET_N = 1_000_000
TARGET_S = 60.0
OVERHEAD_TASKS = 200
"""Tasks per overhead measurement."""


def _nothing(shared: object, chunk: list[int]) -> None:
    """A task that computes nothing and returns nothing."""
    return None


def _echo(shared: object, chunk: list[int]) -> object:
    """A task that computes nothing and returns the shared object (a chunk's result)."""
    return shared


def _per_task(executor: Executor, fn: Any, shared: object) -> float:
    """Seconds per task of ``fn`` over :data:`OVERHEAD_TASKS` tasks on ``executor``."""
    t = time.perf_counter()
    for _ in executor.map(fn, shared, [[i] for i in range(OVERHEAD_TASKS)]):
        pass
    return (time.perf_counter() - t) / OVERHEAD_TASKS


def _client_bytes(executor: Executor, scenario: Scenario, n: int) -> tuple[float, float, int]:
    """(retained, peak) bytes per replication allocated in this process by a run of ``n``
    replications on ``executor`` (tracemalloc: the workers are other processes), less the
    fan histograms, and the bytes of those: they have a fixed size, whatever ``n``."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = sim.montecarlo(scenario, n, executor)
        retained, peak = tracemalloc.get_traced_memory()
        fixed = result.sketch.nbytes
    finally:
        tracemalloc.stop()
    del result
    return (retained - before - fixed) / n, (peak - before - fixed) / n, fixed


def _gb(x: float) -> str:
    return f"{x / 1e9:.1f} GB"


def project(executor: Executor, scenario: Scenario, n: int, wall: float) -> list[str]:
    """The measurements on the Dask ``executor`` and the 1,000,000 projection (two lines)."""
    workers = executor.workers
    size = default_chunk_size(n, workers)
    chunk_cost = wall * workers / math.ceil(n / size)  # s per chunk per worker
    grid = np.arange(0.0, scenario.horizon_days + EPS_DAYS, GRID_STEP_DAYS)
    job = Job(scenario, grid, scenario.seed)
    sample = next(iter(executor.map(run_chunk, job, [range(MAX_CHUNK)])))  # a real chunk
    empty = _per_task(executor, _nothing, None)
    echo = _per_task(executor, _echo, sample)
    chunk_mb = len(pickle.dumps(sample, protocol=pickle.HIGHEST_PROTOCOL)) / 1e6
    retained, peak, fixed = _client_bytes(executor, scenario, n)
    window = int(getattr(executor, "window", 1))

    chunks = math.ceil(TARGET_N / MAX_CHUNK)
    on_measured = chunks * (chunk_cost / workers + echo)
    client_s = chunks * echo  # the client's share: one task after the other
    overlap = math.ceil(chunks * chunk_cost / TARGET_S) if client_s < TARGET_S else None
    budget = TARGET_S / chunks - echo  # compute per chunk if the overhead does not overlap
    serial = math.ceil(chunk_cost / budget) if budget > 0 else None
    return [
        f"  measured on dask, {workers} workers, chunks of {size}: {chunk_cost:.3f} s a chunk "
        f"per worker (its scheduling included); task overhead {empty * 1e3:.1f} ms (empty), "
        f"{echo * 1e3:.1f} ms (returning a chunk's result, {chunk_mb:.1f} MB); client memory "
        f"{fixed / 1e6:.0f} MB of fan histograms (a fixed size) and {retained / 1e3:.2f} KB a "
        f"replication retained, {peak / 1e3:.2f} KB at the peak "
        f"(tracemalloc over {n:,}); window {window} chunks",
        f"  projected for {TARGET_N:,} ({chunks:,} chunks of {MAX_CHUNK}): "
        f"{on_measured / 60:.1f} min on {workers} workers",
        f"  projected Dask workers for {TARGET_S:.0f} s: {overlap or 'none (client-bound)'} "
        f"({chunks:,} x {chunk_cost:.3f} s / W, the client's {client_s:.0f} s of task "
        f"overhead overlapping the compute), {serial or 'none'} if it did not overlap "
        f"({chunks:,} x ({chunk_cost:.3f} s / W + {echo * 1e3:.1f} ms))",
        f"  projected client: receives {_gb(chunks * chunk_mb * 1e6)} "
        f"({chunks * chunk_mb / TARGET_S:.0f} MB/s over {TARGET_S:.0f} s); holds "
        f"{_gb(fixed + peak * TARGET_N)} at its peak, {_gb(fixed + retained * TARGET_N)} "
        f"after (the result itself; outstanding work at most {window} chunks, about "
        f"{window * chunk_mb:.0f} MB)",
    ]


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
    projection: list[str] = []
    base: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for kind, workers in setups:
            name = f"{kind} {workers} worker{'s' if workers > 1 else ''}"
            t0 = time.perf_counter()
            with make_executor(kind, workers) as executor:
                # warm-up: a spawned Dask worker imports the engine and unpickles the
                # scenario on its first chunk (a forked pool inherits them)
                sim.montecarlo(scenario, 4 * workers, executor)
                t1 = time.perf_counter()
                walls = []
                for _ in range(max(1, args.repeat)):
                    t = time.perf_counter()
                    result = sim.montecarlo(scenario, args.n, executor)
                    walls.append(time.perf_counter() - t)
                wall = min(walls)
                if kind == "dask":
                    projection = project(executor, scenario, args.n, wall)
            t2 = time.perf_counter()
            folder = result.write(Path(tmp) / name.replace(" ", "-"))
            t3 = time.perf_counter()
            base = base or wall
            chunk = wall * workers / math.ceil(args.n / default_chunk_size(args.n, workers))
            print(
                f"  {name:16s} {wall:6.2f} s  {args.n / wall:7.0f} replications/s  "
                f"speed-up x{base / wall:.2f}  {chunk:.3f} s per chunk per worker  "
                f"(start-up {t1 - t0:4.2f} s, write json/csv {t3 - t2:4.2f} s)"
            )
            outputs[name] = {f: (folder / f).read_bytes() for f in FILES}
    first = next(iter(outputs.values()))
    same = all(o == first for o in outputs.values())
    verdict = "yes" if same else "NO"
    print(f"  montecarlo.json and replications.csv identical across executors: {verdict}")
    print("\n".join(projection))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
