"""Sweep benchmark (not a test): a 100-point repair sweep on the baseline, 1 vs 2 workers.

Run: ``python benchmarks/bench_sweep.py [--workers 1 2 ...]``. Sweeps
``pads.baikonur-31.outages.0.repair_days`` over 0:990:10 on ``scenarios/baseline.yaml``
once per worker count, prints the wall time of the runs and of writing the outputs, and
checks that ``sweep.csv`` and ``sweep.json`` are byte-identical across worker counts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.scenario.specs import parse_values

ROOT = Path(__file__).resolve().parent.parent
PARAM = "pads.baikonur-31.outages.0.repair_days"
SPEC = "0:990:10"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    values = parse_values(SPEC)
    scenario = ROOT / "scenarios" / "baseline.yaml"
    print(
        f"{len(values)}-point sweep of {PARAM} ({SPEC}) on {scenario.name}; {os.cpu_count()} CPUs"
    )
    outputs: dict[int, dict[str, bytes]] = {}
    base: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.workers:
            t0 = time.perf_counter()
            result = sim.sweep(scenario, {PARAM: values}, workers=n)
            t1 = time.perf_counter()
            folder = result.write(Path(tmp) / f"w{n}")
            t2 = time.perf_counter()
            wall = t1 - t0
            base = base or wall
            print(
                f"  workers {n}: runs {wall:6.2f} s ({len(result.runs) / wall:5.1f} runs/s, "
                f"speed-up x{base / wall:.2f}), write csv/json {t2 - t1:5.2f} s"
            )
            outputs[n] = {f: (folder / f).read_bytes() for f in ("sweep.csv", "sweep.json")}
    first = next(iter(outputs.values()))
    same = all(o == first for o in outputs.values())
    print(f"  sweep.csv and sweep.json identical across worker counts: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
