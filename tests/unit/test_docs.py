"""Docs that cannot drift: the registries and the CLI reference match the docs."""

from __future__ import annotations

from pathlib import Path

from hrh.cli.reference import render
from hrh.indicators.registry import INDICATORS
from hrh.ingest.formats import FORMATS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_indicator_is_documented() -> None:
    text = (DOCS / "indicators.md").read_text()
    missing = [i for i in INDICATORS if f"`{i}`" not in text]
    assert missing == []


def test_every_import_format_is_documented() -> None:
    text = (DOCS / "formats.md").read_text()
    missing = [f for f in FORMATS if f"`{f}`" not in text]
    assert missing == []


def test_cli_reference_is_up_to_date() -> None:
    assert (DOCS / "cli.md").read_text() == render(), "run `make docs` to regenerate docs/cli.md"


def test_every_policy_action_is_documented() -> None:
    from hrh.domain.policy import ACTIONS, POLICY

    text = (DOCS / "security.md").read_text()
    assert set(POLICY) == set(ACTIONS)
    assert [a for a in POLICY if f"`{a}`" not in text] == []
