"""The report spec: its model, loading it from YAML with locations, the units and items tables,
expressions, the e-mail sections, and the packed form that templates embed."""

from __future__ import annotations

from .dates import Period, PeriodKind, add_months, normalise_period, parse_day
from .embed import embedded_spec_json, pack_spec, unpack_spec
from .load import load_spec, parse_spec, spec_file, spec_from_json, spec_yaml_text
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .model import (
    FORMAT_VERSION,
    NUMERIC_TYPES,
    Aggregate,
    FieldSpec,
    Item,
    OutlierSpec,
    ReportInfo,
    RuleSpec,
    Spec,
    UnitSpec,
    UpstreamSpec,
)

__all__ = [
    "FORMAT_VERSION",
    "NUMERIC_TYPES",
    "Aggregate",
    "FieldSpec",
    "ImapSpec",
    "Item",
    "MailSpec",
    "OutlierSpec",
    "Period",
    "PeriodKind",
    "ReportInfo",
    "RuleSpec",
    "SmtpSpec",
    "Spec",
    "UnitSpec",
    "UpstreamSpec",
    "add_months",
    "embedded_spec_json",
    "load_spec",
    "normalise_period",
    "pack_spec",
    "parse_day",
    "parse_spec",
    "spec_file",
    "spec_from_json",
    "spec_yaml_text",
    "unpack_spec",
]
