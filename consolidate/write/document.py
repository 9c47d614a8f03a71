"""The progress document (进展情况 / 通报) as a Word file, from the same merge result as the summary.

Laid out as a Chinese official document (GB/T 9704-2012): A4 portrait, margins 37/35/28/26 mm,
the title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号 on a fixed 28.95-point line (22
lines of 28 characters), headings in 黑体 and 楷体_GB2312, page numbers ``— 1 —`` at the outside
foot of each page. Where a font is missing, Word, WPS and LibreOffice substitute one (LibreOffice
with the Noto CJK fonts: Noto Serif CJK SC for 仿宋 and 宋体, Noto Sans CJK SC for 黑体).

Every figure is taken from the merge result as 汇总 shows it (the sums, the rate as the ratio of
the sums, rounded as the workbook's 0.00% shows it), with the same note where it rests on fewer
units than were asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..check import Record
from ..common import KIND_DOCUMENT, MARK, atomic_output, kind_mark, number_text, tidy_number
from ..merge import MergeResult, SummaryRow
from ..spec import FieldSpec, Spec
from ..spec.document import environment
from ..spec.expr import excel_round
from ..spec.roles import Roles
from ..text import CATALOGUE, Lang, t
from .xlsx import fixed_time

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = ("黑体", "楷体_GB2312")  # level 1, level 2
PAGE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_SIZE = Pt(14)  # 四号
LINE = Pt(28.95)  # 22 lines in the 225 mm of text height
TEMPLATES = ("title", "opening", "item_heading", "progress", "narrative", "behind_item", "notice")


def _number(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return number_text(tidy_number(value, 10))


def _percent(value: Any) -> str | None:
    """A rate as the workbook's 0.00% shows it (halves rounded away from zero, as Excel does)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return f"{excel_round(value * 100, 2):.2f}%"


def document_context(result: MergeResult, lang: Lang) -> dict[str, Any]:
    """Everything the document's texts may use (listed in docs/report.md)."""
    spec = result.spec
    names = {u.code: u.name for u in spec.units}
    figures = spec.roles
    as_of = result.data_as_of
    returned = [s for s in result.submissions if s.status in ("returned", "duplicate")]
    errors = {i.unit for i in result.issues if i.level.value == "error"}
    by_item: dict[str, list[Record]] = {}
    for record in result.records:  # in the spec's unit order
        by_item.setdefault(record.item_id or "", []).append(record)
    rows = result.summary if spec.rows == "fixed" else []
    stale = result.not_updated()
    items = [_item(result, row, by_item.get(row.key, []), figures, names, stale) for row in rows]
    assessed = [i for i in items if i["status"] is not None]
    behind_value = figures.status.worst_order[0] if figures.status is not None else None
    return {
        "report": {
            "title": spec.report.title,
            "period": spec.report.period,
            "deadline": _day(spec.report.deadline, lang),
            "issuer": spec.report.issuer,
        },
        "as_of": _day(as_of.date() if as_of else spec.report.deadline, lang) or spec.report.period,
        "units": {
            "expected": len(spec.units),
            "returned": len(returned),
            "on_time": sum(1 for s in returned if not s.overdue),
            "missing": [names[s.unit_code] for s in result.submissions if s.status in ("missing", "blank")],
            "unreadable": [names[s.unit_code] for s in result.submissions if s.status == "unreadable"],
            "late": [names[s.unit_code] for s in returned if s.overdue],
            "errors": [names[s.unit_code] for s in returned if s.unit_code in errors],
        },
        "items": {
            "count": len(items),
            "assessed": bool(assessed),
            "behind": sum(1 for i in assessed if i["status"] == behind_value),
            "on_schedule": sum(1 for i in assessed if i["status"] != behind_value),
        },
        "item_list": items,
        "behind_value": behind_value,
    }


def _day(day: dt.date | None, lang: Lang) -> str:
    if day is None:
        return ""
    return t("mail.date", lang, y=day.year, m=day.month, d=day.day, month=f"{day:%B}")


