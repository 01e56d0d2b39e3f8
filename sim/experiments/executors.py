"""Where batches of runs execute: in this process, on local processes, or on a Dask cluster.

Every executor calls one top-level function ``fn(shared, chunk)`` for each chunk and yields
the results in chunk order, so what is computed never depends on where or how parallel it
ran. ``shared`` (the scenario) is shipped to each worker once, not with every chunk, and
work is sent in chunks (many runs per task) to keep scheduling overhead small.

The pools stream: at most ``window`` chunks (default :data:`WINDOW_PER_WORKER` per worker)
are submitted and not yet yielded, and the next chunk is submitted as an earlier one is
yielded, so the memory held for outstanding work stays bounded however many chunks a batch
has (4,000 for a million replications).
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import math
import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Any, Protocol, TypeVar

__all__ = [
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "chunked",
    "default_chunk_size",
    "iter_batch",
    "make_executor",
    "run_batch",
]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
F = TypeVar("F")

MAX_CHUNK = 250
"""Most items (runs) sent to a worker in one task."""

KINDS = ("local", "dask")
"""Executor kinds of :func:`make_executor` (and of ``iss-sim montecarlo --executor``)."""

WINDOW_PER_WORKER = 4
"""Default window of a pool: chunks submitted and not yet yielded, per worker. Enough to
keep every worker busy while the chunk at the head of the order finishes and the consumer
handles a result; small enough that outstanding results stay a few chunks per worker."""


class Executor(Protocol):
    """Calls ``fn(shared, chunk)`` for every chunk; yields the results in chunk order."""

    workers: int
    """How many chunks run at once (processes, or Dask worker threads)."""

    def map(self, fn: Callable[[S, T], R], shared: S, chunks: Sequence[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class _Closing:
    """Context-manager support: ``with make_executor(...) as ex:`` closes it."""

    def close(self) -> None:
        pass

    def abort(self) -> None:
        """Stop at once (after an error, Ctrl-C or SIGTERM): by default :meth:`close`."""
        self.close()

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
        else:
            self.abort()


class SerialExecutor(_Closing):
    """Runs every chunk in this process, one after the other."""

    workers = 1

    def map(self, fn: Callable[[S, T], R], shared: S, chunks: Sequence[T]) -> Iterator[R]:
        return (fn(shared, c) for c in chunks)


# -- local processes ---------------------------------------------------------------------
_SHARED: dict[str, Any] = {}
"""In a worker process: the shared objects received so far, by token (a few at most)."""


def _worker_init() -> None:
    # Ctrl-C goes to the whole process group: let the parent alone handle it (it shuts
    # the pool down), instead of every worker printing a traceback. SIGTERM (from the
    # parent's abort) ends a worker at once, even if the parent had a handler for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when its parent dies (even by SIGKILL),
    instead of leaving it to finish its chunk and wait for work that never comes."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _call(fn: Callable[[Any, Any], Any], token: str, blob: bytes, chunk: Any) -> Any:
    """In a worker: unpickle ``blob`` once per token, then run ``fn`` on the chunk."""
    shared = _SHARED.get(token)
    if shared is None:
        if len(_SHARED) >= 4:
            _SHARED.clear()
        shared = _SHARED[token] = pickle.loads(blob)
    return fn(shared, chunk)


def _noop() -> None:
    return None


class ProcessExecutor(_Closing):
    """Runs chunks on a pool of ``workers`` local processes (started at once, so that they
    are forked before any thread, e.g. a progress bar's, exists), at most ``window`` chunks
    (default :data:`WINDOW_PER_WORKER` per worker) submitted and not yet yielded."""

    def __init__(self, workers: int, window: int | None = None) -> None:
        self.workers = max(1, int(workers))
        self.window = _window(window, self.workers)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_init)
        self._pool.submit(_noop).result()

    def map(self, fn: Callable[[S, T], R], shared: S, chunks: Sequence[T]) -> Iterator[R]:
        # The shared object is pickled once here; each worker unpickles it once (by
        # token). The bytes still travel with every chunk, which costs a memcpy.
        blob = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        token = hashlib.blake2b(blob, digest_size=16).hexdigest()
        return _streamed(
            lambda c: self._pool.submit(_call, fn, token, blob, c),
            lambda f: f.result(),
            lambda fs: [f.cancel() for f in fs],
            chunks,
            self.window,
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        """Drop the queued chunks and end the workers now (SIGTERM, then SIGKILL), rather
        than waiting for the running chunks to finish."""
        # CPython internals: the worker processes, and the work items the pool's manager
        # thread would mark failed once a worker is gone (in 3.11 that raises on the ones
        # already cancelled, a traceback on stderr): cancelled and forgotten first.
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        manager = getattr(self._pool, "_executor_manager_thread", None)
        previous = threading.excepthook

        def quiet(args: Any) -> None:  # the manager thread, told its workers are gone,
            if args.thread is not manager:  # fails marking cancelled futures (3.11)
                previous(args)

        threading.excepthook = quiet
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        # no waiting for the manager thread: the pipes to dead workers may never drain
        self._pool.shutdown(wait=False, cancel_futures=True)


def _window(window: int | None, workers: int) -> int:
    """``window``, or :data:`WINDOW_PER_WORKER` per worker by default; at least 1."""
    return max(1, int(window) if window is not None else WINDOW_PER_WORKER * workers)


def _streamed(
    submit: Callable[[T], F],
    result: Callable[[F], R],
    cancel: Callable[[list[F]], object],
    chunks: Iterable[T],
    window: int,
) -> Iterator[R]:
    """The results of ``submit(chunk)`` in chunk order, with at most ``window`` chunks
    submitted and not yet yielded: the next one is submitted when the consumer asks for the
    next result. Abandoned (error, Ctrl-C, generator closed), the outstanding futures are
    cancelled."""
    todo = iter(chunks)
    pending: deque[F] = deque()
    try:
        for chunk in todo:
            pending.append(submit(chunk))
            if len(pending) >= window:
                break
        while pending:
            value = result(pending[0])  # the head stays pending (cancelled) if this raises
            pending.popleft()
            yield value
            for chunk in todo:  # one more, if any are left
                pending.append(submit(chunk))
                break
    finally:
        if pending:
            cancel(list(pending))


# -- Dask ----------------------------------------------------------------------------------
def _sim_version() -> str:
    from sim._version import __version__

    return __version__


class DaskExecutor(_Closing):
    """Runs chunks on a Dask cluster: the scheduler at ``address``, or a new ``LocalCluster``
    of ``workers`` single-threaded worker processes when no address is given. At most
    ``window`` chunks (default :data:`WINDOW_PER_WORKER` per worker thread on connecting)
    are submitted and not yet yielded, so neither the workers nor this client hold more
    than that many results, however many chunks a batch has.

    Needs the optional extra: ``pip install "iss-logistics-sim[dask]"``; the workers of a
    remote cluster need the same version of this package (checked on connecting).
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, window: int | None = None
    ) -> None:
        try:  # imported as Any: dask is optional, typed or not where mypy runs
            distributed: Any = importlib.import_module("dask.distributed")
        except ImportError as exc:
            raise RuntimeError(
                'the Dask executor needs the extra: pip install "iss-logistics-sim[dask]"'
            ) from exc
        self._cluster: Any = None
        if address:
            self._client: Any = distributed.Client(address)
        else:
            # The workers' statistical profiler samples the running task every 10 ms,
            # which costs pure-Python work like ours several percent: off for our cluster.
            dask: Any = importlib.import_module("dask")
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                self._cluster = distributed.LocalCluster(
                    n_workers=max(1, workers or os.cpu_count() or 1),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            self._client = distributed.Client(self._cluster)
        try:
            versions = set(self._client.run(_sim_version).values())
        except Exception as exc:  # e.g. the package is missing on a remote worker
            self.close()
            raise RuntimeError(f"the Dask workers cannot run iss-logistics-sim: {exc}") from exc
        if versions - {_sim_version()}:
            self.close()
            raise RuntimeError(
                f"the Dask workers run iss-logistics-sim {', '.join(sorted(versions))}, "
                f"this process {_sim_version()}: install the same version on every worker"
            )
        workers_info = self._client.scheduler_info().get("workers", {}).values()
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in workers_info))
        self.window = _window(window, self.workers)

    def map(self, fn: Callable[[S, T], R], shared: S, chunks: Sequence[T]) -> Iterator[R]:
        # scatter: one copy of the shared object per worker, referenced by every task
        handle = self._client.scatter(shared, broadcast=True, hash=False)
        try:  # a yielded future is dropped: its result is released on the worker too
            yield from _streamed(
                lambda c: self._client.submit(fn, handle, c, pure=False),
                lambda f: f.result(),
                self._client.cancel,
                chunks,
                self.window,
            )
        finally:
            self._client.cancel([handle])

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    kind: str = "local",
    workers: int | None = 1,
    address: str | None = None,
    window: int | None = None,
) -> SerialExecutor | ProcessExecutor | DaskExecutor:
    """An :class:`Executor`: ``local`` (serial for one worker, else a process pool of
    ``workers``) or ``dask`` (a cluster at ``address``, or a ``LocalCluster`` of
    ``workers``, default one per CPU); ``window``: a pool's chunks in flight (default
    :data:`WINDOW_PER_WORKER` per worker). Raises ValueError for an unknown kind and
    RuntimeError when Dask is not installed."""
    if kind == "dask":
        return DaskExecutor(address, workers, window)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; expected one of {', '.join(KINDS)}")
    if address:
        raise ValueError("a scheduler address needs the dask executor")
    if workers is None or workers <= 1:
        return SerialExecutor()
    return ProcessExecutor(workers, window)


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """Split ``items`` into contiguous chunks of ``size`` (the last may be shorter)."""
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def default_chunk_size(n: int, workers: int) -> int:
    """Items per chunk of a batch of ``n`` on ``workers``: about four chunks per worker, at
    most :data:`MAX_CHUNK`, at least 1."""
    return max(1, min(MAX_CHUNK, math.ceil(n / (4 * max(1, workers)))))


