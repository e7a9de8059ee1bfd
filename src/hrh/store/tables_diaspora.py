"""Tables of the diaspora part (declared on the shared `Base`; imported by `hrh.store.schema`).

Personal fields (``*_enc``) hold AES-GCM ciphertext from ``hrh.services.keys``; the other
columns are coarse, non-identifying attributes that matching and statistics need.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hrh.store.tables import Base


class DiasporaProfile(Base):
    """A registered professional: pseudonymous id, matching attributes, encrypted personal data."""

    __tablename__ = "diaspora_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(40), unique=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    cadre: Mapped[str] = mapped_column(String(40))
    specialty: Mapped[str] = mapped_column(String(120), default="")
    origin: Mapped[str] = mapped_column(String(3))
    residence: Mapped[str] = mapped_column(String(3))
    languages: Mapped[str] = mapped_column(String(200), default="")  # "en:7;fr:4" (CEFR ranks)
    licences: Mapped[str] = mapped_column(String(400), default="")  # "GHA:2027-12-31;…"
    experience_years: Mapped[float] = mapped_column(Float, default=0.0)
    available_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    available_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    modes: Mapped[str] = mapped_column(String(60), default="")  # "short;virtual"
    virtual_hours_per_week: Mapped[float | None] = mapped_column(Float, nullable=True)
    preferred_countries: Mapped[str] = mapped_column(String(200), default="")
    name_enc: Mapped[str] = mapped_column(Text, default="")
    email_enc: Mapped[str] = mapped_column(Text, default="")
    phone_enc: Mapped[str] = mapped_column(Text, default="")
    birth_date_enc: Mapped[str] = mapped_column(Text, default="")
    notes_enc: Mapped[str] = mapped_column(Text, default="")
    licence_numbers_enc: Mapped[str] = mapped_column(Text, default="")
    extra_enc: Mapped[str] = mapped_column(Text, default="")  # extra CSV columns, JSON
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaConsent(Base):
    """One consent decision (given or withdrawn) for one purpose; the newest one counts."""

    __tablename__ = "diaspora_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_pk: Mapped[int] = mapped_column(ForeignKey("diaspora_profiles.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # matching | contact | statistics
    granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaOpportunity(Base):
    """An opportunity posted by a programme officer for a facility in a country."""

    __tablename__ = "diaspora_opportunities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(3))
    facility: Mapped[str] = mapped_column(String(200))
    cadre: Mapped[str] = mapped_column(String(40))
    specialty: Mapped[str] = mapped_column(String(120), default="")
    mode: Mapped[str] = mapped_column(String(12))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(3), default="")
    language_level: Mapped[int] = mapped_column(Integer, default=0)
    licence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    slots: Mapped[int] = mapped_column(Integer, default=1)
    support: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    extra: Mapped[str] = mapped_column(Text, default="")  # extra CSV columns, JSON
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaErasedTally(Base):
    """De-identified counts kept from erased profiles, so published aggregates stay the same.

    Only the coarse cell (origin × cadre × residence) and a count: no id, no date.
    """

    __tablename__ = "diaspora_erased_tallies"
    __table_args__ = (
        UniqueConstraint("origin", "cadre", "residence", name="uq_diaspora_erased_tallies_cell"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(3))
    cadre: Mapped[str] = mapped_column(String(40))
    residence: Mapped[str] = mapped_column(String(3))
    count: Mapped[int] = mapped_column(Integer)
