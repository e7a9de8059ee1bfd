"""Tables of the compliance part (declared on the shared `Base`; imported by `hrh.store.schema`).

Recruitment records hold no names or contacts. ``extra`` keeps the columns beyond the template
as JSON text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hrh.store.tables import Base

__all__ = ["Base", "ComplianceFinding", "RecruitmentRecordRow"]


class RecruitmentRecordRow(Base):
    """One international recruitment reported by an organisation."""

    __tablename__ = "recruitment_records"
    __table_args__ = (
        UniqueConstraint("organisation", "record_id", name="uq_recruitment_records_org_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(120))
    record_id: Mapped[str] = mapped_column(String(80))
    organisation_type: Mapped[str] = mapped_column(String(10))
    destination: Mapped[str] = mapped_column(String(3))
    candidate_residence: Mapped[str] = mapped_column(String(3))
    candidate_nationality: Mapped[str] = mapped_column(String(3))
    cadre: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(20))
    referral_bonus_paid: Mapped[bool] = mapped_column(Boolean)
    recruitment_date: Mapped[date] = mapped_column(Date)
    fee_charged_to_candidate: Mapped[float] = mapped_column(Float)
    fee_currency: Mapped[str] = mapped_column(String(3))
    repayment_clause_amount: Mapped[float] = mapped_column(Float)
    repayment_clause_months: Mapped[float] = mapped_column(Float)
    contract_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    extra: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ComplianceFinding(Base):
    """A rule's finding about one stored record (organisation copied for scoped queries)."""

    __tablename__ = "compliance_findings"
    __table_args__ = (
        Index("ix_compliance_findings_org_rule", "organisation", "rule_id"),
        Index("ix_compliance_findings_record", "record_pk"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("recruitment_records.id"))
    organisation: Mapped[str] = mapped_column(String(120))
    rule_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    explanation: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(400))
    evidence: Mapped[str] = mapped_column(Text)
