"""Tables of the diaspora assignment workflow: assignments, notifications, outcomes, returns.

An assignment's ``profile_pk`` is emptied when the person is erased, so published
aggregates (assignments, hours) stay the same while the link to the person goes.
``*_enc`` columns hold AES-GCM ciphertext (``hrh.services.keys``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hrh.store.tables import Base


class DiasporaAssignment(Base):
    """One professional proposed for one opportunity, and where the proposal stands."""

    __tablename__ = "diaspora_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[str] = mapped_column(String(40), unique=True)
    profile_pk: Mapped[int | None] = mapped_column(
        ForeignKey("diaspora_profiles.id"), nullable=True, index=True
    )
    opportunity_pk: Mapped[int] = mapped_column(ForeignKey("diaspora_opportunities.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[str] = mapped_column(Text, default="")  # JSON, as matching explained it
    proposed_by: Mapped[str] = mapped_column(String(160))  # the principal's audit label
    proposed_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaNotification(Base):
    """Whether the e-mail about one transition went out (no address, no body: ids only)."""

    __tablename__ = "diaspora_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_pk: Mapped[int] = mapped_column(ForeignKey("diaspora_assignments.id"), index=True)
    event: Mapped[str] = mapped_column(String(12))  # proposed | accepted | declined | confirmed
    recipient: Mapped[str] = mapped_column(String(12))  # member | officer
    status: Mapped[str] = mapped_column(String(12))  # sent | failed | no_address | no_consent
    error: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaOutcome(Base):
    """The outcome report of a completed assignment (one per assignment)."""

    __tablename__ = "diaspora_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_pk: Mapped[int] = mapped_column(ForeignKey("diaspora_assignments.id"), unique=True)
    hours: Mapped[float] = mapped_column(Float)
    patients_seen: Mapped[int] = mapped_column(Integer)
    staff_trained: Mapped[int] = mapped_column(Integer)
    feedback_enc: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(160))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaReturn(Base):
    """A permanent return home, with any bonding obligation."""

    __tablename__ = "diaspora_returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_pk: Mapped[int | None] = mapped_column(
        ForeignKey("diaspora_profiles.id"), nullable=True, index=True
    )
    country: Mapped[str] = mapped_column(String(3))
    cadre: Mapped[str] = mapped_column(String(40))
    returned_on: Mapped[date] = mapped_column(Date)
    bonding_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bonding_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(160))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DiasporaIncentive(Base):
    """One incentive received on a permanent return."""

    __tablename__ = "diaspora_incentives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    return_pk: Mapped[int] = mapped_column(ForeignKey("diaspora_returns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="")
