"""Load and check the report spec (``report.yaml``).

The YAML is validated with pydantic; every problem is reported with the file, the line and the
key, and unknown keys or ids get a did-you-mean suggestion. Units and items may be inline or come
from .csv/.xlsx tables (see :mod:`.tables`). The result is a resolved :class:`~.model.Spec`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..common import gc_paused, names_like
from ..errors import SpecError, SpecProblem
from ..text import Joined, Msg
from .build import Locator, build_spec
from .model import Spec
from .workbook import load_workbook_spec


class SpecLoader(yaml.SafeLoader):
    """A safe loader with YAML 1.2 booleans: ``no``, ``yes``, ``on``, ``off`` stay strings.

    ``id: no`` (序号) is the first field of most reports; YAML 1.1 would read it as ``false``.
    Dates stay text too: the spec reads them itself (2025年4月15日 as well as 2025-04-15), and
    says plainly when a day does not exist instead of failing inside the YAML reader.
    """


_TEXT_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _FastSpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SpecLoader's YAML 1.2 booleans on libyaml when PyYAML has it."""


_FastSpecLoader.yaml_implicit_resolvers = SpecLoader.yaml_implicit_resolvers


WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


def spec_yaml_text(spec: Spec) -> str:
    """``spec`` as the text of one standalone ``report.yaml``."""
    return yaml.safe_dump(spec.to_dict(), allow_unicode=True, sort_keys=False, width=120)


def spec_file(path: str | Path) -> Path:
    """The spec file ``path`` means: a folder means the ``report.yaml`` (else the ``report.xlsx``) in it."""
    path = Path(path)
    if not path.is_dir():
        return path
    if (path / "report.yaml").exists() or not (path / "report.xlsx").exists():
        return path / "report.yaml"
    return path / "report.xlsx"


