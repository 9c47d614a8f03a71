"""Using both cores: process pools whose results come back in input order.

:func:`contained_map` runs work that may take its process down (reading a hostile file: a
native library aborting, memory running out, a loop without end): each worker is watched, and
the job that killed or stalled one becomes a value the caller chooses (an unreadable file) while
the other jobs go on in a fresh worker. :func:`ordered_map` is a plain pool for work that cannot
fail that way (writing templates). Workers of both die with the process that started them.
"""

from __future__ import annotations

import collections
import contextlib
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..common import die_with_parent

if TYPE_CHECKING:  # multiprocessing is imported when a pool is started: small runs start faster
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 16  # fewer jobs run in this process: starting a pool costs more than it saves
WORKER_MEMORY = 1 << 30  # bytes of address space a contained worker may add to what it starts with
_AHEAD = 2  # jobs handed to a worker at a time: it starts the next while its result travels


def ordered_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[R]:
    """``fn`` over ``items`` in input order, so results never depend on scheduling.

    With ``PARALLEL_FROM`` items or more, one worker per core (or ``workers``), each prepared by
    ``initializer(*initargs)``; otherwise here, after running the initializer here.
    """
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count > 1 and len(items) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        context = _context(start_method())
        with ProcessPoolExecutor(
            count, mp_context=context, initializer=_prepare, initargs=(initializer, initargs, None)
        ) as pool:
            yield from pool.map(fn, items, chunksize=max(1, len(items) // (count * 8)))
    else:
        initializer(*initargs)
        yield from map(fn, items)


def start_method() -> str:
    """fork where it is safe, else forkserver (Linux) or spawn.

    fork is fast and needs no ``if __name__ == "__main__"`` in a caller's script. In a process
    with threads (the upload page checks uploads on several at once) a fork copies whatever the
    other threads hold at that moment: their locks, and the pipes of their own workers, which
    then do not see their pipe close when their merge is done. (Seen on Python 3.11, which forked
    there: of 20 uploads at once, one unanswered for a minute in the full suite.) There the
    workers are forked by a server process of their own, which has no threads.
    """
    if sys.platform != "linux":
        return "spawn"
    return "fork" if threading.active_count() == 1 else "forkserver"


def _context(method: str) -> Any:
    import multiprocessing as mp

    context = mp.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["consolidate.merge.parse"])  # its workers start ready
    return context


def _prepare(initializer: Callable[..., None], initargs: tuple[Any, ...], memory: int | None) -> None:
    """A worker's start: die with the parent, bound the memory, then the caller's preparation."""
    die_with_parent()
    if memory is not None:
        _limit_memory(memory)
    initializer(*initargs)


def _limit_memory(extra: int) -> None:
    """Let this process grow by ``extra`` bytes of address space at most: an allocation beyond
    fails (MemoryError, or a native library aborting) in the worker, not the machine."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + extra
        for bound in (soft, hard):
            if bound != resource.RLIM_INFINITY:
                limit = min(limit, bound)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: the worker is still watched, only not bounded


def _serve(conn: Connection, fn: Callable[[Any], Any], prepare: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # What a dying native library prints ("memory allocation of ... failed", a Rust panic) is
    # not for the user: the parent says which file it was and why.
    faulthandler.disable()
    with contextlib.suppress(OSError):
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    _prepare(*prepare)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        index, item = job
        try:
            result = fn(item)
        except BaseException as exc:  # the job's end, not the worker's: said, not printed
            result = Lost(type(exc).__name__)
        conn.send((index, result))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    jobs: collections.deque[int] = field(default_factory=collections.deque)
    since: float = 0.0  # when the job at the head of ``jobs`` started


@dataclass(frozen=True)
class Lost:
    """Why a job of :func:`contained_map` gave no result: ``how`` it ended, or a ``timeout``."""

    how: str
    timeout: float | None = None


def contained_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int | None,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    lost: Callable[[T, Lost], R],
    timeout: float,
    memory: int | None = WORKER_MEMORY,
) -> Iterator[R]:
    """``fn`` over ``items`` in worker processes, results in input order; a job whose worker
    died, or ran longer than ``timeout`` seconds, gives ``lost(item, why)`` and the rest go on."""
    if not items:
        return
    from multiprocessing.connection import wait

    count = max(1, min(workers if workers is not None else (os.cpu_count() or 1), len(items)))
    context = _context(start_method())
    prepare = (initializer, initargs, memory)
    pending = collections.deque(range(len(items)))
    done: dict[int, R] = {}
    pool: list[_Worker] = []
    following = 0

    def start() -> _Worker:
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, fn, prepare), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def feed(worker: _Worker) -> None:
        while pending and len(worker.jobs) < _AHEAD:
            index = pending.popleft()
            if not worker.jobs:
                worker.since = time.monotonic()
            worker.jobs.append(index)
            with contextlib.suppress(OSError):  # a worker that just died: seen by its sentinel
                worker.conn.send((index, items[index]))

    def receive(worker: _Worker) -> bool:
        """Take one result; False when the worker is gone."""
        try:
            index, result = worker.conn.recv()
        except (EOFError, OSError):
            return False
        done[index] = lost(items[index], result) if isinstance(result, Lost) else result
        worker.jobs.popleft()
        worker.since = time.monotonic()
        return True

    def bury(worker: _Worker, why: Lost) -> None:
        """A worker that died or stalled: its current job is lost, the others go back."""
        with contextlib.suppress(OSError):
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        pool.remove(worker)
        if worker.jobs:
            index = worker.jobs.popleft()
            done[index] = lost(items[index], why)
            pending.extendleft(reversed(worker.jobs))

    try:
        pool.extend(start() for _ in range(count))
        for worker in pool:
            feed(worker)
        while following < len(items):
            while following in done:
                yield done.pop(following)
                following += 1
            if following >= len(items):
                break
            busy = [w for w in pool if w.jobs]
            now = time.monotonic()
            wait_for = min((w.since + timeout - now for w in busy), default=timeout)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], max(0.0, wait_for))
            for worker in list(busy):
                if worker.conn in ready and worker.conn.poll():
                    if not receive(worker):
                        bury(worker, _how(worker.process))
                elif worker.process.sentinel in ready:
                    while worker.conn.poll() and receive(worker):
                        pass
                    bury(worker, _how(worker.process))
                elif worker.jobs and time.monotonic() - worker.since > timeout:
                    bury(worker, Lost("", timeout))
            while pending and len(pool) < count:
                pool.append(start())
            for worker in pool:
                feed(worker)
    finally:
        for worker in pool:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in pool:
            worker.process.join(1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def _how(process: Any) -> Lost:
    process.join()
    code = process.exitcode
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return Lost(signal.Signals(-code).name)
        return Lost(f"signal {-code}")
    return Lost(f"exit code {code}")
