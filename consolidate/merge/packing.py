"""A parsed return as plain values (MessagePack): what the parse cache stores, what a worker
sends of its records, what a large merge keeps on disk. No pickle: reading builds nothing but
texts, numbers, dates and this package's few record types, field by field.

Reading is strict. Whatever is not exactly what :func:`pack_parsed` and :func:`pack_records`
write (a truncated or flipped byte, another program's bytes, a value of the wrong kind in a
field) raises :class:`Damaged`, never another exception and never a half-built return.

Values inside records, cells and messages are texts, numbers, booleans, None, lists and mappings
as MessagePack has them, and these as extension types: dates, times, periods of time, decimals,
tuples, :class:`~consolidate.text.Msg` and :class:`~consolidate.text.Joined`. Anything else (a
field type of one's own with values of its own class) cannot be packed: ``TypeError``, and the
caller keeps the objects instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgpack

from ..check import Issue, Located, Record
from ..check.recognise import RawRow
from ..read import RawBook
from ..text import Code, Joined, Msg

PACKING_ERRORS = (TypeError, ValueError, OverflowError)  # what packing a value it cannot hold raises

_DATE, _DATETIME, _TIME, _TIMEDELTA, _DECIMAL, _TUPLE, _MSG, _JOINED = range(1, 9)


class Damaged(ValueError):
    """Bytes that are not a value this module packed."""


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return msgpack.ExtType(_DATETIME, value.isoformat().encode())
    if isinstance(value, dt.date):
        return msgpack.ExtType(_DATE, value.isoformat().encode())
    if isinstance(value, dt.time):
        return msgpack.ExtType(_TIME, value.isoformat().encode())
    if isinstance(value, dt.timedelta):
        return msgpack.ExtType(_TIMEDELTA, _pack([value.days, value.seconds, value.microseconds]))
    if isinstance(value, Decimal):
        return msgpack.ExtType(_DECIMAL, str(value).encode())
    if isinstance(value, tuple):
        return msgpack.ExtType(_TUPLE, _pack(list(value)))
    if isinstance(value, Msg):
        return msgpack.ExtType(_MSG, _pack([value.key, value.params]))
    if isinstance(value, Joined):
        return msgpack.ExtType(_JOINED, _pack([list(value.parts), value.sep]))
    # strict_types: subclasses come here. An issue code (a StrEnum) is its text; True stays bool.
    for plain in (str, float, int):
        if isinstance(value, plain) and not isinstance(value, bool):
            return plain(value)
    raise TypeError(f"cannot pack {type(value).__name__}")


def _pack(value: Any) -> bytes:
    packed: bytes = msgpack.packb(value, default=_default, strict_types=True, use_bin_type=True, datetime=False)
    return packed


def _ext(code: int, data: bytes) -> Any:
    if code == _DATETIME:
        return dt.datetime.fromisoformat(data.decode())
    if code == _DATE:
        return dt.date.fromisoformat(data.decode())
    if code == _TIME:
        return dt.time.fromisoformat(data.decode())
    if code == _TIMEDELTA:
        days, seconds, micro = _unpack(data)
        return dt.timedelta(days=_int(days), seconds=_int(seconds), microseconds=_int(micro))
    if code == _DECIMAL:
        return Decimal(data.decode())
    if code == _TUPLE:
        return tuple(_list(_unpack(data)))
    if code == _MSG:
        key, params = _unpack(data)
        return Msg(_str(key), **{_str(k): v for k, v in _dict(params).items()})
    if code == _JOINED:
        parts, sep = _unpack(data)
        return Joined(_list(parts), _str(sep))
    raise Damaged(f"unknown extension type {code}")


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, ext_hook=_ext, raw=False, strict_map_key=False, use_list=True, timestamp=0)


def _read(data: Any) -> Any:
    """Unpack, every failure (of MessagePack or of a value inside) as :class:`Damaged`."""
    if not isinstance(data, bytes):
        raise Damaged("not bytes")
    try:
        return _unpack(data)
    except Damaged:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        OverflowError,
        InvalidOperation,
        msgpack.UnpackException,
    ) as exc:
        raise Damaged(f"{type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------------------------------------
# Checking what was read, field by field


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Damaged("expected a text")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Damaged("expected a whole number")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Damaged("expected a list")
    return value


def _dict(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise Damaged("expected a mapping")
    return value


def _texts(value: Any) -> dict[str, Any]:
    """A mapping keyed by texts (field ids, cells)."""
    out = _dict(value)
    for key in out:
        _str(key)
    return out


def _fields(value: Any, count: int) -> list[Any]:
    out = _list(value)
    if len(out) != count:
        raise Damaged(f"expected {count} fields, found {len(out)}")
    return out


def _time(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise Damaged("expected a time")
    return value


def _opt_time(value: Any) -> dt.datetime | None:
    return None if value is None else _time(value)


def _msg(value: Any) -> Msg:
    if not isinstance(value, Msg):
        raise Damaged("expected a message")
    return value


def _opt_msg(value: Any) -> Msg | None:
    return None if value is None else _msg(value)


# ---------------------------------------------------------------------------------------------
# Records


def pack_records(records: list[Record]) -> bytes:
    """One return's typed records (``TypeError``/``ValueError``/``OverflowError`` when a value
    cannot be packed).

    The unit, file and sheet of its records, and the field ids of their values, are written once
    per return and read back as one text each, shared by every record (as a pickle's memo did):
    40,000 records would otherwise hold 400,000 copies of "done" and "progress".
    """
    origins: dict[tuple[str, str, str], int] = {}
    keysets: dict[tuple[str, ...], int] = {}
    rows = []
    for r in records:
        origin = origins.setdefault((r.unit_code, r.file, r.sheet), len(origins))
        keys = keysets.setdefault(tuple(r.values), len(keysets))
        rows.append([origin, keys, r.item_id, r.row, list(r.values.values())])
    return _pack([[list(o) for o in origins], [list(k) for k in keysets], rows])


def unpack_records(data: bytes) -> list[Record]:
    """What :func:`pack_records` packed, or :class:`Damaged`."""
    origins_, keysets_, rows = _fields(_read(data), 3)
    origins = []
    for origin in _list(origins_):
        unit, file, sheet = _fields(origin, 3)
        origins.append((_str(unit), _str(file), _str(sheet)))
    keysets = [tuple(_str(k) for k in _list(keys)) for keys in _list(keysets_)]
    out = []
    for entry in _list(rows):
        # The checks of _fields, _str and _int inline: a large merge reads millions.
        if type(entry) is not list or len(entry) != 5:
            raise Damaged("not a record")
        origin, keys, item, row, values = entry
        if (
            type(origin) is not int
            or type(keys) is not int
            or not 0 <= origin < len(origins)
            or not 0 <= keys < len(keysets)
            or (item is not None and type(item) is not str)
            or type(row) is not int
            or type(values) is not list
            or len(values) != len(keysets[keys])
        ):
            raise Damaged("not a record")
        unit, file, sheet = origins[origin]
        out.append(Record(unit, item, file, sheet, row, dict(zip(keysets[keys], values, strict=True))))
    return out


# ---------------------------------------------------------------------------------------------
# A parsed return (its records packed apart, as a worker sent them)


def _plain_issue(issue: Issue) -> list[Any]:
    return [
        str(issue.code),
        issue.unit,
        issue.file,
        issue.sheet,
        issue.cell,
        issue.field,
        issue.value,
        dict(issue.params),
    ]


def _issue(value: Any) -> Issue:
    code, unit, file, sheet, cell, field, shown, params = _fields(value, 8)
    try:
        known = Code(_str(code))
    except ValueError:
        raise Damaged("unknown issue code") from None
    return Issue(known, _str(unit), _str(file), _str(sheet), _str(cell), _str(field), _str(shown), _texts(params))


def _plain_book(book: RawBook) -> list[Any]:
    if book.sheets:
        raise TypeError("a parsed return keeps no sheets")
    return [
        str(book.path),
        book.name,
        book.sha256,
        book.modified,
        book.meta,
        book.saved,
        book.received,
        book.notes,
        book.received_via,
    ]


def _book(value: Any) -> RawBook:
    path, name, sha256, modified, meta, saved, received, notes, via = _fields(value, 9)
    meta = _texts(meta)
    for text in meta.values():
        _str(text)
    return RawBook(
        Path(_str(path)),
        _str(name),
        _str(sha256),
        _time(modified),
        [],
        meta,
        _opt_time(saved),
        _opt_time(received),
        [_msg(note) for note in _list(notes)],
        _str(via),
    )


def _plain_located(found: Located) -> list[Any]:
    return [
        _plain_book(found.book),
        found.unit_code,
        found.sheet,
        found.header_row,
        found.columns,
        [[raw.row, raw.item_id, raw.cells] for raw in found.rows],
        found.contact,
        found.phone,
        [_plain_issue(i) for i in found.issues],
        found.formulas,
        found.blank,
    ]


def _located(value: Any) -> Located:
    book, unit, sheet, header, columns, rows, contact, phone, issues, formulas, blank = _fields(value, 11)
    if type(blank) is not bool:
        raise Damaged("not a yes or no")
    columns = _texts(columns)
    for column in columns.values():
        _int(column)
    formulas = _texts(formulas)
    for text in formulas.values():
        _str(text)
    raw_rows = []
    for entry in _list(rows):
        row, item, cells = _fields(entry, 3)
        raw_rows.append(RawRow(_int(row), _opt_str(item), _texts(cells)))
    return Located(
        _book(book),
        _str(unit),
        _str(sheet),
        _int(header),
        columns,
        raw_rows,
        _str(contact),
        _str(phone),
        [_issue(i) for i in _list(issues)],
        formulas,
        blank,
    )


_PARSED = "parsed-2"  # what pack_parsed writes first: a value of another layout is not read as this one


def pack_parsed(
    name: str,
    sha256: str,
    failure: Msg | None,
    located: Located | None,
    locate_issues: list[Issue],
    check_issues: list[Issue],
    records: bytes | None,
    record_count: int,
) -> bytes:
    """A parsed return, its records as :func:`pack_records` packed them (``TypeError``... as there).

    The records keep a sha256 of their own: they are packed in the worker, apart from the rest.
    """
    return _pack(
        [
            _PARSED,
            name,
            sha256,
            failure,
            None if located is None else _plain_located(located),
            [_plain_issue(i) for i in locate_issues],
            [_plain_issue(i) for i in check_issues],
            None if records is None else hashlib.sha256(records).digest() + records,
            record_count,
        ]
    )


def unpack_parsed(
    data: bytes,
) -> tuple[str, str, Msg | None, Located | None, list[Issue], list[Issue], bytes | None, int]:
    """What :func:`pack_parsed` packed, or :class:`Damaged`; its records stay packed.

    The records are checked against their own sha256 and counted, not read: who only asks who
    returned what (``status``) never needs them, and a merge reads them when it reaches them
    (:func:`unpack_records`, as it reads the records a worker sent).
    """
    layout, name, sha256, failure, located, locate_issues, check_issues, records, count = _fields(_read(data), 9)
    if layout != _PARSED:
        raise Damaged("another layout")
    if records is not None:
        if not isinstance(records, bytes) or hashlib.sha256(records[32:]).digest() != records[:32]:
            raise Damaged("the records do not match their hash")
        records = records[32:]
    if (0 if records is None else records_count(records)) != _int(count):
        raise Damaged("records missing")
    return (
        _str(name),
        _str(sha256),
        _opt_msg(failure),
        None if located is None else _located(located),
        [_issue(i) for i in _list(locate_issues)],
        [_issue(i) for i in _list(check_issues)],
        records,
        count,
    )


def records_count(data: bytes) -> int:
    """How many records :func:`pack_records` packed in ``data``, without reading them (or :class:`Damaged`)."""
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=max(len(data), 1))
    unpacker.feed(data)
    try:
        if unpacker.read_array_header() != 3:
            raise Damaged("not records")
        unpacker.skip()  # the origins
        unpacker.skip()  # the field ids
        count: int = unpacker.read_array_header()
        for _ in range(count):
            unpacker.skip()
        if unpacker.tell() != len(data):
            raise Damaged("more than records")
    except (ValueError, TypeError, msgpack.UnpackException) as exc:
        raise Damaged(f"{type(exc).__name__}: {exc}") from None
    return count
