"""A large feed's runs parsed in one worker process while this one stores the ones before.

The scheduling alone: which runs go to the worker, which are parsed here
while it starts, results in document order, a fresh worker now and then,
and the runs of a worker that died parsed here. What a run is and how it is
read are the caller's (`feeds._read_run`, passed in): this module knows
nothing of feeds, so `feeds.py` keeps the format and this the processes.
"""

from __future__ import annotations

import collections
import importlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeAlias, TypeVar

from desk.ingest.collector import fewer_collections_now
from desk.ingest.formats._feedxml import Run

R = TypeVar("R")


class RunParsers(Generic[R]):
    """The runs' parsing, here or in one worker process, results in order.

    A large feed's runs are parsed (gate, feedparser-rs or feedparser, the
    mapping to items) by a worker process on the second core while this one
    stores the items of the runs before: the order is the document's
    (results are taken in document order), at most `_AHEAD` + 1 runs are
    queued for the worker and `_LOCAL` more held here (`map`), so memory
    stays bounded. `spawn`, not `fork`: the caller may hold a SQLite
    connection and threads (the TUI). If the worker dies, the runs it held
    are parsed here.

    Whether a worker is wanted is the caller's policy (for feeds,
    `feeds._worker_wanted`): `DESK_FEED_WORKER` `1` always (on a machine
    with a second core), `0` never; unset, when the feedparser-rs fast path
    is on. Measured on the
    bench's 100k-entry file on this busy 2-core machine (README, "Feeds: one
    file of 100k and 1M entries"): with the fast path the worker makes the
    ingest faster; with feedparser alone it gained nothing and the two
    processes passed 200 MB at 1M entries, so there it stays opt-in.
    """

    _AHEAD = 2
    _LOCAL = 2
    _RUNS_PER_WORKER = 100

    def __init__(self, wanted: bool, read: Callable[[Run, str | None], R]) -> None:
        """`wanted`: a worker is worth starting (the caller's policy); `read` parses one
        run, here or there (a module-level function: the worker imports its module)."""
        self.read = read
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False  # the worker died: the rest is parsed here
        self.answered = False  # the current worker has given a result (it is running)
        if wanted and (os.cpu_count() or 1) > 1:
            self.pool = self._new_pool(read.__module__)

    def stop(self) -> None:
        """Parse here after all (a large file with few entries): the worker goes."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    @staticmethod
    def _new_pool(module: str) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
        )
        # The process starts at the first task: this one makes it start now and
        # import the reader's module (for feeds: lxml, feedparser, feedparser-rs)
        # while the caller works.
        pool.submit(_ready, module)
        return pool

    def __enter__(self) -> RunParsers[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def map(self, runs: Iterator[Run], dtd_note: str | None) -> Iterator[R]:
        """The runs' results in document order.

        The worker always has runs queued (up to `_AHEAD` + 1). Until a
        worker has given its first result (it is still starting: a fresh
        interpreter, its imports), this process parses the next runs itself
        (at most `_LOCAL` held) instead of waiting. Not after: storing is
        this process's job and the slower half (measured: about 100 us an
        item against the worker's 90 us of parsing), so parsing here then
        only made the ingest slower.
        """
        if self.pool is None:
            for run in runs:
                yield self.read(run, dtd_note)
            return
        pending = iter(runs)
        waiting: collections.deque[_Waiting[R]] = collections.deque()
        given = 0
        most = self._AHEAD + self._LOCAL
        while True:
            while self._queued(waiting) <= self._AHEAD and len(waiting) <= most:
                queued = next(pending, None)
                if queued is None:
                    break
                if given == self._RUNS_PER_WORKER and self.pool is not None and not self.broken:
                    # a fresh worker now and then (the runs before it taken first, so
                    # never two at once): one that had parsed a million entries had
                    # grown from 70 to 92 MB. (`max_tasks_per_child` hangs in 3.11.)
                    while waiting:
                        yield self._take(waiting.popleft(), dtd_note)
                    self.pool.shutdown(wait=True)
                    self.pool, given, self.answered = self._new_pool(self.read.__module__), 0, False
                waiting.append((queued, self._submit(queued, dtd_note), None))
                given += 1
            if not waiting:
                return
            while (
                not self.answered
                and _busy(waiting[0])
                and sum(w[2] is not None for w in waiting) < self._LOCAL
            ):
                here = next(pending, None)
                if here is None:
                    break
                waiting.append((here, None, self.read(here, dtd_note)))  # parsed here meanwhile
            yield self._take(waiting.popleft(), dtd_note)

    @staticmethod
    def _queued(waiting: collections.deque[_Waiting[R]]) -> int:
        return sum(w[1] is not None for w in waiting)

    def _take(self, waiting: _Waiting[R], dtd_note: str | None) -> R:
        run, future, result = waiting
        if result is not None:
            return result
        self.answered = self.answered or future is not None
        return self._result(run, future, dtd_note)

    def _submit(self, run: Run, dtd_note: str | None) -> Future[R] | None:
        """The run given to the worker; None when there is none any more (it died)."""
        if self.pool is None:
            return None
        try:
            return self.pool.submit(self.read, run, dtd_note)
        except BrokenProcessPool:
            self.broken = True
            return None

    def _result(self, run: Run, future: Future[R] | None, dtd_note: str | None) -> R:
        """The worker's result; if the worker died (killed, out of memory), this process's."""
        if future is None:
            return self.read(run, dtd_note)
        try:
            return future.result()
        except BrokenProcessPool:
            return self.read(run, dtd_note)


# A run on its way: the worker's future, or the result parsed here (then no future).
_Waiting: TypeAlias = tuple[Run, "Future[R] | None", "R | None"]


def _busy(waiting: _Waiting[Any]) -> bool:
    """The worker is still on this run."""
    future = waiting[1]
    return future is not None and waiting[2] is None and not future.done()


def _worker_start() -> None:
    """The worker's set-up: Ctrl-C is the ingest's to handle (it says how many items
    went in), so the worker prints no traceback of its own; it only ingests, so
    the cyclic collector runs less often (`desk.ingest.collector`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fewer_collections_now()


def _ready(module: str) -> None:
    """The worker's first task: the reader's module imported, nothing else."""
    importlib.import_module(module)
