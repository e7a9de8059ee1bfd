"""Read practice library entries from YAML: a mapping with a ``practices`` list, or one entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from hrh.domain.practices import Practice, validate_practice
from hrh.errors import Invalid, Problem

#: The bundled seed entries, loaded by ``hrh library load``.
SEED_FILE = Path(__file__).resolve().parents[1] / "reference" / "practices" / "practices.yaml"


def read_practices(path: Path) -> list[Practice]:
    """Return the entries in ``path``; every problem names the file, the entry and the key.

    Raises:
        Invalid: the file cannot be read or parsed, or an entry is not valid.
    """
    name = path.name
    try:
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"Cannot read {name}: {exc}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise Invalid(
            f"{name} is not valid YAML.",
            problems=[Problem(name, line, None, None, f"valid YAML ({exc})")],
        ) from None
    if isinstance(doc, dict) and "practices" in doc:
        raw_entries = doc["practices"]
        if not isinstance(raw_entries, list):
            raise Invalid(
                f"{name}: 'practices' is not a list.",
                problems=[Problem(name, None, "practices", str(raw_entries)[:100], "a list")],
            )
        prefix = "practices"
    elif isinstance(doc, dict):
        raw_entries, prefix = [doc], ""
    else:
        raise Invalid(
            f"{name} holds no practice entry.",
            hint="Write one entry as a mapping, or several under a 'practices' list.",
        )
    out: list[Practice] = []
    problems: list[Problem] = []
    for i, raw in enumerate(raw_entries):
        where = f"{prefix}[{i}]." if prefix else ""
        try:
            out.append(validate_practice(raw, name, where))
        except Invalid as exc:
            problems.extend(exc.problems)
    seen: set[str] = set()
    for i, raw in enumerate(raw_entries):
        code = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(code, str) and code in seen:
            where = f"{prefix}[{i}].id" if prefix else "id"
            problems.append(Problem(name, None, where, code, "an id not used above"))
        seen.add(str(code))
    if problems:
        raise Invalid(
            f"{name}: {len(problems)} problem(s) in the practice entries.",
            hint="See docs/library.md for the keys of an entry.",
            problems=problems,
        )
    return out
