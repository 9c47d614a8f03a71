"""The wording of the Word progress document (进展情况 / 通报): Jinja2 templates, Chinese and English.

A spec's ``document:`` section replaces any of the ``doc.*`` texts that are templates (title,
opening, item_heading, progress, narrative, behind_item, notice); the fields they see are listed
in docs/report.md. The headings and table titles are plain labels.
"""

from __future__ import annotations

DOCUMENT: dict[str, tuple[str, str]] = {
    "doc.title": ("{{ report.title }}", "{{ report.title }}"),
    "doc.opening": (
        "截至{{ as_of }}，应报送{{ units.expected }}个单位，已报送{{ units.returned }}个，其中按时报送"
        "{{ units.on_time }}个。{% if items.assessed %}共{{ items.count }}个事项，进度正常或超前的"
        "{{ items.on_schedule }}个，滞后的{{ items.behind }}个。{% endif %}现将进展情况报告如下。",
        "As of {{ as_of }}, {{ units.returned }} of the {{ units.expected }} units have returned the report, "
        "{{ units.on_time }} of them on time.{% if items.assessed %} Of the {{ items.count }} items, "
        "{{ items.on_schedule }} are on schedule or ahead and {{ items.behind }} behind.{% endif %} "
        "The progress is as follows.",
    ),
    "doc.item_heading": (
        "{% if item.no %}{{ item.no }}.{% endif %}{{ item.text }}",
        "{% if item.no %}{{ item.no }}. {% endif %}{{ item.text }}",
    ),
    # Each clause says which units its figures rest on: the count done (the units with a valid
    # figure), the target (every unit asked), the rate (the units with both, complete pairs).
    "doc.progress": (
        "进展情况：{% if item.done is not none %}累计完成{{ item.done }}{{ item.measure }}"
        "{% if item.partial %}（{{ item.expected }}个应报单位中{{ item.counted }}个单位的有效数据"
        "{% if item.left_out %}，未计入：{{ item.left_out | join('、') }}{% endif %}）{% endif %}"
        "{% if item.target is not none %}{% if item.partial %}，年度目标{{ item.target }}{{ item.measure }}"
        "（全部{{ item.expected }}个单位）{% else %}（年度目标{{ item.target }}{{ item.measure }}）{% endif %}{% endif %}"
        "{% if item.rate is not none %}{% if item.pairs_target is not none %}；按数据有效的单位计算，累计完成"
        "{{ item.pairs_done }}{{ item.measure }}，占这些单位年度目标{{ item.pairs_target }}{{ item.measure }}的"
        "{{ item.rate }}{% else %}，完成年度目标的{{ item.rate }}{% endif %}{% endif %}。"
        "{% elif item.partial %}{% if item.target is not none %}年度目标{{ item.target }}{{ item.measure }}；"
        "{% endif %}{% if item.counted %}{{ item.expected }}个应报单位中{{ item.counted }}个单位有有效数据"
        "{% else %}尚无单位报送有效数据{% endif %}"
        "{% if item.left_out %}，未计入：{{ item.left_out | join('、') }}{% endif %}。{% endif %}",
        "Progress: {% if item.done is not none %}{{ item.done }}{% if item.measure %} {{ item.measure }}{% endif %} "
        "done so far{% if item.partial %} (the valid figures of {{ item.counted }} of the {{ item.expected }} units"
        "{% if item.left_out %}; not counted: {{ item.left_out | join(', ') }}{% endif %}){% endif %}"
        "{% if item.target is not none %}{% if item.partial %}, annual target {{ item.target }}"
        " (all {{ item.expected }} units){% else %} (annual target {{ item.target }}){% endif %}{% endif %}"
        "{% if item.rate is not none %}{% if item.pairs_target is not none %}; over the units with valid figures, "
        "{{ item.pairs_done }} done of their target of {{ item.pairs_target }}, {{ item.rate }}"
        "{% else %}, {{ item.rate }} of the annual target{% endif %}{% endif %}."
        "{% elif item.partial %}{% if item.target is not none %}Annual target {{ item.target }}"
        "{% if item.measure %} {{ item.measure }}{% endif %}; {% endif %}"
        "{% if item.counted %}{{ item.counted }} of the {{ item.expected }} units have valid figures"
        "{% else %}no unit has returned valid figures yet{% endif %}"
        "{% if item.left_out %}; not counted: {{ item.left_out | join(', ') }}{% endif %}.{% endif %}",
    ),
    "doc.ranking_averaged": (
        "注：各单位承担的事项计量单位不同（如人、处），不能相加，完成率为该单位各事项完成率的平均值。",
        "Note: a unit's items are in different units of measure (people, sites…), which cannot be added up; "
        "its completion is the mean of its items' rates.",
    ),
    # ``unchanged``: the period the unit's text is word for word from (sent back as its template
    # started it), else none.
    "doc.narrative": (
        "【{{ unit }}】{{ text }}{% if unchanged %}（与{{ unchanged }}报送的内容相同，本期未更新）{% endif %}",
        "[{{ unit }}] {{ text }}{% if unchanged %} (word for word as returned for {{ unchanged }}: not updated)"
        "{% endif %}",
    ),
    "doc.behind_item": (
        "{% if item.no %}{{ item.no }}.{% endif %}{{ item.text }}（滞后单位：{{ units | join('、') }}）",
        "{% if item.no %}{{ item.no }}. {% endif %}{{ item.text }} (behind: {{ units | join(', ') }})",
    ),
    "doc.notice": (
        "{% if units.missing %}截至{{ as_of }}，{{ units.missing | join('、') }}尚未报送。{% endif %}"
        "{% if units.unreadable %}{{ units.unreadable | join('、') }}报送的文件无法读取，需重新报送。{% endif %}"
        "{% if units.late %}{{ units.late | join('、') }}逾期报送。{% endif %}"
        "{% if units.errors %}{{ units.errors | join('、') }}报送的数据有错误，需修改后重新报送。{% endif %}"
        "{% if not (units.missing or units.unreadable or units.late or units.errors) %}各单位均已按时、准确报送。{% endif %}",
        "{% if units.missing %}As of {{ as_of }}, {{ units.missing | join(', ') }} had not returned the report. "
        "{% endif %}{% if units.unreadable %}The files of {{ units.unreadable | join(', ') }} cannot be read and "
        "must be sent again. {% endif %}{% if units.late %}{{ units.late | join(', ') }} returned it late. {% endif %}"
        "{% if units.errors %}The returns of {{ units.errors | join(', ') }} have errors to correct. {% endif %}"
        "{% if not (units.missing or units.unreadable or units.late or units.errors) %}Every unit returned it "
        "correctly and on time.{% endif %}",
    ),
    # Headings and labels
    "doc.field": ("{label}：", "{label}:"),
    "doc.h.items": ("一、各事项进展情况", "1. Progress by item"),
    "doc.h.behind": ("二、进度滞后的事项", "2. Items behind schedule"),
    "doc.h.ranking": ("三、各单位完成情况排名", "3. Units ranked by completion"),
    "doc.h.notice": ("四、报送情况通报", "4. Returns"),
    "doc.no_behind": ("没有进度滞后的事项。", "No item is behind schedule."),
    "doc.col.rank": ("名次", "Rank"),
    "doc.col.unit": ("单位", "Unit"),
    "doc.col.done": ("累计完成", "Done"),
    "doc.col.target": ("年度目标", "Target"),
    "doc.col.rate": ("完成率", "Completion"),
    "doc.no_ranking": (
        "本报表没有可以计算完成率的数字栏目，不作排名。",
        "This report has no figures to compute a completion rate from: no ranking.",
    ),
    "doc.page": ("— {page} —", "— {page} —"),
    "doc.file_name": ("进展情况.docx", "progress.docx"),
}
