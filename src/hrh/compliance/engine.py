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
from datetime import date

from hrh.compliance.rules import CODE, RULES, Context, Rule
from hrh.compliance.vector import evaluate_table
from hrh.domain.finding_table import FindingTable
from hrh.domain.recruitment import Agreement, CodeEdition, Finding, RecruitmentRecord, SafeguardList
from hrh.domain.recruitment_table import RecordTable

__all__ = [
    "RULES",
    "Context",
    "FindingTable",
    "Summary",
    "evaluate",
    "evaluate_columns",
    "evaluate_per_record",
    "summarise",
]


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.organisation, f.record_id, f.rule_id, f.severity))


def evaluate_per_record(
    records: Iterable[RecruitmentRecord], rules: Sequence[Rule], context: Context
) -> list[Finding]:
    """The reference engine: every rule's check on every record, one at a time.

    :func:`evaluate` must return exactly what this returns (tested with Hypothesis).
    """
    out: list[Finding] = []
    for record in records:
        on = context.on(record)
        for rule in rules:
            if rule.in_force(on):
                out.extend(rule.check(rule, record, context))
    return _ordered(out)


class _Memo(Context):
    """The same context, remembering its look-ups (pure functions of their arguments)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx.ssl_lists, ctx.agreements, ctx.editions, ctx.as_of, ctx.organisations)
        object.__setattr__(self, "_ssl", {})
        object.__setattr__(self, "_ed", {})
        object.__setattr__(self, "_cov", {})

    def ssl_at(self, on: date) -> SafeguardList | None:
        memo: dict[date, SafeguardList | None] = self._ssl  # type: ignore[attr-defined]
        if on not in memo:
            memo[on] = super().ssl_at(on)
        return memo[on]

    def edition_at(self, on: date, code: str = CODE) -> CodeEdition | None:
        memo: dict[tuple[date, str], CodeEdition | None] = self._ed  # type: ignore[attr-defined]
        key = (on, code)
        if key not in memo:
            memo[key] = super().edition_at(on, code)
        return memo[key]

    def covering(self, record: RecruitmentRecord, on: date) -> list[Agreement]:
        memo: dict[tuple[str, str, str, date], list[Agreement]] = self._cov  # type: ignore[attr-defined]
        key = (record.candidate_residence, record.destination, record.cadre, on)
        if key not in memo:
            memo[key] = super().covering(record, on)
        return list(memo[key])


def evaluate(
    records: Iterable[RecruitmentRecord] | RecordTable, rules: Sequence[Rule], context: Context
) -> list[Finding]:
    """Return every finding of every rule in force on each record's date, in a stable order.

    The order is (organisation, record id, rule id), so shuffling the records changes nothing.
    The findings of :func:`evaluate_columns`, built as objects; the results are those of
    :func:`evaluate_per_record`.
    """
    return evaluate_columns(records, rules, context).to_list()


def evaluate_columns(
    records: Iterable[RecruitmentRecord] | RecordTable, rules: Sequence[Rule], context: Context
) -> FindingTable:
    """Return the findings of :func:`evaluate` as columns, built as objects only when read.

    Columnar (``hrh.compliance.vector``): the rules run on the records' columns and render
    their explanations and evidence once per distinct combination of what they name; the
    findings are sorted as columns. Pass a :class:`RecordTable` to skip building one from
    record objects; the table's ``rows`` give each finding's record position in it.
    """
    if not isinstance(records, RecordTable):
        records = RecordTable.from_records(list(records))
    return evaluate_table(records, rules, context, _Memo(context))


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
