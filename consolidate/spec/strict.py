"""The pydantic base of every spec section, and validation errors that carry a catalogue message."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from ..text import Msg


class StrictModel(BaseModel):
    """Unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def invalid(key: str, **params: Any) -> PydanticCustomError:
    """A validation error worded by the catalogue (``key``), in the reader's language when shown."""
    return PydanticCustomError("consolidate", "{text}", {"text": Msg(key, **params)})
