"""Up and down the chain: ``relay`` makes the county's report from the template the city sent
(:mod:`.relay`, reading it with :mod:`.city` and the county's breakdown with :mod:`.targets`), and
``fill`` writes the county's merged figures back into a copy of the city's template (:mod:`.fill`)."""

from __future__ import annotations

from .city import CityTemplate, read_city
from .fill import FillResult, check_fill_output, fill_template, filled_by_us
from .relay import RelayResult, relay_report, working_days_before

__all__ = [
    "CityTemplate",
    "FillResult",
    "RelayResult",
    "check_fill_output",
    "fill_template",
    "filled_by_us",
    "read_city",
    "relay_report",
    "working_days_before",
]
