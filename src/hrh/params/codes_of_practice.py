"""Load code-of-practice editions from ``data/codes_of_practice.yaml``; errors name file and key.

>>> uk = [e for e in load_editions() if e.code == "uk_code"]
>>> [(e.edition, e.effective.isoformat(), sorted(e.amber)) for e in uk][-1]
('2023', '2023-03-23', ['KEN', 'NPL'])
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from hrh.domain.recruitment import CodeEdition
from hrh.errors import ConfigError

PARAMS_FILE = Path(__file__).parent / "data" / "codes_of_practice.yaml"


def load_editions(path: Path = PARAMS_FILE) -> tuple[CodeEdition, ...]:
    """Return every edition of every code, ordered by code then effective date.

    Raises:
        ConfigError: when the file is malformed (naming the file and the key).
    """
    raw = _load(path)
    out: list[CodeEdition] = []
    for code, node in raw["codes"].items():
        where = f"{path.name}: codes.{code}"
        if not isinstance(node, dict) or not isinstance(node.get("editions"), dict):
            raise ConfigError(f"{where} needs 'title' and a mapping of 'editions'.")
        ref = node.get("reference") or {}
        for name, ed in node["editions"].items():
            out.append(_edition(str(code), node, str(name), ed, f"{where}.editions.{name}", ref))
    return tuple(sorted(out, key=lambda e: (e.code, e.effective)))


def _edition(
    code: str, node: dict[str, Any], name: str, ed: Any, where: str, ref: dict[str, Any]
) -> CodeEdition:
    if not isinstance(ed, dict):
        raise ConfigError(f"{where} must be a mapping.")
    eff = ed.get("effective")
    if not isinstance(eff, date):
        raise ConfigError(f"{where}.effective must be a date (YYYY-MM-DD).")
    amber = ed.get("amber") or []
    if not isinstance(amber, list) or not all(isinstance(c, str) and len(c) == 3 for c in amber):
        raise ConfigError(f"{where}.amber must be a list of ISO3 codes.")
    months: float | None = None
    rep = ed.get("repayment_max_months")
    if rep is not None:
        if not isinstance(rep, dict) or not isinstance(rep.get("value"), int | float):
            raise ConfigError(f"{where}.repayment_max_months needs a numeric 'value'.")
        for meta in ("unit", "description"):
            if not rep.get(meta):
                raise ConfigError(f"{where}.repayment_max_months lacks its '{meta}'.")
        months = float(rep["value"])
    paragraphs = ed.get("paragraphs") or {}
    if not isinstance(paragraphs, dict):
        raise ConfigError(f"{where}.paragraphs must map rule ids to paragraphs.")
    return CodeEdition(
        code=code,
        title=str(node.get("title", code)),
        edition=name,
        effective=eff,
        amber=frozenset(amber),
        repayment_max_months=months,
        voluntary=bool(node.get("voluntary", False)),
        paragraphs={str(k): str(v) for k, v in paragraphs.items()},
        reference=str(ref.get("href", "")),
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read parameters {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), dict):
        raise ConfigError(f"{path.name}: expected a mapping with 'codes'.")
    return raw
