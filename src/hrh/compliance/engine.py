"""Evaluate records against rules: pure, deterministic, independent of record order.

>>> from datetime import date
>>> from hrh.domain.recruitment import RecruitmentRecord
>>> r = RecruitmentRecord("R1", "acme", "agency", "GBR", "KEN", "KEN", "nursing_professionals",
...                       "direct_application", False, date(2024, 1, 1), 150.0, "KES")
>>> [(f.rule_id, f.severity) for f in evaluate([r], RULES, Context())]
[('candidate_fee', 'high')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hrh.compliance.rules import RULES, Context, Rule
from hrh.domain.recruitment import Finding, RecruitmentRecord

__all__ = ["RULES", "Context", "Summary", "evaluate", "summarise"]


def evaluate(
    records: Iterable[RecruitmentRecord], rules: Sequence[Rule], context: Context
) -> list[Finding]:
    """Return every finding of every rule in force on each record's date, in a stable order.

    The order is (organisation, record id, rule id), so shuffling the records changes nothing.
    """
    out: list[Finding] = []
    for record in records:
        on = context.on(record)
        for rule in rules:
            if rule.in_force(on):
                out.extend(rule.check(rule, record, context))
    return sorted(out, key=lambda f: (f.organisation, f.record_id, f.rule_id, f.severity))


@dataclass(frozen=True)
class Summary:
    """Counts of a check: records, records with findings, findings by rule and severity."""

    records: int
    flagged_records: int
    findings: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    notes: int


def summarise(records: Sequence[RecruitmentRecord], findings: Sequence[Finding]) -> Summary:
    """Count the findings (``info`` notes apart) of a check."""
    real = [f for f in findings if f.severity != "info"]
    return Summary(
        records=len(records),
        flagged_records=len({(f.organisation, f.record_id) for f in real}),
        findings=len(real),
        by_rule=dict(sorted(Counter(f.rule_id for f in real).items())),
        by_severity=dict(sorted(Counter(f.severity for f in real).items())),
        notes=len(findings) - len(real),
    )
