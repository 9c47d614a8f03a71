"""Where the typed records of a merge wait for the summary: in memory up to a budget, then on disk.

A province-wide merge holds hundreds of thousands of records. Workers send each return's records
packed (one blob per return, :func:`.packing.pack_records`); the first ones, up to
:data:`MEMORY_BUDGET` records, are kept as objects, the rest stay packed in a temporary file
(deleted with the merge result). So the memory
a merge needs stops growing with the number of returns once the budget is reached, and a merge of
ordinary size never touches the disk.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from typing import Any, overload

from ..check import Record
from .packing import PACKING_ERRORS, pack_records, unpack_records

MEMORY_BUDGET = 50_000  # records kept as objects (about 55 MB; 1,250 returns of 40 rows)


class RecordStore:
    """Each return's records by file name."""

    def __init__(self, budget: int | None = None, lazy: bool = False) -> None:
        """``lazy``: packed records within the budget are read when first used, not when added
        (for a run that may not need them: ``status`` asks who returned, not what)."""
        self.budget = MEMORY_BUDGET if budget is None else budget
        self.lazy = lazy
        self._held = 0
        self._objects: dict[str, list[Record]] = {}
        self._packed: dict[str, bytes] = {}  # within the budget, not read yet
        self._spilled: dict[str, tuple[int, int]] = {}  # name -> (offset, length) in the file
        self._counts: dict[str, int] = {}
        self._file: Any = None

    def add(self, name: str, records: list[Record] | bytes, count: int) -> None:
        """Keep the ``count`` records of one return, given as objects or packed."""
        self._counts[name] = count
        # One return larger than the whole budget is read whole later anyway: packing it would
        # only hold it twice for a while.
        if self._held + count <= self.budget or (isinstance(records, list) and count > self.budget):
            self._held += count
            if isinstance(records, list):
                self._objects[name] = records
            elif self.lazy:
                self._packed[name] = records
            else:
                self._objects[name] = unpack_records(records)
            return
        try:
            blob = records if isinstance(records, bytes) else pack_records(records)
        except PACKING_ERRORS:  # a value of a field type's own class: kept as it is
            assert isinstance(records, list)
            self._held += count
            self._objects[name] = records
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="consolidate-records-")  # noqa: SIM115
            # The file lives as long as the store (the merge result): closed, and so deleted, with it.
            weakref.finalize(self, self._file.close)
        self._file.seek(0, 2)
        self._spilled[name] = (self._file.tell(), len(blob))
        self._file.write(blob)
        self._file.flush()  # nothing left in a buffer a forked process would also hold

    def load(self, name: str) -> list[Record]:
        if name in self._objects:
            return self._objects[name]
        if name in self._packed:
            records = self._objects[name] = unpack_records(self._packed.pop(name))
            return records
        if name not in self._spilled:
            return []
        offset, length = self._spilled[name]
        if hasattr(os, "pread"):
            # No shared file position: a forked writer (the summary writer) may read at the same time.
            data = os.pread(self._file.fileno(), length, offset)
        else:  # Windows: no fork either, so one reader at a time
            self._file.seek(offset)
            data = self._file.read(length)
        return unpack_records(data)

    def count(self, name: str) -> int:
        return self._counts.get(name, 0)

    @property
    def spilled(self) -> int:
        """How many returns' records are on disk rather than in memory."""
        return len(self._spilled)


class Records(Sequence[Record]):
    """The records of the returns a merge kept, in unit order, read from the store as iterated."""

    def __init__(self, store: RecordStore, names: list[str]) -> None:
        self.store = store
        self.names = names  # the file kept for each unit that sent one, in the spec's unit order
        self._kept = frozenset(names)  # `of` runs once per unit: no scan of the list each time

    def __iter__(self) -> Iterator[Record]:
        return self.between(0, len(self))

    def __len__(self) -> int:
        return sum(self.store.count(name) for name in self.names)

    @property
    def in_memory(self) -> bool:
        """Whether reading the records again costs no reading from disk (none past the budget)."""
        return self.store.spilled == 0

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        return list(self)[index]

    def between(self, start: int, stop: int) -> Iterator[Record]:
        """Records ``start`` to ``stop`` (as in a slice), reading only the returns they are in."""
        at = 0
        for name in self.names:
            count = self.store.count(name)
            if at + count > start and at < stop:
                records = self.store.load(name)
                yield from records[max(start - at, 0) : stop - at]
            at += count
            if at >= stop:
                return

    def of(self, name: str) -> list[Record]:
        """The records of one kept file."""
        return self.store.load(name) if name in self._kept else []
