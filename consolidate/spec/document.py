"""The ``document:`` section of a report spec: the wording of the Word progress document.

Each key replaces one built-in text (see :mod:`consolidate.text.document`); the texts are Jinja2
templates over the fields documented in ``docs/report.md``, checked when the spec is loaded.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pydantic import field_validator

from .strict import StrictModel as _Model
from .strict import invalid

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


@functools.cache
def environment() -> SandboxedEnvironment:
    """The sandbox: a spec's text can format the figures it is given and nothing else (Jinja2,
    imported when a spec has texts of its own or a document is written)."""
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


class DocumentSpec(_Model):
    """Texts of the progress document; empty texts mean the built-in ones (in the report's language)."""

    title: str = ""
    opening: str = ""
    item_heading: str = ""
    progress: str = ""
    narrative: str = ""
    behind_item: str = ""
    notice: str = ""

    @field_validator("*")
    @classmethod
    def _template(cls, value: Any) -> Any:
        if isinstance(value, str) and value:
            from jinja2 import TemplateSyntaxError

            try:
                environment().parse(value)
            except TemplateSyntaxError as exc:
                raise invalid("spec.bad_template", error=exc.message or "", line=exc.lineno) from None
        return value
