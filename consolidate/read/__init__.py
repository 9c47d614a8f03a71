"""Files → raw cells: where returns come from (folders, archives), what each file really is,
decryption, safety scans of the package, and python-calamine or CSV reading. Nothing here
knows the spec; a file that cannot be read becomes a :class:`ReadFailure` with its reason."""

from __future__ import annotations

from .book import PASSED_OVER, RawBook, RawSheet, ReadFailure, file_sha256, read_book
from .received import received_log, received_via
from .sources import Source, SourceFailure, discover

__all__ = [
    "PASSED_OVER",
    "RawBook",
    "RawSheet",
    "ReadFailure",
    "Source",
    "SourceFailure",
    "discover",
    "file_sha256",
    "read_book",
    "received_log",
    "received_via",
]
