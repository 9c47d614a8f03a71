"""Field types, one module each (frictionless-py keeps them so): ``text``, ``integer``,
``number``, ``percent``, ``date``, ``choice``, ``bool``.

Adding a type is one module here defining ``TYPE`` (a :class:`FieldType`), plus its name in the
catalogue (``type.<name>`` in :mod:`consolidate.text.labels`) and, if it brings one, its issue
code (:mod:`consolidate.text.issues`). Specs, templates, checks and summaries find it here.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import EMPTY, Coerced, FieldOptions, FieldType

__all__ = ["EMPTY", "TYPES", "Coerced", "FieldOptions", "FieldType", "field_type"]


def _discover() -> dict[str, FieldType]:
    found: dict[str, FieldType] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        kind = getattr(importlib.import_module(f"{__name__}.{module}"), "TYPE", None)
        if isinstance(kind, FieldType):
            found[kind.name] = kind
    return found


TYPES: dict[str, FieldType] = _discover()


def field_type(name: str) -> FieldType:
    return TYPES[name]
