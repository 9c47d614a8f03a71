"""Cell notes (comments) packed faster: the same XML XlsxWriter writes for them, each written in
one piece.

The summary's 分单位 carries a note on every unit's total that is left empty (unlike units of
measure): 3,000 notes at 1,000 units, 30,000 at 10,000, each a comment and a VML shape. XlsxWriter
writes each through a dozen method calls; here the parts that never change (the shape's fill,
shadow and text box; a note's text and font, the same for most notes) are written by XlsxWriter's
own methods once and kept, the rest formatted as XlsxWriter formats them.
``tests/test_fastnotes.py`` compares the files with XlsxWriter's own.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import xlsxwriter.packager
from xlsxwriter.comments import Comments
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.vml import Vml


def _written(writer: Any, write: Any) -> str:
    """What ``write()`` writes through ``writer``'s XML methods, as text."""
    before, writer.fh = writer.fh, io.StringIO()
    try:
        write()
        text: str = writer.fh.getvalue()
    finally:
        writer.fh = before
    return text


class FastVml(Vml):  # type: ignore[misc]
    """XlsxWriter's VML drawing of a sheet's notes, a note's shape written in one piece."""

    _inside = ""  # fill, shadow, path and text box: the same in every note's shape

    def _write_comment_shape(self, shape_id: int, z_index: int, comment: Any) -> None:
        if not self._inside:
            self._inside = _written(
                self,
                lambda: (
                    self._write_comment_fill(),
                    self._write_shadow(),
                    self._write_comment_path(None, "none"),
                    self._write_comment_textbox(),
                ),
            )
        left, top, width, height = self._pixels_to_points(comment.vertices)
        visibility = "visible" if comment.is_visible else "hidden"
        col_start, row_start, x1, y1, col_end, row_end, x2, y2 = comment.vertices[:8]
        self.fh.write(
            f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;'
            f"margin-left:{left:.15g}pt;margin-top:{top:.15g}pt;width:{width:.15g}pt;height:{height:.15g}pt;"
            f'z-index:{z_index};visibility:{visibility}" fillcolor="{comment.color._vml_rgb_hex_value()}"'
            f' o:insetmode="auto">{self._inside}<x:ClientData ObjectType="Note"><x:MoveWithCells/>'
            f"<x:SizeWithCells/><x:Anchor>{col_start}, {x1}, {row_start}, {y1}, {col_end}, {x2}, {row_end}, {y2}"
            f"</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{comment.row}</x:Row>"
            f"<x:Column>{comment.col}</x:Column>{'<x:Visible/>' if comment.is_visible else ''}"
            "</x:ClientData></v:shape>"
        )


class FastComments(Comments):  # type: ignore[misc]
    """XlsxWriter's comments part of a sheet, a note's text and font written once for all the
    notes that share them."""

    def __init__(self) -> None:
        super().__init__()
        self._texts: dict[tuple[Any, ...], str] = {}

    def _write_comment(self, comment: Any, author_id: int) -> None:
        key = (comment.text, comment.font_size, comment.font_name, comment.font_family)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = _written(self, lambda: self._write_text(comment))
        author = f' authorId="{author_id}"' if author_id != -1 else ""
        self.fh.write(f'<comment ref="{xl_rowcol_to_cell(comment.row, comment.col)}"{author}>{text}</comment>')


@contextlib.contextmanager
def fast_notes() -> Iterator[None]:
    """XlsxWriter packing notes with :class:`FastVml` and :class:`FastComments` meanwhile."""
    before = xlsxwriter.packager.Vml, xlsxwriter.packager.Comments
    xlsxwriter.packager.Vml, xlsxwriter.packager.Comments = FastVml, FastComments
    try:
        yield
    finally:
        xlsxwriter.packager.Vml, xlsxwriter.packager.Comments = before
