"""Executors (sim.experiments.executors): the same results, in chunk order, wherever run."""

from __future__ import annotations

import os
import time
import tracemalloc
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from sim.experiments.executors import (
    WINDOW_PER_WORKER,
    ProcessExecutor,
    SerialExecutor,
    chunked,
    default_chunk_size,
    iter_batch,
    make_executor,
    run_batch,
)


def scaled(shared: dict[str, int], chunk: list[int]) -> tuple[list[int], int]:
    """Top level (picklable): each item times the shared factor, and the worker's pid.
    Earlier chunks sleep longer, so a pool finishes them out of order."""
    time.sleep(0.02 * max(0, 5 - chunk[0]))
    return [shared["factor"] * x for x in chunk], os.getpid()


CHUNKS = [[0], [1, 2], [3], [4, 5, 6], [7]]
EXPECTED = [[0], [3, 6], [9], [12, 15, 18], [21]]


def test_serial_and_a_two_process_pool_give_identical_results_in_chunk_order() -> None:
    with SerialExecutor() as serial:
        assert serial.workers == 1
        one = list(serial.map(scaled, {"factor": 3}, CHUNKS))
    with ProcessExecutor(2) as pool:
        assert pool.workers == 2
        two = list(pool.map(scaled, {"factor": 3}, CHUNKS))
    assert [r for r, _ in one] == [r for r, _ in two] == EXPECTED
    assert {pid for _, pid in one} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in two}  # really ran in the pool


def test_a_pool_ships_a_new_shared_object_for_each_map() -> None:
    with ProcessExecutor(2) as pool:
        first = [r for r, _ in pool.map(scaled, {"factor": 1}, CHUNKS)]
        second = [r for r, _ in pool.map(scaled, {"factor": 2}, CHUNKS)]
    assert first == [[x for x in c] for c in CHUNKS]
    assert second == [[2 * x for x in c] for c in CHUNKS]


def test_process_executor_has_at_least_one_worker() -> None:
    with ProcessExecutor(0) as pool:
        assert pool.workers == 1
        assert [r for r, _ in pool.map(scaled, {"factor": 5}, [[1], [2]])] == [[5], [10]]


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [
        (list(range(7)), 3, [[0, 1, 2], [3, 4, 5], [6]]),
        (list(range(6)), 3, [[0, 1, 2], [3, 4, 5]]),
        (list(range(3)), 10, [[0, 1, 2]]),
        (list(range(3)), 1, [[0], [1], [2]]),
        (list(range(3)), 0, [[0], [1], [2]]),  # a size below 1 is taken as 1
        (list(range(3)), -4, [[0], [1], [2]]),
        ([], 5, []),
        (("a", "b", "c"), 2, [["a", "b"], ["c"]]),  # any sequence; chunks are lists
    ],
)
def test_chunked(items: list[int], size: int, expected: list[list[int]]) -> None:
    chunks = chunked(items, size)
    assert chunks == expected
    assert [x for c in chunks for x in c] == list(items)  # contiguous, nothing lost


@pytest.mark.parametrize(
    ("n", "workers", "expected"),
    [(10_000, 2, 250), (1_000_000, 64, 250), (300, 2, 38), (8, 2, 1), (0, 2, 1), (10, 0, 3)],
)
def test_default_chunk_size_is_four_chunks_per_worker_at_most_250(
    n: int, workers: int, expected: int
) -> None:
    assert default_chunk_size(n, workers) == expected


@pytest.mark.parametrize("workers", [None, 0, 1])
def test_make_executor_local_with_one_worker_is_serial(workers: int | None) -> None:
    ex = make_executor("local", workers)
    assert isinstance(ex, SerialExecutor)


def test_make_executor_local_with_two_workers_is_a_process_pool() -> None:
    with make_executor("local", 2) as ex:
        assert isinstance(ex, ProcessExecutor) and ex.workers == 2
        assert [r for r, _ in ex.map(scaled, {"factor": 2}, [[1], [4]])] == [[2], [8]]


@pytest.mark.parametrize("kind", ["thread", "Local", "", "processes"])
def test_make_executor_refuses_an_unknown_kind(kind: str) -> None:
    with pytest.raises(ValueError) as info:
        make_executor(kind, 2)
    assert str(info.value) == f"unknown executor {kind!r}; expected one of local, dask"


def test_make_executor_refuses_an_address_for_local() -> None:
    with pytest.raises(ValueError) as info:
        make_executor("local", 1, address="tcp://127.0.0.1:8786")
    assert str(info.value) == "a scheduler address needs the dask executor"


# -- streaming: a bounded window of chunks, in chunk order ----------------------------------
def first(shared: None, chunk: list[int]) -> int:
    """Top level (picklable): the chunk's first item."""
    return chunk[0]


def gated(folder: str, chunk: list[int]) -> int:
    """Top level (picklable): notes that its chunk started (a file in ``folder``), then,
    except chunk 0, waits for the file ``gate`` there (at most 30 s)."""
    (Path(folder) / f"started-{chunk[0]}").touch()
    deadline = time.monotonic() + 30
    while chunk[0] and not (Path(folder) / "gate").exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return chunk[0]


