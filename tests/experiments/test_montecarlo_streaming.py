"""Monte Carlo ensembles in bounded memory (issue 19): chunks taken in as they finish,
replications.csv streamed to a temporary file, metrics as typed columns, fans as
histograms. The files stay byte for byte what one pass over every replication gives."""

from __future__ import annotations

import gc
import math
import os
import sys
import tracemalloc
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from conftest import ROOT

import sim
from sim.experiments import MonteCarloResult, extend, montecarlo, replication_seed
from sim.experiments.executors import ProcessExecutor, SerialExecutor
from sim.experiments.replications import Chunk, csv_cell

UNCERTAIN = ROOT / "scenarios" / "baseline-uncertain.yaml"
N = 30
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


@pytest.fixture(scope="module")
def scenario() -> sim.Scenario:
    return sim.load_scenario(UNCERTAIN)


@pytest.fixture(scope="module")
def runs(scenario: sim.Scenario) -> list[dict[str, Any]]:
    """The metrics of replications 0..N-1, each run on its own with sim.simulate."""
    return [sim.simulate(scenario, replication_seed(scenario.seed, i)).metrics for i in range(N)]


def files(mc: MonteCarloResult, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    mc.write_files(folder)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_files_are_the_same_bytes_however_the_ensemble_was_made(
    scenario: sim.Scenario, runs: list[dict[str, Any]], tmp_path: Path
) -> None:
    one = montecarlo(scenario, N, chunk_size=N)
    want = files(one, tmp_path / "one")
    # replications.csv as one pass over every replication writes it
    keys = list(runs[0])
    lines = [",".join(["replication", "seed", *map(csv_cell, keys)])]
    for i, m in enumerate(runs):
        cells = [csv_cell(m[k]) for k in keys]
        lines.append(",".join([str(i), str(replication_seed(scenario.seed, i)), *cells]))
    assert want["replications.csv"] == ("\n".join(lines) + "\n").encode()
    assert one.csv_text().encode() == want["replications.csv"]
    grown = montecarlo(scenario, 4, chunk_size=3)
    for more in (1, 10, N - 15):
        same = extend(grown, more, in_place=True)
        assert same is grown
    first = montecarlo(scenario, 12, chunk_size=5)
    text = first.csv_text()
    copied = extend(first, N - 12)
    assert first.n == first.sketch.n == 12 and first.csv_text() == text  # left as it was
    assert first.values("food.end_kg").size == 12
    with ProcessExecutor(2) as pool:
        made = {
            "chunks of 1": montecarlo(scenario, N, chunk_size=1),
            "chunks of 7": montecarlo(scenario, N, SerialExecutor(), chunk_size=7),
            "2 processes": montecarlo(scenario, N, pool),
            "2 processes, chunks of 4": montecarlo(scenario, N, pool, chunk_size=4),
            "extended in place": grown,
            "extended": copied,
        }
    for name, mc in made.items():
        assert files(mc, tmp_path / name.replace(" ", "_").replace(",", "")) == want, name
        assert mc.sketch.equals(one.sketch), name


def test_typed_columns_give_back_the_float64_table_bit_for_bit(
    scenario: sim.Scenario, runs: list[dict[str, Any]]
) -> None:
    mc = montecarlo(scenario, N, chunk_size=4)
    epoch = scenario.epoch.toordinal()

    def as_float(v: Any, kind: str) -> float:
        if v is None or kind == "text":
            return math.nan
        return float(date.fromisoformat(v).toordinal() - epoch) if kind == "date" else float(v)

    assert mc.keys == list(runs[0])
    kinds = set()
    for key in mc.keys:
        kind = mc.kinds[key]
        kinds.add(kind)
        table = np.array([as_float(m[key], kind) for m in runs])
        got = mc.values(key)
        assert got.dtype == np.float64
        assert got.tobytes() == np.where(np.isnan(table), np.nan, table).tobytes(), key
        if kind == "text":
            assert mc.texts[key] == [m[key] for m in runs], key
    assert kinds == {"number", "date", "text", "null"}
    assert mc.nbytes < 1000 * N + 25_000_000  # narrow columns; fan counts not by replication


def test_the_temporary_csv_goes_when_the_result_is_closed_or_collected(
    scenario: sim.Scenario, tmp_path: Path
) -> None:
    mc = montecarlo(scenario, 3)
    spool = mc._spool
    if sys.platform.startswith("linux"):  # no name on disk at all, even while open
        link = os.readlink(f"/proc/self/fd/{spool._file.fileno()}")
        assert link.endswith("(deleted)") and link.startswith(os.path.realpath("/tmp")[:4])
    assert spool.size == len(mc.csv_text().encode())
    mc.close()
    assert spool.closed
    with pytest.raises(ValueError):
        mc.csv_text()
    assert mc.probabilities()  # the statistics stay
    with montecarlo(scenario, 2) as mc2:
        spool = mc2._spool
        mc2.write(tmp_path / "out")
    assert spool.closed and (tmp_path / "out" / "replications.csv").stat().st_size > 0
    mc3 = montecarlo(scenario, 2)
    spool, alive = mc3._spool, weakref.ref(mc3)
    file = spool._file
    del mc3, spool
    gc.collect()
    assert alive() is None and file.closed


class Lazy:
    """An executor that runs a chunk only when the next result is asked for; logs it."""

    workers = 1

    def __init__(self) -> None:
        self.log: list[str] = []

    def map(self, fn: Callable[[S, T], R], shared: S, chunks: Sequence[T]) -> Iterator[R]:
        for c in chunks:
            self.log.append("run")
            yield fn(shared, c)

    def close(self) -> None:
        pass


def test_each_chunk_is_taken_in_before_the_next_is_asked_for(scenario: sim.Scenario) -> None:
    ex = Lazy()
    mc = montecarlo(scenario, 5, ex, chunk_size=1, progress=lambda k: ex.log.append("take"))
    assert mc.n == 5 and ex.log == ["run", "take"] * 5  # nothing buffered on our side


def test_a_pool_holds_at_most_its_window_of_chunks(scenario: sim.Scenario) -> None:
    alive: list[int] = []

    def count(k: int) -> None:
        alive.append(sum(isinstance(o, Chunk) for o in gc.get_objects()))

    with ProcessExecutor(2, window=2) as pool:
        mc = montecarlo(scenario, 20, pool, chunk_size=1, progress=count)
    assert mc.n == 20 and len(alive) == 20
    assert max(alive) <= 2  # the one being taken in and the other one of the window


def test_memory_per_replication_is_at_most_1_5_kb(scenario: sim.Scenario) -> None:
    with ProcessExecutor(2) as pool:  # forked before tracing starts: workers untraced
        montecarlo(scenario, 4, pool)
        tracing = tracemalloc.is_tracing()
        if not tracing:
            tracemalloc.start()
        try:
            gc.collect()
            start = tracemalloc.get_traced_memory()[0]
            mc = montecarlo(scenario, 2000, pool)
            gc.collect()
            at_2000 = tracemalloc.get_traced_memory()[0] - start
            extend(mc, 2000, pool, in_place=True)
            gc.collect()
            at_4000 = tracemalloc.get_traced_memory()[0] - start
        finally:
            if not tracing:
                tracemalloc.stop()
    assert mc.n == 4000
    per_replication = (at_4000 - at_2000) / 2000  # ~0.6 KB of metrics, a little fan growth
    assert per_replication < 1536, per_replication
    assert at_2000 < 40_000_000  # mostly the fan histograms: ~20 MB for any number
