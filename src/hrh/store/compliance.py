"""Queries on recruitment records and their findings. Never commits: the caller owns the unit.

Every read takes ``organisation``: None reads all organisations, a name reads only that one's
rows. The services decide which, from the principal's scope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from hrh.domain.recruitment import PERSONAL_FIELDS, Finding, RecruitmentRecord
from hrh.store.tables_compliance import ComplianceFinding as F
from hrh.store.tables_compliance import RecruitmentRecordRow as R


@dataclass(frozen=True)
class StoredCounts:
    """What a store of records did: records written, of which replaced, and findings."""

    records: int
    replaced: int
    findings: int


Sealed = Mapping[tuple[str, str], Mapping[str, str]]
"""(organisation, record id) → personal field → ciphertext (encrypted by the services)."""


def save_records(
    session: Session,
    records: Sequence[RecruitmentRecord],
    findings: Sequence[Finding],
    sealed: Sealed | None = None,
) -> StoredCounts:
    """Insert records (replacing those with the same organisation and id) and their findings.

    ``sealed`` holds the records' personal fields, already encrypted; ``record.personal`` is
    never written.
    """
    sealed = sealed or {}
    now = datetime.now(UTC)
    replaced = 0
    pks: dict[tuple[str, str], int] = {}
    for rec in records:
        old = session.scalar(
            select(R.id).where(R.organisation == rec.organisation, R.record_id == rec.record_id)
        )
        if old is not None:
            session.execute(delete(F).where(F.record_pk == old))
            session.execute(delete(R).where(R.id == old))
            replaced += 1
        row = R(
            organisation=rec.organisation,
            record_id=rec.record_id,
            organisation_type=rec.organisation_type,
            destination=rec.destination,
            candidate_residence=rec.candidate_residence,
            candidate_nationality=rec.candidate_nationality,
            cadre=rec.cadre,
            route=rec.route,
            referral_bonus_paid=rec.referral_bonus_paid,
            recruitment_date=rec.recruitment_date,
            fee_charged_to_candidate=rec.fee_charged_to_candidate,
            fee_currency=rec.fee_currency,
            repayment_clause_amount=rec.repayment_clause_amount,
            repayment_clause_months=rec.repayment_clause_months,
            contract_start=rec.contract_start,
            extra=json.dumps(dict(rec.extra), sort_keys=True, ensure_ascii=False),
            imported_at=now,
            salary_offered=rec.salary_offered,
            domestic_salary=rec.domestic_salary,
            **{
                f"{k}_enc": v
                for k, v in sealed.get((rec.organisation, rec.record_id), {}).items()
                if k in PERSONAL_FIELDS
            },
        )
        session.add(row)
        session.flush()
        pks[(rec.organisation, rec.record_id)] = row.id
    session.add_all(
        F(
            record_pk=pks[(f.organisation, f.record_id)],
            organisation=f.organisation,
            rule_id=f.rule_id,
            severity=f.severity,
            explanation=f.explanation,
            source=f.source[:400],
            evidence=json.dumps(dict(f.evidence), sort_keys=True, ensure_ascii=False),
        )
        for f in findings
    )
    return StoredCounts(len(records), replaced, len(findings))


def _to_record(r: R) -> RecruitmentRecord:
    return RecruitmentRecord(
        r.record_id,
        r.organisation,
        r.organisation_type,
        r.destination,
        r.candidate_residence,
        r.candidate_nationality,
        r.cadre,
        r.route,
        r.referral_bonus_paid,
        r.recruitment_date,
        r.fee_charged_to_candidate,
        r.fee_currency,
        r.repayment_clause_amount,
        r.repayment_clause_months,
        r.contract_start,
        json.loads(r.extra),
        r.salary_offered,
        r.domestic_salary,
    )


def _sealed(r: R) -> dict[str, str]:
    return {k: v for k in PERSONAL_FIELDS if (v := getattr(r, f"{k}_enc"))}


def _to_finding(f: F, record_id: str) -> Finding:
    return Finding(
        record_id,
        f.organisation,
        f.rule_id,
        f.severity,
        f.explanation,
        f.source,
        json.loads(f.evidence),
    )


def get_record(
    session: Session, organisation: str, record_id: str
) -> tuple[RecruitmentRecord, list[Finding], dict[str, str]] | None:
    """Return one record, its findings and its sealed personal fields (ciphertext), or None."""
    row = session.scalar(select(R).where(R.organisation == organisation, R.record_id == record_id))
    if row is None:
        return None
    found = session.scalars(select(F).where(F.record_pk == row.id).order_by(F.rule_id, F.id))
    return _to_record(row), [_to_finding(f, row.record_id) for f in found], _sealed(row)


@dataclass(frozen=True)
class FindingFilter:
    """Filters of the findings list (None: no filter)."""

    organisation: str | None = None
    rule_id: str | None = None
    severity: str | None = None
    destination: str | None = None
    residence: str | None = None
    since: date | None = None
    until: date | None = None
    include_info: bool = False


def _conditions(flt: FindingFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.organisation is not None:
        conds.append(F.organisation == flt.organisation)
    if flt.rule_id:
        conds.append(F.rule_id == flt.rule_id)
    if flt.severity:
        conds.append(F.severity == flt.severity)
    elif not flt.include_info:
        conds.append(F.severity != "info")
    if flt.destination:
        conds.append(R.destination == flt.destination)
    if flt.residence:
        conds.append(R.candidate_residence == flt.residence)
    if flt.since:
        conds.append(R.recruitment_date >= flt.since)
    if flt.until:
        conds.append(R.recruitment_date <= flt.until)
    return conds


def list_findings(
    session: Session, flt: FindingFilter, limit: int, offset: int
) -> tuple[list[Finding], int]:
    """Return a page of findings (ordered by organisation, record, rule) and the total count."""
    base = select(F, R.record_id).join(R, R.id == F.record_pk).where(*_conditions(flt))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(F.organisation, R.record_id, F.rule_id, F.id).limit(limit).offset(offset)
    )
    return [_to_finding(f, rid) for f, rid in rows], int(total)


@dataclass(frozen=True)
class ScoreCell:
    """Counts for one group and year: records, records with findings, findings."""

    group: str
    year: int
    records: int
    flagged_records: int
    findings: int


_GROUPS = {
    "agency": R.organisation,
    "employer": R.organisation,
    "source": R.candidate_residence,
    "destination": R.destination,
}


def score_cells(session: Session, by: str, organisation: str | None) -> list[ScoreCell]:
    """Return counts per group (``by``: agency, employer, source, destination) and year."""
    col = _GROUPS[by]
    year = func.extract("year", R.recruitment_date)
    nfind = (
        select(F.record_pk, func.count().label("n"))
        .where(F.severity != "info")
        .group_by(F.record_pk)
        .subquery()
    )
    q = (
        select(
            col,
            year,
            func.count(R.id),
            func.count(nfind.c.record_pk),
            func.coalesce(func.sum(nfind.c.n), 0),
        )
        .outerjoin(nfind, nfind.c.record_pk == R.id)
        .group_by(col, year)
        .order_by(col, year)
    )
    if by in ("agency", "employer"):
        q = q.where(R.organisation_type == by)
    if organisation is not None:
        q = q.where(R.organisation == organisation)
    return [
        ScoreCell(str(g), int(y), int(n), int(fl), int(nf))
        for g, y, n, fl, nf in session.execute(q)
    ]


def count_records(session: Session, organisation: str | None) -> int:
    """Return how many records are stored (for one organisation, or all)."""
    q = select(func.count(R.id))
    if organisation is not None:
        q = q.where(R.organisation == organisation)
    return int(session.scalar(q) or 0)


def list_records(
    session: Session,
    organisation: str | None,
    *,
    destination: str | None = None,
    until: date | None = None,
) -> list[RecruitmentRecord]:
    """Return the stored records (one organisation's, or all), recruited on or before ``until``."""
    q = select(R).order_by(R.organisation, R.record_id)
    if organisation is not None:
        q = q.where(R.organisation == organisation)
    if destination is not None:
        q = q.where(R.destination == destination)
    if until is not None:
        q = q.where(R.recruitment_date <= until)
    return [_to_record(r) for r in session.scalars(q)]
