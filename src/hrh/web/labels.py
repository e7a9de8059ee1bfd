"""Names the pages show for codes: :mod:`hrh.presentation.labels`, under the web's old name.

The labels moved below the front doors so that ``hrh report`` shares them; the web's modules
still import them from here.
"""

from __future__ import annotations

from hrh.presentation.labels import (
    CADRES,
    INDICATOR_LABELS,
    PROFESSION_CADRES,
    SERIES_NAMES,
    SOURCE_USES,
    UNITS,
    WHO_REGION_NAMES,
    country_name,
    indicator_label,
    source_use,
)

__all__ = [
    "CADRES",
    "INDICATOR_LABELS",
    "PROFESSION_CADRES",
    "SERIES_NAMES",
    "SOURCE_USES",
    "UNITS",
    "WHO_REGION_NAMES",
    "country_name",
    "indicator_label",
    "source_use",
]