def iter_batch(
    executor: Executor,
    fn: Callable[[S, list[T]], R],
    shared: S,
    items: Sequence[T],
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[R]:
    """``fn(shared, chunk)`` for contiguous chunks of ``items`` on ``executor``; the results
    in chunk order, each as soon as it and those before it are done. The one batch path of
    sweeps and Monte Carlo: ``shared`` (the scenario) goes to each worker once, and a chunk
    is ``chunk_size`` items (default about four chunks per worker, at most
    :data:`MAX_CHUNK`). ``progress(k)`` as each chunk of k is yielded. Closing the
    generator early (or an error) cancels the chunks not yet run."""
    chunks = chunked(items, chunk_size or default_chunk_size(len(items), executor.workers))
    results = executor.map(fn, shared, chunks)
    try:
        for chunk, result in zip(chunks, results, strict=True):
            if progress is not None:
                progress(len(chunk))
            yield result
    finally:  # now, not when the garbage collector gets to it
        close = getattr(results, "close", None)
        if close is not None:
            close()


def run_batch(
    executor: Executor,
    fn: Callable[[S, list[T]], R],
    shared: S,
    items: Sequence[T],
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """All the results of :func:`iter_batch` (same arguments), in chunk order."""
    return list(iter_batch(executor, fn, shared, items, chunk_size=chunk_size, progress=progress))
