"""Executors (sim.experiments.executors): the same results, in chunk order, wherever run."""

from __future__ import annotations

import os
import time

import pytest

from sim.experiments.executors import (
    ProcessExecutor,
    SerialExecutor,
    chunked,
    make_executor,
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
