"""The Dask executor on a real LocalCluster (2 worker processes): Monte Carlo results
identical to the serial executor's, chunks streamed with a bounded window, and the rest
cancelled when the consumer stops. Skipped without the dask extra."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

pytest.importorskip("dask.distributed")

import sim
from sim.experiments.executors import DaskExecutor, SerialExecutor

UNCERTAIN = ROOT / "scenarios" / "baseline-uncertain.yaml"


@pytest.fixture(scope="module")
def dask_ex() -> Iterator[DaskExecutor]:
    """One LocalCluster of 2 single-threaded worker processes for the whole module (its
    start-up is most of these tests' time)."""
    cloudpickle: Any = pytest.importorskip("cloudpickle")
    # ship this module's task functions by value, so that the (spawned) workers need not
    # import this file by pytest's name for it (they can today: they inherit sys.path;
    # not so under --import-mode=importlib)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with DaskExecutor(workers=2) as ex:
        yield ex
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def first(shared: None, chunk: list[int]) -> int:
    """The chunk's first item."""
    return chunk[0]


def gated(folder: str, chunk: list[int]) -> int:
    """Except for chunk 0, waits for the file ``gate`` in ``folder`` (at most 30 s)."""
    deadline = time.monotonic() + 30
    while chunk[0] and not (Path(folder) / "gate").exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return chunk[0]


def count_submissions(monkeypatch: pytest.MonkeyPatch, ex: DaskExecutor) -> list[Any]:
    """The futures of every chunk ``ex`` submits from now on."""
    futures: list[Any] = []
    submit = ex._client.submit

    def recording(*args: Any, **kwargs: Any) -> Any:
        futures.append(submit(*args, **kwargs))
        return futures[-1]

    monkeypatch.setattr(ex._client, "submit", recording)
    return futures


def test_dask_montecarlo_is_byte_identical_to_serial(dask_ex: DaskExecutor) -> None:
    assert dask_ex.workers == 2 and dask_ex.window == 8
    scenario = sim.load_scenario(UNCERTAIN)
    with SerialExecutor() as serial:
        one = sim.montecarlo(scenario, 300, serial)
    # 30 chunks of 10 through a window of 8: streamed, not submitted at once
    many = sim.montecarlo(scenario, 300, dask_ex, chunk_size=10)
    assert many.csv_text() == one.csv_text()
    dump = json.dumps(many.summary(), indent=2, allow_nan=False)
    assert dump == json.dumps(one.summary(), indent=2, allow_nan=False)


def test_dask_never_has_more_than_window_chunks_outstanding(
    dask_ex: DaskExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_ex, "window", 3)
    futures = count_submissions(monkeypatch, dask_ex)
    submitted_at_yield = []
    got = []
    for result in dask_ex.map(first, None, [[i] for i in range(12)]):
        submitted_at_yield.append(len(futures))
        got.append(result)
    assert got == list(range(12))  # in chunk order
    # result i is yielded with chunks i .. i+2 submitted: the window full, never more
    assert submitted_at_yield == [min(3 + i, 12) for i in range(12)]


def test_abandoning_a_dask_map_cancels_the_rest(
    dask_ex: DaskExecutor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(dask_ex, "window", 6)
    futures = count_submissions(monkeypatch, dask_ex)
    results = dask_ex.map(gated, str(tmp_path), [[i] for i in range(30)])
    try:
        assert next(results) == 0  # the other chunks wait at the gate, or for a worker
        results.close()
        assert len(futures) == 6  # none submitted after the first yield, nor on closing
        assert futures[0].status == "finished"
        assert [f.status for f in futures[1:]] == ["cancelled"] * 5
    finally:
        (tmp_path / "gate").touch()  # let the two running chunks end
    # the cluster still works
    assert list(dask_ex.map(first, None, [[4], [5]])) == [4, 5]
