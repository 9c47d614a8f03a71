"""The spec as every template carries it: packed (zlib + base64) into the ``_consolidate`` sheet.

A 1,000-unit spec is 56 KB of JSON and 9 KB packed; every return carries it and every merge reads
it. Older templates carried the JSON as it is, and still read.
"""

from __future__ import annotations

import base64
import functools
import zlib

_PACKED_LIMIT = 64 * 1024 * 1024  # a packed spec unpacks to at most this many bytes


@functools.lru_cache(maxsize=4)  # every template of a run embeds the same spec
def pack_spec(spec_json: str) -> str:
    """A spec's JSON as embedded in templates: zlib, then base64 (plain ASCII text in a cell)."""
    return base64.b64encode(zlib.compress(spec_json.encode("utf-8"), 9)).decode("ascii")


def unpack_spec(packed: str) -> str:
    """The JSON of :func:`pack_spec`; "" when it is damaged (or would unpack beyond reason)."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(packed, validate=True), _PACKED_LIMIT)
        if inflater.unconsumed_tail or not inflater.eof:
            return ""
        return data.decode("utf-8")
    except (ValueError, zlib.error):
        return ""


def embedded_spec_json(meta: dict[str, str]) -> str:
    """The spec a template embedded: packed (current templates) or plain JSON (older ones).

    "" when there is none; "{}" when it is damaged (then reported as a spec that cannot be read).
    """
    if meta.get("spec_json_z"):
        return unpack_spec(meta["spec_json_z"]) or "{}"
    return meta.get("spec_json", "")
