"""The spec as every template carries it: packed (zlib + base64) into the ``_consolidate`` sheet.

A 1,000-unit spec is 56 KB of JSON and 9 KB packed; every return carries it and every merge reads
it. Older templates carried the JSON as it is, and still read.
"""

from __future__ import annotations

import base64
import functools
import json
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
    A return is untrusted input: JSON nested beyond reason, or units and items named as files to
    read (which only a report.yaml may do), count as damaged.
    """
    text = (unpack_spec(meta["spec_json_z"]) or "{}") if meta.get("spec_json_z") else meta.get("spec_json", "")
    if not text:
        return ""
    try:
        data = json.loads(text)
    except RecursionError:
        return "{}"
    except ValueError:
        return text  # worded by spec_from_json, with json's own message
    if not isinstance(data, dict) or any(isinstance(data.get(key), str) for key in ("units", "items")):
        return "{}"
    return text
