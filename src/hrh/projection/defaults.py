"""Default years and replicates of a projection run (light: read by ``hrh --help``)."""

from __future__ import annotations

DEFAULT_FROM, DEFAULT_UNTIL = 2025, 2050
"""Base year (stocks at 1 January) and last projected year."""
DEFAULT_REPLICATES = 100
"""Replicates of a stochastic or agent run."""
