"""One way to use both cores: a process pool whose results come back in input order."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 16  # fewer jobs run in this process: starting a pool costs more than it saves


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
        context = mp.get_context(start_method())
        with ProcessPoolExecutor(count, mp_context=context, initializer=initializer, initargs=initargs) as pool:
            yield from pool.map(fn, items, chunksize=max(1, len(items) // (count * 8)))
    else:
        initializer(*initargs)
        yield from map(fn, items)


def start_method() -> str:
    """fork where it is safe, else spawn.

    fork is fast and needs no ``if __name__ == "__main__"`` in a caller's script; from Python 3.12
    it warns in a process with threads (it may deadlock there), which then spawns.
    """
    single = sys.version_info < (3, 12) or threading.active_count() == 1
    return "fork" if sys.platform == "linux" and single else "spawn"
