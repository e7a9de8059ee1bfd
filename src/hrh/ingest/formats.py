"""The registry of import formats: id → module with ``read(path, countries, options)``.

Modules are imported on first use, so a format's dependencies cost nothing until needed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from hrh.errors import Invalid
from hrh.ingest.base import Reader, StreamingReader


@dataclass(frozen=True)
class Format:
    """An import format users can name on the command line and in the API."""

    id: str
    label: str
    module: str
    options: tuple[str, ...] = ("vintage",)
    streams: bool = False  # ``read`` takes a ``sink`` and hands records on while reading

    def reader(self) -> Reader:
        """Return the format's ``read`` function."""
        mod = importlib.import_module(self.module)
        read: Reader = mod.read
        return read

    def streaming_reader(self) -> StreamingReader:
        """Return ``read`` of a format that streams (``streams=True``)."""
        if not self.streams:
            raise TypeError(f"format {self.id} does not stream")
        mod = importlib.import_module(self.module)
        read: StreamingReader = mod.read
        return read


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("who-gho", "WHO GHO export CSV (HWF_0001…HWF_0009)", "hrh.ingest.who_gho"),
        Format(
            "wdi",
            "World Bank WDI bulk CSV (API_<code>_DS2_…csv) or long Country Code/Year/Value CSV",
            "hrh.ingest.wdi",
            ("vintage", "indicator"),
        ),
        Format(
            "wpp", "UN World Population Prospects CSV (WPP 2022 by age, WPP 2024)", "hrh.ingest.wpp"
        ),
        Format(
            "oecd-wfmi",
            "OECD HEALTH_WFMI (legacy OECD.Stat CSV or SDMX-CSV)",
            "hrh.ingest.oecd_wfmi",
        ),
        Format(
            "owid", "Our World in Data grapher CSV", "hrh.ingest.owid", ("vintage", "indicator")
        ),
        Format(
            "tidy", "HRH Observatory tidy template (CSV or Excel)", "hrh.ingest.tidy", streams=True
        ),
        Format(
            "safeguards-list",
            "WHO Health Workforce Support and Safeguards List (iso3 per row)",
            "hrh.ingest.safeguards",
            ("vintage", "version"),
        ),
    )
}


def get_format(fmt: str) -> Format:
    """Return the format named ``fmt``.

    Raises:
        Invalid: for an unknown format, listing the known ones.
    """
    try:
        return FORMATS[fmt]
    except KeyError:
        raise Invalid(
            f"Unknown import format {fmt!r}.", hint="Known formats: " + ", ".join(FORMATS) + "."
        ) from None