def load_spec(path: str | Path) -> Spec:
    """Load ``report.yaml`` (and the tables it names) or ``report.xlsx``; raise :class:`SpecError`
    on any problem. A folder means the ``report.yaml`` (else the ``report.xlsx``) in it."""
    path = spec_file(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES and path.is_file():
        return load_workbook_spec(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError([SpecProblem(str(path), None, "", _not_found(path))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([SpecProblem(str(path), None, "", Msg("spec.cannot_read", error=exc))]) from None
    return parse_spec(text, str(path), base=path.parent)


def _not_found(path: Path) -> Msg:
    """A spec that is not there: where it was looked for, and the specs there most like it
    (``report.xlsx`` for ``report.yaml``, ``report.yaml`` for ``report.yml``)."""
    close = names_like(path, _SPEC_LIKE)
    hint = Msg("spec.not_found_near", names=Joined(close)) if close else ""
    return Msg("spec.not_found", folder=path.parent.absolute(), hint=hint)


_SPEC_LIKE = (".yaml", ".yml", ".json", *WORKBOOK_SUFFIXES)

MAX_SPEC_CHARS = 20_000_000  # a report.yaml of 5,000 units is about 1 MB
MAX_DEPTH = 40  # report > fields > [n] > choices > [n] is 5 levels deep
MAX_VALUES = 2_000_000  # values once every alias (*name) is written out in full


def parse_spec(text: str, filename: str = "report.yaml", base: Path | None = None) -> Spec:
    def stop(line: int | None, message: Msg) -> SpecError:
        return SpecError([SpecProblem(filename, line, "", message)])

    if len(text) > MAX_SPEC_CHARS:
        raise stop(None, Msg("spec.too_large", mb=len(text) // 1_000_000))
    with gc_paused():
        return _parse_spec(text, filename, base, stop)


def _parse_spec(text: str, filename: str, base: Path | None, stop: Callable[[int | None, Msg], SpecError]) -> Spec:
    try:
        data = plain_yaml(text)
    except _TooDeep:
        raise stop(None, Msg("spec.too_deep", limit=MAX_DEPTH)) from None
    except _TooLarge:
        raise stop(None, Msg("spec.too_many_values", limit=f"{MAX_VALUES:,}")) from None
    if data is _NOT_PLAIN:
        data = _loaded(text, stop)
    if not isinstance(data, dict):
        raise stop(1, Msg("spec.not_mapping"))
    return build_spec(data, _YamlLocator(filename, None, text), base or Path("."), Path(filename))


def _loaded(text: str, stop: Callable[[int | None, Msg], SpecError]) -> Any:
    """A spec's YAML read by PyYAML (what :func:`plain_yaml` leaves), every problem said."""
    try:
        # libyaml reads the data (a 1,000-unit spec in a tenth of the time); the line numbers for
        # messages come from a second, pure-Python reading, made only when there is a problem.
        try:
            data = yaml.load(text, Loader=_FastSpecLoader)
        except yaml.YAMLError:
            data = yaml.load(text, Loader=SpecLoader)  # PyYAML's own wording of the problem
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise stop(line, _yaml_problem(exc)) from None
    except RecursionError:
        raise stop(None, Msg("spec.too_deep", limit=MAX_DEPTH)) from None
    except Exception as exc:  # a value the YAML reader cannot build: !!int abc, a 5,000-digit number
        line, value = _unreadable_value(text)
        raise stop(line, Msg("spec.bad_yaml_value", value=value or type(exc).__name__)) from None
    problem = _bounds(data)
    if problem is not None:
        raise stop(None, problem)
    return data


_NOT_PLAIN: Any = object()
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_UNBUILT = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


def plain_yaml(text: str) -> Any:
    """The data of a YAML document as :class:`SpecLoader` reads it, built straight from libyaml's
    events: about twice as fast as PyYAML's nodes for a spec of 50,000 units. Only for the YAML
    specs are written in (one document, no anchors, aliases or explicit tags): anything else,
    and any problem, is :data:`_NOT_PLAIN`, for PyYAML to read and to word. Too deep or too
    large raises ``_TooDeep`` or ``_TooLarge``, as :func:`_bounds` would say."""
    if not hasattr(yaml, "CSafeLoader"):
        return _NOT_PLAIN
    loader = _FastSpecLoader(text)
    resolvers = _FastSpecLoader.yaml_implicit_resolvers
    wildcard = resolvers.get(None, [])
    constructors = _FastSpecLoader.yaml_constructors
    scalar, mapping, sequence = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    skipped = (yaml.StreamStartEvent, yaml.DocumentEndEvent)
    stack: list[Any] = []  # the containers being filled, innermost last
    keys: list[Any] = []  # for each, the key waiting for its value (or _NOT_PLAIN)
    root: Any = _NOT_PLAIN
    documents = values = 0
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None or event.tag is not None:
                    return _NOT_PLAIN
                value = event.value
                if event.implicit[0]:  # plain: a number, a boolean, null, or a text
                    tag = _STR
                    for resolved, pattern in resolvers.get(value[:1], []) + wildcard:
                        if pattern.match(value):
                            tag = resolved
                            break
                    if tag == _NULL:
                        value = None
                    elif tag != _STR:
                        if tag in _UNBUILT or tag not in constructors:
                            return _NOT_PLAIN
                        value = constructors[tag](loader, yaml.ScalarNode(tag, value))
                opened = False
            elif kind is mapping or kind is sequence:
                if event.anchor is not None or event.tag is not None:
                    return _NOT_PLAIN
                value = {} if kind is mapping else []
                opened = True
            elif kind in ends:
                stack.pop()
                keys.pop()
                continue
            elif kind in skipped:
                continue
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return _NOT_PLAIN
                continue
            elif kind is yaml.StreamEndEvent:
                break
            else:  # an alias
                return _NOT_PLAIN
            values += 1
            if values > MAX_VALUES:
                raise _TooLarge
            if len(stack) > MAX_DEPTH:
                raise _TooDeep
            if not stack:
                root = value
            elif stack[-1].__class__ is list:
                stack[-1].append(value)
            elif keys[-1] is _NOT_PLAIN:
                if opened:  # a mapping or a list as a key
                    return _NOT_PLAIN
                keys[-1] = value
            else:
                stack[-1][keys[-1]] = value
                keys[-1] = _NOT_PLAIN
            if opened:
                stack.append(value)
                keys.append(_NOT_PLAIN)
    except (_TooDeep, _TooLarge):
        raise
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(exc):  # libyaml's own limit (1,000), far beyond ours
            raise _TooDeep from None
        return _NOT_PLAIN  # PyYAML says it, with its line
    except Exception:  # a constructor's complaint: PyYAML says it, with its line
        return _NOT_PLAIN
    finally:
        loader.dispose()
    return None if root is _NOT_PLAIN else root


# PyYAML's usual complaints, said as a clerk would understand them (the rest as PyYAML says them).
_YAML_PROBLEMS = (
    (re.compile(r"expected ',' or '\]'"), "spec.yaml_bracket"),
    (re.compile(r"expected ',' or '\}'"), "spec.yaml_brace"),
    (re.compile(r"mapping values are not allowed here"), "spec.yaml_colon"),
    (re.compile(r"found character '\\t'"), "spec.yaml_tab"),
    (re.compile(r"found undefined alias"), "spec.yaml_alias"),
    (re.compile(r"found unexpected end of stream"), "spec.yaml_quote"),
    (re.compile(r"expected <block end>"), "spec.yaml_indent"),
)


def _yaml_problem(exc: yaml.YAMLError) -> Msg:
    problem = str(getattr(exc, "problem", "") or exc)
    for pattern, key in _YAML_PROBLEMS:
        if pattern.search(problem):
            return Msg(key)
    return Msg("spec.yaml_syntax", error=problem)


def _unreadable_value(text: str) -> tuple[int | None, str]:
    """(line, text) of the first value the YAML reader cannot build, found node by node."""
    try:
        loader = SpecLoader(text)
        try:
            root = loader.get_single_node()
            stack = [root] if root is not None else []
            while stack:
                node = stack.pop()
                if isinstance(node, yaml.ScalarNode):
                    try:
                        loader.construct_object(node, deep=True)
                    except Exception:
                        return node.start_mark.line + 1, str(node.value)[:60]
                elif isinstance(node, yaml.SequenceNode):
                    stack.extend(reversed(node.value))
                elif isinstance(node, yaml.MappingNode):
                    stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        finally:
            loader.dispose()
    except Exception:
        pass
    return None, ""


def _bounds(data: Any) -> Msg | None:
    """Too deep, or too large once aliases are written out (a "billion laughs" of a few lines)."""
    sizes: dict[int, int] = {}

    def size(value: Any, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise _TooDeep
        if not isinstance(value, dict | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_VALUES:
                raise _TooLarge
        sizes[id(value)] = total
        return total

    try:
        size(data, 0)
    except _TooDeep:
        return Msg("spec.too_deep", limit=MAX_DEPTH)
    except _TooLarge:
        return Msg("spec.too_many_values", limit=f"{MAX_VALUES:,}")
    return None


class _TooDeep(Exception):
    pass


class _TooLarge(Exception):
    pass


def spec_from_json(text: str) -> Spec:
    """Rebuild a spec embedded in a template's ``_consolidate`` sheet."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SpecError([SpecProblem("<template>", None, "", Msg("spec.embedded_damaged", error=exc))]) from None
    return build_spec(data, _YamlLocator("<template>", None), None, None)


class _YamlLocator(Locator):
    """Locations in a YAML file: its line numbers, composed only when a problem needs them."""

    def __init__(self, filename: str, root: yaml.Node | None, text: str | None = None) -> None:
        self.filename = filename
        self.root = root
        self.text = text  # composed into nodes (with line numbers) when a problem needs them

    def _node(self, loc: Sequence[Any]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The node at ``loc`` (or its closest existing parent), and the key node if any."""
        if self.root is None and self.text is not None:
            try:
                self.root = yaml.compose(self.text, Loader=_FastSpecLoader)  # the same marks, on libyaml
            except yaml.YAMLError:
                self.root = yaml.compose(self.text, Loader=SpecLoader)
            self.text = None
        node = self.root
        key_node: yaml.Node | None = None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == str(part):
                        key_node, node = k, v
                        break
                else:
                    return node, key_node
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return node, key_node
                node, key_node = node.value[part], None
            else:
                continue
        return node, key_node

    def at(self, loc: Sequence[Any]) -> tuple[str, int | None]:
        node, key_node = self._node(loc)
        mark_node = key_node or node
        return self.filename, (mark_node.start_mark.line + 1 if mark_node is not None else None)
