"""Memory benchmark (not a test): resident memory of a Monte Carlo ensemble per replication,
``baseline-uncertain`` through :func:`sim.montecarlo` on 2 local worker processes.

Run: ``python benchmarks/bench_memory.py [-n 200000] [--workers 2] [--at 10000 50000]``.
Reports, in the client process, the memory that Python objects hold (tracemalloc, numpy
arrays included) and the peak resident set size (``getrusage``) after ``--at`` and all
``-n`` replications, then what the finished result keeps, and the slope between the first
and the last point in bytes per replication. The workers are forked before tracemalloc
starts, so they run untraced. An ensemble reserves its columns for all ``-n`` replications
at the start (pages the system maps only once filled), so traced memory is flat from the
first point and the slope is that of the resident set; what the result keeps at the end
is the traced figure (it includes ~20 MB of fan histograms whatever the number, so per
replication it only falls below the slope for large ``-n``). Target (issue 19): at most
1.5 KB per replication more, the slope.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import sim
from sim.experiments.executors import make_executor

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline-uncertain.yaml"
TARGET_BYTES = 1536
"""Bytes per replication the ensemble may keep (1.5 KB)."""


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; else the peak)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_bytes()
    return pages * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200_000, help="replications (default 200000)")
    parser.add_argument("--workers", type=int, default=2, help="local processes (default 2)")
    parser.add_argument(
        "--at", type=int, nargs="*", help="also measure after these many (default n/20, n/4)"
    )
    args = parser.parse_args()
    points = sorted({p for p in (args.at or [args.n // 20, args.n // 4]) if 0 < p < args.n})
    points.append(args.n)
    scenario = sim.load_scenario(SCENARIO)
    mib = 1024 * 1024
    print(f"{args.n:,} replications of {SCENARIO.name}, {args.workers} local workers")
    with make_executor("local", args.workers) as executor:
        sim.montecarlo(scenario, 2 * args.workers, executor)  # imports and workers warm
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        rss0 = rss_bytes()
        seen: list[tuple[int, int, int, int]] = []  # (n, traced, rss, peak rss)
        done = 0

        def progress(k: int) -> None:
            nonlocal done
            done += k
            while len(seen) < len(points) and done >= points[len(seen)]:
                traced = tracemalloc.get_traced_memory()[0] - base
                seen.append((done, traced, rss_bytes() - rss0, peak_rss_bytes()))

        t0 = time.perf_counter()
        result = sim.montecarlo(scenario, args.n, executor, progress=progress)
        wall = time.perf_counter() - t0
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - base
    peak_traced = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(f"  {wall:.0f} s ({args.n / wall:.0f} replications/s)")
    print("  replications   traced MiB   B/rep   RSS growth MiB   peak RSS MiB")
    for n, traced, rss, peak in seen:
        print(
            f"  {n:12,}   {traced / mib:10.1f}   {traced / n:5.0f}   "
            f"{rss / mib:14.1f}   {peak / mib:12.1f}"
        )
    print(f"  the result keeps {kept / mib:.1f} MiB traced ({kept / args.n:.0f} B/rep)")
    print(f"  traced peak {peak_traced / mib:.1f} MiB; peak RSS {peak_rss_bytes() / mib:.1f} MiB")
    ok = True
    if len(seen) > 1:
        (n0, t_0, r_0, _), (n1, t_1, r_1, _) = seen[0], seen[-1]
        slope, rss_slope = (t_1 - t_0) / (n1 - n0), (r_1 - r_0) / (n1 - n0)
        ok = rss_slope <= TARGET_BYTES
        print(f"  slope {n0:,} -> {n1:,}: {rss_slope:.0f} B/rep RSS ({slope:.0f} B/rep traced)")
        print(f"  at most {TARGET_BYTES} B per replication more: {'yes' if ok else 'NO'}")
    del result
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
