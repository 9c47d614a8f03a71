"""The command line's own mistakes (a folder not given, an option misspelt, a value missing) told
in the catalogue's language: what is wrong, the usage line, and where help is.

typer reads the command line and raises its exceptions, which carry English messages; here each
kind is told again from what it carries (the parameter, the option's name, typer's close matches),
and only a kind this module does not know falls back to typer's own words. The usage line itself
(``用法：consolidate merge [选项] 文件夹...``) names each argument as :func:`localise_argument` sets it.
"""

from __future__ import annotations

import importlib
import re
import types
from typing import Any

from ..common import close_matches
from ..text import CATALOGUE, Joined, Lang, t


def click_exceptions() -> Any:
    """The module of the command line's exceptions: typer's own copy of click (typer 0.29 and
    later) or click itself (earlier typer)."""
    try:
        return importlib.import_module("typer._click.exceptions")
    except ImportError:
        return importlib.import_module("click.exceptions")


def meta_of(param: Any, command: str, lang: Lang) -> str | None:
    """What a parameter's value looks like, from the catalogue (``meta.<command>.<name>`` or
    ``meta.<name>``); None where the catalogue has none."""
    for key in (f"meta.{command}.{param.name}", f"meta.{param.name}"):
        if key in CATALOGUE:
            return t(key, lang)
    return None


def name_of(param: Any) -> str:
    """A parameter as a person types it: an option's longest name, an argument's metavar (see
    :func:`localise_argument`)."""
    if getattr(param, "param_type_name", "") == "option":
        return str(max(param.opts, key=len))
    return str(param.metavar or param.name).upper()


def localise_argument(param: Any, command: str, lang: Lang) -> None:
    """An argument shown by its metavar in the catalogue's language, in the usage line
    (``文件夹...``, ``[report.yaml]`` when it may be left out) and in ``--help``'s table."""
    meta = meta_of(param, command, lang) or str(param.name).upper()
    if param.nargs != 1 and not meta.endswith("..."):
        meta += "..."
    param.metavar = meta  # how typer names it in --help's table
    in_usage = meta if param.required or meta.startswith("[") else f"[{meta}]"
    param._usage_display_name = lambda: in_usage
    param.display_type_rich = lambda ctx=None: ""


def _hint(param: Any) -> str:
    return str(param.help or "").strip().rstrip("。.")


def _value_wanted(param: Any, lang: Lang) -> str:
    """What a typed option's value must be: ``整数``, ``不小于 0 的数``."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, types.UnionType):
        annotation = next((a for a in annotation.__args__ if a is not type(None)), None)
    kind = "int" if annotation is int else "number" if annotation is float else ""
    if not kind:
        return ""
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return t(f"cli.usage.{kind}_between", lang, low=low, high=high)
    if low is not None:
        return t(f"cli.usage.{kind}_from", lang, low=low)
    return t(f"cli.usage.{kind}", lang)


def _suggest(names: Any, lang: Lang) -> str:
    chosen = sorted(str(n) for n in names or ())
    return t("cli.usage.did_you_mean", lang, names=Joined(chosen)) if chosen else ""


_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)")
_NO_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'")
_NO_COMMAND_GIVEN = re.compile(r"Missing command")
_NO_VALUE = re.compile(r"does not take a value")


def explain(exc: Any, lang: Lang) -> str:
    """What is wrong with the command line, in one sentence of the catalogue (typer's own words
    only for a kind of error not known here)."""
    ex = click_exceptions()
    message = str(getattr(exc, "message", "") or "")
    if isinstance(exc, ex.MissingParameter) and exc.param is not None:
        param = exc.param
        key = "cli.usage.missing_option" if param.param_type_name == "option" else "cli.usage.missing_argument"
        hint = _hint(param)
        return t(key, lang, name=name_of(param), hint=t("cli.usage.paren", lang, text=hint) if hint else "")
    if isinstance(exc, ex.NoSuchOption):
        return t("cli.usage.no_option", lang, name=exc.option_name) + _suggest(exc.possibilities, lang)
    if isinstance(exc, ex.BadOptionUsage):
        if _NO_VALUE.search(message):
            return t("cli.usage.no_value", lang, name=exc.option_name)
        return t("cli.usage.needs_value", lang, name=exc.option_name)
    if isinstance(exc, ex.BadParameter) and exc.param is not None:
        wanted = _value_wanted(exc.param, lang)
        if wanted:
            return t("cli.usage.bad_number", lang, name=name_of(exc.param), wanted=wanted)
        return t("cli.usage.bad_value", lang, name=name_of(exc.param), detail=message)
    found = _NO_COMMAND.search(message)
    if found:
        known = getattr(getattr(getattr(exc, "ctx", None), "command", None), "commands", {})
        close = close_matches(found["name"], sorted(known), n=3)
        return t("cli.usage.no_command", lang, name=found["name"]) + _suggest(close, lang)
    if _NO_COMMAND_GIVEN.match(message):
        return t("cli.usage.no_command_given", lang)
    found = _EXTRA.search(message)
    if found:
        return t("cli.usage.extra", lang, args=found["args"])
    return message or type(exc).__name__