def failing(shared: None, chunk: list[int]) -> int:
    """Top level (picklable): fails on chunk 3."""
    if chunk[0] == 3:
        raise ValueError("chunk 3 failed")
    return chunk[0]


def megabytes(size: int, chunk: list[int]) -> bytes:
    """Top level (picklable): ``size`` MB (of the chunk's first item, mod 256)."""
    return bytes([chunk[0] % 256]) * (size * 1_000_000)


def count_submissions(monkeypatch: pytest.MonkeyPatch, pool: ProcessExecutor) -> list[Future[Any]]:
    """The futures of every chunk ``pool`` submits from now on (in the parent process)."""
    futures: list[Future[Any]] = []
    submit = pool._pool.submit

    def recording(*args: Any, **kwargs: Any) -> Future[Any]:
        futures.append(submit(*args, **kwargs))
        return futures[-1]

    monkeypatch.setattr(pool._pool, "submit", recording)
    return futures


def test_executors_default_to_a_window_of_four_chunks_per_worker() -> None:
    assert WINDOW_PER_WORKER == 4
    with ProcessExecutor(2) as pool:
        assert pool.window == 8
    with ProcessExecutor(2, window=0) as pool:
        assert pool.window == 1  # at least one chunk
    with make_executor("local", 2, window=3) as ex:
        assert isinstance(ex, ProcessExecutor) and ex.window == 3


def test_a_pool_never_has_more_than_window_chunks_outstanding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chunks = [[i] for i in range(12)]
    with ProcessExecutor(2, window=3) as pool:
        futures = count_submissions(monkeypatch, pool)
        submitted_at_yield = []
        got = []
        for result in pool.map(first, None, chunks):
            submitted_at_yield.append(len(futures))
            got.append(result)
    assert got == list(range(12))  # in chunk order
    # when result i is yielded, chunks i .. i+2 have been submitted: the window is full
    # (the workers stay busy) and never more; the first result comes before the 4th chunk
    # (let alone the 12th) is submitted
    assert submitted_at_yield == [min(3 + i, 12) for i in range(12)]


def test_a_pool_holds_at_most_window_results_in_this_process() -> None:
    with ProcessExecutor(2, window=3) as pool:
        tracemalloc.start()
        try:
            for i, result in enumerate(pool.map(megabytes, 2, [[i] for i in range(30)])):
                assert result[:1] == bytes([i]) and len(result) == 2_000_000
                time.sleep(0.02)  # a slow consumer: the workers would run ahead if allowed
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # the 30 results make 60 MB; at most 3 are outstanding and 1 in the consumer's hands:
    # 8 MB, and twice that leaves room for a message being unpickled
    assert peak < 16e6, f"{peak / 1e6:.1f} MB"


def test_run_batch_streams_through_iter_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    with ProcessExecutor(2, window=2) as pool:
        futures = count_submissions(monkeypatch, pool)
        batch = iter_batch(pool, first, None, list(range(10)), chunk_size=3, progress=seen.append)
        assert futures == []  # nothing submitted before the first result is asked for
        assert next(batch) == 0 and len(futures) == 2 and seen == [3]
        assert list(batch) == [3, 6, 9] and len(futures) == 4 and seen == [3, 3, 3, 1]
        assert run_batch(pool, first, None, list(range(10)), chunk_size=3) == [0, 3, 6, 9]


def test_abandoning_a_pool_map_cancels_the_chunks_not_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chunks = [[i] for i in range(30)]
    with ProcessExecutor(2, window=10) as pool:
        futures = count_submissions(monkeypatch, pool)
        results = pool.map(gated, str(tmp_path), chunks)
        assert next(results) == 0  # chunks 1 and 2 now wait at the gate, the rest queued
        results.close()
        cancelled = [f.cancelled() for f in futures]
        (tmp_path / "gate").touch()
    assert len(futures) == 10  # no submission after the first yield, none after closing
    # the chunks still queued in the parent were cancelled by closing the generator (not
    # by closing the pool); only the others ever ran
    assert any(cancelled) and not cancelled[0]
    started = sorted(int(p.name.split("-")[1]) for p in tmp_path.glob("started-*"))
    assert started == [i for i, c in enumerate(cancelled) if not c]


def test_a_failed_chunk_raises_in_chunk_order_and_nothing_more_is_submitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with ProcessExecutor(2, window=4) as pool:
        futures = count_submissions(monkeypatch, pool)
        got = []
        with pytest.raises(ValueError, match="chunk 3 failed"):
            for result in pool.map(failing, None, [[i] for i in range(20)]):
                got.append(result)
        assert got == [0, 1, 2]  # every chunk before the failed one, in order
        assert len(futures) == 7  # chunks 0..6: nothing submitted after the failure
        assert [r for r, _ in pool.map(scaled, {"factor": 2}, [[1], [4]])] == [[2], [8]]