def _item(
    result: MergeResult,
    row: SummaryRow,
    records: list[Record],
    figures: Roles,
    names: Mapping[str, str],
    stale: Mapping[tuple[str, str, str], str],
) -> dict[str, Any]:
    """One item's figures (as 汇总 has them), its units' reports in unit order, who is behind;
    ``stale``: :meth:`MergeResult.not_updated`."""
    item = result.spec.item_map[row.key]
    values = row.values
    # The units whose figures are in the item's total: they reported it, with the count done.
    counted_units = {r.unit_code for r in records if figures.done is None or r.values.get(figures.done.id) is not None}
    counted = [u for u in item.units if u in counted_units]
    left_out = [names[u] for u in item.units if u not in counted_units]
    narratives = _unit_texts(records, figures.narrative, names)
    problems = _unit_texts(records, figures.problems, names)
    # unit name → the period its text is word for word from (sent back as its template started it)
    unchanged = {
        names[r.unit_code]: stale[key]
        for r in records
        if figures.narrative is not None and (key := (r.unit_code, row.key, figures.narrative.id)) in stale
    }
    behind = []
    if figures.status is not None and figures.status.worst_order:
        worst = figures.status.worst_order[0]
        behind = [names[r.unit_code] for r in records if r.values.get(figures.status.id) == worst]
    # A rate over complete pairs rests on other units than the county's target beside it: the
    # sentence quotes the figures it was computed from (the units that returned), and says so.
    over = row.pairs.get(figures.rate.id, {}) if figures.rate is not None else {}
    return {
        "id": row.key,
        "no": str(values.get(figures.number.id) or "") if figures.number else "",
        "text": result.spec.item_label(item),
        "group": item.group,
        "pairs_done": _number(over.get(figures.done.id)) if figures.done and over else None,
        "pairs_target": _number(over.get(figures.target.id)) if figures.target and over else None,
        "values": dict(values),
        "done": _number(values.get(figures.done.id)) if figures.done else None,
        "target": _number(values.get(figures.target.id)) if figures.target else None,
        "rate": _percent(values.get(figures.rate.id)) if figures.rate else None,
        "measure": str(values.get(figures.measure.id) or "") if figures.measure else "",
        "expected": row.expected_units,
        "reported": row.reported_units,
        "counted": len(counted),
        "partial": len(counted) < row.expected_units,
        "left_out": left_out,
        "status": values.get(figures.status.id) if figures.status else None,
        "behind_units": behind,
        "narratives": narratives,
        "unchanged": unchanged,
        "problems": problems,
    }


