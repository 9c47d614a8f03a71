"""Results → files: templates, feedback files, the summary workbook, its JSON and 明细 as Parquet,
PDF through LibreOffice; with the xlsx helpers and the row writers they share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common import lazy_exports

if TYPE_CHECKING:
    from .document import write_document
    from .feedback import feedback_filename, feedback_filenames, feedback_paths, write_feedback
    from .jsonfile import summary_json, write_json
    from .owned import Claim, check_suffix, claim, claim_text, refuse_strangers, written_by_us
    from .parquet import write_parquet
    from .pdf import OfficeError, find_soffice, to_pdf
    from .rows import RowOptions
    from .specbook import write_spec_workbook, write_spec_yaml
    from .summary import write_summary
    from .template import template_filename, template_filenames, write_template, write_templates

# Imported when first used: a command imports only the writers it needs (no Word or PDF for a merge).
_LAZY = {
    "write_document": "document",
    "feedback_filename": "feedback",
    "feedback_filenames": "feedback",
    "feedback_paths": "feedback",
    "write_feedback": "feedback",
    "summary_json": "jsonfile",
    "write_json": "jsonfile",
    "Claim": "owned",
    "check_suffix": "owned",
    "claim": "owned",
    "claim_text": "owned",
    "refuse_strangers": "owned",
    "written_by_us": "owned",
    "write_parquet": "parquet",
    "OfficeError": "pdf",
    "find_soffice": "pdf",
    "to_pdf": "pdf",
    "RowOptions": "rows",
    "write_spec_workbook": "specbook",
    "write_spec_yaml": "specbook",
    "write_summary": "summary",
    "template_filename": "template",
    "template_filenames": "template",
    "write_template": "template",
    "write_templates": "template",
}

__all__ = [
    "Claim",
    "OfficeError",
    "RowOptions",
    "check_suffix",
    "claim",
    "claim_text",
    "feedback_filename",
    "feedback_filenames",
    "feedback_paths",
    "find_soffice",
    "refuse_strangers",
    "summary_json",
    "template_filename",
    "template_filenames",
    "to_pdf",
    "write_document",
    "write_feedback",
    "write_json",
    "write_parquet",
    "write_spec_workbook",
    "write_spec_yaml",
    "write_summary",
    "write_template",
    "write_templates",
    "written_by_us",
]


__getattr__ = lazy_exports(__name__, _LAZY, globals())
