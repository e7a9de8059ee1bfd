"""SQLAlchemy tables. Portable types only, so SQLite and PostgreSQL behave the same."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Source(Base):
    """One vintage of a dataset: the provenance every stored number points to."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("key", "vintage", name="uq_sources_key_vintage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    vintage: Mapped[str] = mapped_column(String(40))
    publisher: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400))
    url: Mapped[str] = mapped_column(String(400), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    released: Mapped[str] = mapped_column(String(10), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Country(Base):
    """A country or territory (ISO 3166-1 alpha-3) with its groupings."""

    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), default="")
    m49: Mapped[str] = mapped_column(String(3), default="")
    name: Mapped[str] = mapped_column(String(120))
    who_region: Mapped[str] = mapped_column(String(4), default="")
    who_member: Mapped[bool] = mapped_column(Boolean, default=False)
    wb_income: Mapped[str] = mapped_column(String(3), default="")
    wb_region: Mapped[str] = mapped_column(String(60), default="")


class CountryAlias(Base):
    """Another code or name for a country (UN M49, ISO2, World Bank code, names)."""

    __tablename__ = "country_aliases"

    alias: Mapped[str] = mapped_column(String(120), primary_key=True)
    iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))


class Aggregate(Base):
    """A region or group code that files mix with countries (skipped on import)."""

    __tablename__ = "aggregates"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class WorkforceStock(Base):
    """Workforce stock: country × cadre × year × sex × age band × basis × measure × source."""

    __tablename__ = "workforce_stocks"
    __table_args__ = (
        UniqueConstraint(
            "country",
            "cadre",
            "year",
            "sex",
            "age_band",
            "basis",
            "measure",
            "source_id",
            name="uq_workforce_stocks_cell",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    cadre: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(12))
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class Population(Base):
    """Population in persons: country × year × sex × age band × variant × source."""

    __tablename__ = "populations"
    __table_args__ = (
        UniqueConstraint(
            "country",
            "year",
            "sex",
            "age_band",
            "variant",
            "source_id",
            name="uq_populations_cell",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(10))
    variant: Mapped[str] = mapped_column(String(12))
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class MigrationFlow(Base):
    """Bilateral figure: origin × destination × cadre × year × kind × basis × source."""

    __tablename__ = "migration_flows"
    __table_args__ = (
        UniqueConstraint(
            "origin",
            "destination",
            "cadre",
            "year",
            "kind",
            "basis",
            "source_id",
            name="uq_migration_flows_cell",
        ),
        Index("ix_migration_flows_destination", "destination"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    cadre: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class CoverageIndex(Base):
    """UHC service coverage index (SDG 3.8.1) per country and year."""

    __tablename__ = "coverage_indices"
    __table_args__ = (
        UniqueConstraint("country", "year", "source_id", name="uq_coverage_indices_cell"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class EconomicValue(Base):
    """A country-level economic figure per year (e.g. personal remittances received, USD)."""

    __tablename__ = "economic_values"
    __table_args__ = (
        UniqueConstraint("country", "measure", "year", "source_id", name="uq_economic_values_cell"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(3))
    measure: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class SafeguardListEntry(Base):
    """A country on a published version of the WHO Support and Safeguards List."""

    __tablename__ = "safeguard_list_entries"
    __table_args__ = (
        UniqueConstraint("version", "country", "source_id", name="uq_safeguard_list_cell"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(3))
    grade: Mapped[str] = mapped_column(String(20), default="")
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))


class ImportLog(Base):
    """Every import attempt, successful or not (the only thing a failed import writes)."""

    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    format: Mapped[str] = mapped_column(String(20))
    file: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(120), default="local")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    """An account: a role, and the organisation or countries that scope it."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    countries: Mapped[str] = mapped_column(String(400), default="")  # ISO3 codes, space-separated
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The e-mail address, encrypted (FieldCipher, context ``users.email``); None: no address.
    email_cipher: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: HMAC-SHA256 of the normalised address (a keyed blind index, for look-up by address).
    email_index: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Bumped to end every web session of the user at once (the session cookie carries it).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_users_email_index", "email_index", unique=True),)


class AuthThrottle(Base):
    """One accepted anonymous request (e.g. "forgot password") under a keyed-hash bucket.

    Buckets are HMACs of the account id or client address, so no address is stored.
    """

    __tablename__ = "auth_throttle"
    __table_args__ = (Index("ix_auth_throttle_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A personal access token (stored as a SHA-256 hash, never in clear)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    scopes: Mapped[str] = mapped_column(String(400), default="")  # actions, space-separated


class PasswordReset(Base):
    """A one-time password-reset token (stored as a SHA-256 hash).

    Issued by an administrator (``hrh user reset-link``) or mailed on a "forgot password"
    request.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """An append-only, hash-chained record of a write."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    change_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
