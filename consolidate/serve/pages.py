"""The pages, as HTML: Jinja2 templates in ``pages/`` (autoescaped), every word from the
catalogue (:mod:`consolidate.text.serve`) in the spec's language. Plain HTML with a little inline
script for dragging a file in: nothing is loaded from anywhere else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..check import Level
from ..merge import MergeResult
from ..spec import Spec, UnitSpec
from ..text import Lang, t
from .tokens import Links
from .uploads import Outcome

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "pages"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _render(name: str, lang: Lang, **values: Any) -> str:
    def words(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    return _ENV.get_template(name).render(_=words, lang=lang, **values)


def unit_page(spec: Spec, unit: UnitSpec, base: str, uploads: list[Outcome], shown: Outcome | None, max_mb: int) -> str:
    lang = spec.lang
    current = next((o.id for o in reversed(uploads) if o.status == "accepted"), "")
    return _render(
        "unit.html",
        lang,
        title=f"{spec.report.title} — {unit.name}",
        spec=spec,
        unit=unit,
        base=base,
        uploads=list(reversed(uploads)),
        shown=shown,
        current=current,
        max_mb=max_mb,
        max_bytes=max_mb * 1024 * 1024,
        too_large=t("serve.refused.too_large", lang, mb=max_mb),
        failed=t("serve.page.failed", lang),
    )


def message_page(spec: Spec, message: str, title: str | None = None) -> str:
    return _render("message.html", spec.lang, title=spec.report.title if title is None else title, message=message)


@dataclass
class Counts:
    expected: int
    returned: int
    on_time: int
    errors: int
    missing: int


def admin_page(
    spec: Spec,
    base: str,
    links: Links,
    result: MergeResult | None,
    uploads: list[Outcome],
    folder: Path,
    error: str = "",
) -> str:
    lang = spec.lang
    last = {o.unit: o for o in uploads}  # oldest first: the last one stays
    rows = []
    counts = Counts(len(spec.units), 0, 0, 0, 0)
    missing_codes = [u.code for u in spec.units]
    if result is not None:
        errors: dict[str, int] = {}
        warnings: dict[str, int] = {}
        for issue in result.issues:
            if issue.level is Level.ERROR:
                errors[issue.unit] = errors.get(issue.unit, 0) + 1
            elif issue.level is Level.WARNING:
                warnings[issue.unit] = warnings.get(issue.unit, 0) + 1
        missing_codes = []
        for sub in result.submissions:
            unit = spec.unit_map[sub.unit_code]
            returned = sub.status in ("returned", "duplicate")
            if returned:
                counts.returned += 1
                counts.on_time += 0 if sub.overdue else 1
                counts.errors += 1 if errors.get(sub.unit_code) else 0
            else:
                missing_codes.append(sub.unit_code)
            upload = last.get(sub.unit_code)
            rows.append(
                {
                    "code": sub.unit_code,
                    "name": unit.name,
                    "status": t(f"status.{sub.status}", lang),
                    "received": f"{sub.received:%Y-%m-%d %H:%M}" if returned and sub.received else "",
                    "returned": returned,
                    "overdue": sub.overdue,
                    "errors": errors.get(sub.unit_code, 0),
                    "warnings": warnings.get(sub.unit_code, 0),
                    "last": f"{upload.time.replace('T', ' ')[:16]} {upload.result_text(lang)}" if upload else "",
                }
            )
        counts.missing = len(missing_codes)
    missing = [{"name": spec.unit_map[c].name, "link": links.unit_link(c)} for c in missing_codes]
    return _render(
        "admin.html",
        lang,
        title=t("serve.admin.title", lang),
        spec=spec,
        base=base,
        rows=rows,
        counts=counts,
        missing=missing,
        folder=str(folder.absolute()),
        error=error,
    )