def _unit_texts(records: list[Record], field: FieldSpec | None, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """(unit name, text) of ``field`` for each record that has one, in unit order."""
    if field is None:
        return []
    return [(names[r.unit_code], str(r.values[field.id])) for r in records if r.values.get(field.id)]


def item_paragraphs(result: MergeResult, lang: Lang | None = None) -> dict[str, str]:
    """Each item's progress as the document words it (its progress sentence, then its units'
    reports, one a line), by item id: what ``fill`` writes into the city's template."""
    lang = lang or result.spec.lang
    context = document_context(result, lang)
    texts = _texts(result.spec, lang)
    out = {}
    for item in context["item_list"]:
        lines = [texts["progress"].render(context, item=item)]
        lines += [
            texts["narrative"].render(context, item=item, unit=u, text=x, unchanged=item["unchanged"].get(u))
            for u, x in item["narratives"]
        ]
        out[item["id"]] = "\n".join(line for line in lines if line)
    return out


def ranking(result: MergeResult) -> list[tuple[str, str, str, str]]:
    """Units by completion rate, best first, as the merge ranked them (:class:`~consolidate.merge.Rank`):
    a unit whose items are in different units of measure shows no sums ("—")."""
    names = {u.code: u.name for u in result.spec.units}
    return [
        (names[r.unit_code], _number(r.done) or "—", _number(r.target) or "—", _percent(r.rate) or "")
        for r in result.figures.ranking
    ]


# ---------------------------------------------------------------------------------------------
# The Word file


def write_document(result: MergeResult, path: str | Path, lang: Lang | None = None) -> Path:
    """Write the progress document to ``path`` (atomically), in ``lang`` (default: the spec's)."""
    lang = lang or result.spec.lang
    context = document_context(result, lang)
    texts = _texts(result.spec, lang)
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _paragraph(doc, texts["title"].render(context), TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
    _paragraph(doc, texts["opening"].render(context), BODY_FONT, BODY_SIZE)
    _paragraph(doc, t("doc.h.items", lang), HEADING_FONTS[0], BODY_SIZE)
    for item in context["item_list"]:
        _paragraph(doc, texts["item_heading"].render(context, item=item), HEADING_FONTS[1], BODY_SIZE)
        _paragraph(doc, texts["progress"].render(context, item=item), BODY_FONT, BODY_SIZE)
        for unit, text in item["narratives"]:
            said = texts["narrative"].render(
                context, item=item, unit=unit, text=text, unchanged=item["unchanged"].get(unit)
            )
            _paragraph(doc, said, BODY_FONT, BODY_SIZE)
    _paragraph(doc, t("doc.h.behind", lang), HEADING_FONTS[0], BODY_SIZE)
    behind = [i for i in context["item_list"] if context["behind_value"] is not None and i["behind_units"]]
    problems = result.spec.roles.problems
    for item in behind:
        line = texts["behind_item"].render(context, item=item, units=item["behind_units"])
        _paragraph(doc, line, BODY_FONT, BODY_SIZE)
        if problems is not None and item["problems"]:  # what the units say stands in the way
            _paragraph(doc, t("doc.field", lang, label=problems.heading(lang)), BODY_FONT, BODY_SIZE)
            for unit, text in item["problems"]:
                narrative = texts["narrative"].render(context, item=item, unit=unit, text=text, unchanged=None)
                _paragraph(doc, narrative, BODY_FONT, BODY_SIZE)
    if not behind:
        _paragraph(doc, t("doc.no_behind", lang), BODY_FONT, BODY_SIZE)
    _paragraph(doc, t("doc.h.ranking", lang), HEADING_FONTS[0], BODY_SIZE)
    ranked = ranking(result)
    if ranked:
        _ranking_table(doc, ranked, lang)
        if any(r.averaged for r in result.figures.ranking):
            _paragraph(doc, t("doc.ranking_averaged", lang), BODY_FONT, BODY_SIZE)
    else:
        _paragraph(doc, t("doc.no_ranking", lang), BODY_FONT, BODY_SIZE)
    _paragraph(doc, t("doc.h.notice", lang), HEADING_FONTS[0], BODY_SIZE)
    _paragraph(doc, texts["notice"].render(context), BODY_FONT, BODY_SIZE)
    _properties(doc, result.spec)
    path = Path(path)
    with atomic_output(path) as tmp:
        doc.save(tmp)
    return path


class _Text:
    """One of the document's texts: the spec's own wording, else the built-in one."""

    def __init__(self, source: str) -> None:
        self.template = environment().from_string(source)

    def render(self, context: Mapping[str, Any], **extra: Any) -> str:
        return str(self.template.render({**context, **extra})).strip()


def _texts(spec: Spec, lang: Lang) -> dict[str, _Text]:
    own = spec.document
    out = {}
    for key in TEMPLATES:
        source = getattr(own, key, "") if own is not None else ""
        zh, en = CATALOGUE[f"doc.{key}"]
        out[key] = _Text(source or (zh if lang == "zh" else en))
    return out


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # the page number 7 mm below the text block
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: outside is right
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph: Any, align: Any) -> None:
    """``— 1 —`` with the number as a PAGE field, 宋体 四号, on the outside edge."""
    paragraph.alignment = align
    before, after = t("doc.page", "zh").split("{page}")
    _run(paragraph, before, PAGE_FONT, PAGE_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    _fonts(run, PAGE_FONT, PAGE_SIZE)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, after, PAGE_FONT, PAGE_SIZE)


def _fonts(run_element: Any, east_asian: str, size: Any) -> None:
    """A run's fonts set as Word reads them: the East Asian font by name, Latin in Times New Roman."""
    properties = run_element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    for tag in ("w:sz", "w:szCs"):
        element = properties.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            properties.append(element)
        element.set(qn("w:val"), str(int(size.pt * 2)))


def _run(paragraph: Any, text: str, font: str, size: Any) -> Any:
    run = paragraph.add_run(text)
    _fonts(run._r, font, size)
    return run


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _fonts(normal.element, BODY_FONT, BODY_SIZE)


def _paragraph(doc: Any, text: str, font: str, size: Any, align: Any = None, *, indent: bool = True) -> Any:
    paragraph = doc.add_paragraph()
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE if size == BODY_SIZE else Pt(36)
    layout.space_before = layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = Pt(size.pt * 2)  # two characters, as every paragraph begins
    if align is not None:
        paragraph.alignment = align
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if text:
        _run(paragraph, text, font, size)
    return paragraph


def _ranking_table(doc: Any, rows: Sequence[tuple[str, str, str, str]], lang: Lang) -> None:
    keys = ("doc.col.rank", "doc.col.unit", "doc.col.done", "doc.col.target", "doc.col.rate")
    table = doc.add_table(rows=1 + len(rows), cols=len(keys))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells: list[Sequence[str]] = [[t(k, lang) for k in keys]]
    cells += [(str(n), *row) for n, row in enumerate(rows, start=1)]
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, value, HEADING_FONTS[0] if r == 0 else BODY_FONT, Pt(12))


def _properties(doc: Any, spec: Spec) -> None:
    """The document's own properties: its title, and a fixed time (the bytes follow the content)."""
    core = doc.core_properties
    core.title = spec.report.title
    core.author = spec.report.issuer or "consolidate"
    core.last_modified_by = "consolidate"
    core.created = core.modified = fixed_time()
    core.revision = 1
    core.comments, core.keywords = MARK, kind_mark(KIND_DOCUMENT)  # known later as ours (read.ours)
