"""Tables of the compliance part (declared on the shared `Base`; imported by `hrh.store.schema`).

``extra`` keeps the columns beyond the template as JSON text. The candidate's personal fields
(``*_enc``) hold only ciphertext (AES-256-GCM, ``hrh.services.keys.FieldCipher``); the store
never sees them in clear. Organisations and agreements are the registries the rules read.
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

__all__ = [
    "AgreementOverrideRow",
    "AgreementRow",
    "Base",
    "ComplianceFinding",
    "OrganisationListingRow",
    "OrganisationRow",
    "RecruitmentRecordRow",
]


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
    salary_offered: Mapped[float | None] = mapped_column(Float, nullable=True)
    domestic_salary: Mapped[float | None] = mapped_column(Float, nullable=True)
    candidate_name_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    candidate_email_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    candidate_birth_date_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes_enc: Mapped[str | None] = mapped_column(Text, nullable=True)


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


class OrganisationRow(Base):
    """A recruitment agency or employer (records link to it by name)."""

    __tablename__ = "compliance_organisations"
    __table_args__ = (UniqueConstraint("name", name="uq_compliance_organisations_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrganisationListingRow(Base):
    """A period during which an organisation was on the ethical recruiters list."""

    __tablename__ = "compliance_organisation_listings"
    __table_args__ = (Index("ix_compliance_organisation_listings_org", "organisation_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_pk: Mapped[int] = mapped_column(ForeignKey("compliance_organisations.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(400))


class AgreementRow(Base):
    """A government-to-government agreement or MoU (``cadres``, ``routes``: ``;`` separated)."""

    __tablename__ = "compliance_agreements"
    __table_args__ = (UniqueConstraint("agreement_id", name="uq_compliance_agreements_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(String(80))
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    cadres: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    kind: Mapped[str] = mapped_column(String(10))
    routes: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(400))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgreementOverrideRow(Base):
    """A local change to an agreement (``change``: ``edited`` or ``deleted``).

    ``hrh load reference`` reads it so that it never reverts an edit nor resurrects a deleted
    bundled agreement; an explicit import of the id clears it.
    """

    __tablename__ = "compliance_agreement_overrides"
    __table_args__ = (
        UniqueConstraint("agreement_id", name="uq_compliance_agreement_overrides_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(String(80))
    change: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
