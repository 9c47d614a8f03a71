"""A seeded mutator of returns for the fuzz test (``tests/test_fuzz.py``): byte flips, XML-level
edits of the sheet, shared strings, styles, workbook and ``_consolidate`` metadata parts, absurd
references and numbers, deep nesting, truncated, missing and duplicated parts.

``mutant(good, seed)`` is a function of its arguments: a failing seed is a reproducer to keep.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import warnings
import zipfile
from collections.abc import Callable

from .hostile import META, SHEET, _meta_value, build, parts

XML_PARTS = (SHEET, "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", META)
ABSURD_REFS = (
    "XFD1048576",
    "A1048577",
    "A99999999999",
    "XFE1",
    "a0",
    "A-1",
    "ZZZZZZZZ1",
    "",
    "A1:XFD1048576",
    "1A",
    "A 1",
    "\u0661\u0662",
    "A1048576:A1",
)
ABSURD_NUMBERS = ("-1", "0", "2147483647", "99999999999999999999", "1e400", "-1e400", "NaN", "inf", "x", "")
META_KEYS = ("rows", "columns", "header_row", "first_data_row", "unit_code", "report_id", "spec_json")
META_VALUES = (
    "[[1e400, 1]]",
    '["A", "B"]',
    "{}",
    "null",
    "[" * 5000,
    '{"A": ' * 3000,
    "-99999999",
    "1e308",
    '[["x", "y"]]',
    '{"A": "no", "ZZZ": "done"}',
    "\u0000",
    "🙂" * 1000,
)


def _xml_edit(rng: random.Random) -> Callable[[bytes], bytes]:
    kind = rng.randrange(9)

    def edit(xml: bytes) -> bytes:
        if not xml:
            return xml
        if kind == 0:  # an absurd cell or range reference
            refs = list(re.finditer(rb'(?:\br|\bref|\bsqref)="[^"]*"', xml))
            if refs:
                m = rng.choice(refs)
                name = m[0].split(b"=")[0]
                return xml[: m.start()] + name + b'="' + rng.choice(ABSURD_REFS).encode() + b'"' + xml[m.end() :]
        if kind == 1:  # an absurd number in an attribute or a value
            nums = list(re.finditer(rb'="-?[0-9.]+"|<v>[^<]*</v>', xml))
            if nums:
                m = rng.choice(nums)
                value = rng.choice(ABSURD_NUMBERS).encode()
                new = b"<v>" + value + b"</v>" if m[0].startswith(b"<v>") else b'="' + value + b'"'
                return xml[: m.start()] + new + xml[m.end() :]
        if kind == 2:  # deep nesting
            depth = rng.choice((500, 5000, 50000))
            cut = xml.rfind(b"</")
            return xml[:cut] + b"<x>" * depth + b"</x>" * depth + xml[cut:] if cut > 0 else xml
        if kind == 3:  # cut short
            return xml[: rng.randrange(len(xml))]
        if kind == 4:  # an element repeated many times
            elements = list(re.finditer(rb"<(c|row|si|xf|sheet|mergeCell)\b[^>]*?(?:/>|>.*?</\1>)", xml, re.S))
            if elements:
                m = rng.choice(elements)
                return xml[: m.end()] + m[0] * rng.choice((2, 100, 5000)) + xml[m.end() :]
        if kind == 5:  # an element dropped
            tags = list(re.finditer(rb"<[^>]+>", xml))
            if tags:
                m = rng.choice(tags)
                return xml[: m.start()] + xml[m.end() :]
        if kind == 6:  # bytes that are not UTF-8, or control characters
            at = rng.randrange(len(xml))
            return xml[:at] + rng.choice((b"\xff\xfe", b"\x00", b"\xc3", b"&#0;", b"&bogus;")) + xml[at:]
        if kind == 7:  # an entity declared inside (billion laughs)
            doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            at = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
            return xml[:at] + doctype + xml[at:].replace(b"<v>", b"<v>&b;", 1)
        return xml.replace(b"<t>", b"<t>" + b"\xe5\x8d\xab" * rng.choice((1000, 100000)), 1)  # a long text

    return edit


def mutant(good: bytes, seed: int) -> bytes:
    """One to three mutations of ``good`` (an .xlsx), chosen by ``seed``."""
    rng = random.Random(seed)
    data = good
    for _ in range(rng.choice((1, 1, 2, 3))):
        kind = rng.randrange(10)
        if kind == 0:  # byte flips anywhere in the file
            buf = bytearray(data)
            for _ in range(rng.choice((1, 3, 30))):
                buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
            data = bytes(buf)
            continue
        try:
            members = parts(data)
        except Exception:
            continue  # flipped past reading: mutate no further
        names = list(members)
        if kind == 1 and names:  # a part missing
            del members[rng.choice(names)]
        elif kind == 2 and names:  # a part twice, the second different
            name = rng.choice(names)
            data = _with_duplicate(members, name, _xml_edit(rng)(members[name]))
            continue
        elif kind == 3:  # metadata values as untrusted input
            with contextlib.suppress(KeyError, UnicodeDecodeError):  # no such row left, or not text
                members[META] = _meta_value(rng.choice(META_KEYS), rng.choice(META_VALUES))(members.get(META, b""))
        else:  # an XML-level edit of one part
            part = rng.choice(XML_PARTS)
            members[part] = _xml_edit(rng)(members.get(part, b""))
        data = build(members)
    return data


def _with_duplicate(members: dict[str, bytes], name: str, second: bytes) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": that is the point
        for member, content in members.items():
            archive.writestr(member, content)
        archive.writestr(name, second)
    return out.getvalue()
