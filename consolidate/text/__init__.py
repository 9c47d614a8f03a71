"""Every user-facing string, in Chinese (the default) and English, looked up by key.

Workbook labels (:mod:`.labels`), issue messages and fixes (:mod:`.issues`), command-line, spec,
reader and conversion messages (:mod:`.messages`), ``--help`` (:mod:`.help`) and e-mail texts
(:mod:`.mail`), the progress document's wording (:mod:`.document`) and the upload page (:mod:`.serve`) are all here and nowhere else. Code that finds a problem does not word it: it
returns a :class:`Msg` (a key and its values), worded when shown, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .document import DOCUMENT
from .help import HELP
from .issues import FIX_FOR_UNITS, ISSUES, REASON_FOR_UNITS, Code, Entry, Level
from .labels import LABELS
from .mail import MAIL
from .messages import MESSAGES
from .relay import RELAY
from .serve import SERVE

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

CATALOGUE: Mapping[str, tuple[str, str]] = {**LABELS, **MESSAGES, **HELP, **MAIL, **DOCUMENT, **RELAY, **SERVE}

__all__ = [
    "CATALOGUE",
    "FIX_FOR_UNITS",
    "ISSUES",
    "LANGS",
    "REASON_FOR_UNITS",
    "Code",
    "Entry",
    "Joined",
    "Lang",
    "Level",
    "Msg",
    "render",
    "t",
]


def t(key: str, lang: Lang = "zh", /, **params: Any) -> str:
    """The text ``key`` in ``lang``; ``{name}`` placeholders are filled from ``params``.

    A parameter may itself be a :class:`Msg` or :class:`Joined`: it is worded in the same language.
    """
    zh, en = CATALOGUE[key]
    text = zh if lang == "zh" else en
    if not params:
        return text
    return text.format(**{name: render(value, lang) for name, value in params.items()})


class Msg:
    """A message worded when shown: a catalogue key and the values of its placeholders."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def render(self, lang: Lang = "zh") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("zh")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)


class Joined:
    """Several values shown as one text, separated as the language separates them.

    ``sep`` names the separator: ``list`` (、 / ", "), ``clause`` (， / ", ") or ``semi`` (； / "; ").
    """

    __slots__ = ("parts", "sep")

    def __init__(self, parts: Iterable[Any], sep: str = "list") -> None:
        self.parts = tuple(parts)
        self.sep = sep

    def render(self, lang: Lang = "zh") -> str:
        return t(f"sep.{self.sep}", lang).join(str(render(part, lang)) for part in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __str__(self) -> str:
        return self.render("zh")

    def __repr__(self) -> str:
        return f"Joined({self.parts!r}, {self.sep!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.sep) == (other.parts, other.sep)

    def __hash__(self) -> int:
        return hash(self.parts)


def render(value: Any, lang: Lang = "zh") -> Any:
    """A :class:`Msg`, :class:`Joined` or anything else with ``render(lang)`` (an error) worded in
    ``lang``; any other value as it is."""
    if isinstance(value, Msg | Joined):
        return value.render(lang)
    wording = getattr(value, "render", None)
    return wording(lang) if callable(wording) else value
