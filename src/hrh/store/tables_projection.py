"""Tables of stored projection runs (declared on the shared `Base`; imported by `hrh.store.schema`).

A run is stored when it is asked for (status ``queued``), marked ``running`` when a worker
claims it (``worker``, ``attempts``; ``heartbeat_at`` and ``progress`` while it computes),
and ``done`` (with its result document, gzip-compressed JSON) or ``failed`` (with the
error's message and hint). Its provenance is stored beside it: the scenario's and the
parameters' SHA-256, the seed, the mode, the code version and the input sources.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hrh.store.tables import Base


class ProjectionRun(Base):
    """One projection run: what was asked, its provenance, its status and its result."""

    __tablename__ = "projection_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "pr-" + 24 hex digits
    status: Mapped[str] = mapped_column(String(10), index=True)  # queued|running|done|failed
    scenario: Mapped[str] = mapped_column(String(80))
    scenario_hash: Mapped[str] = mapped_column(String(64), default="")
    parameters_hash: Mapped[str] = mapped_column(String(64), default="")
    mode: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    replicates: Mapped[int | None] = mapped_column(Integer, nullable=True)
    from_year: Mapped[int] = mapped_column(Integer)
    until_year: Mapped[int] = mapped_column(Integer)
    countries: Mapped[str] = mapped_column(Text, default="")  # requested ISO3, space-separated
    request: Mapped[str] = mapped_column(Text)  # the request as JSON (inline scenario included)
    code_version: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer, default=0)  # country-years × replicates
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str] = mapped_column(String(200))  # the principal's audit label
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # gzip JSON
    # the job (migration 0012): who computes it, when it last said so, how often it was
    # taken, and how far it got (0 to 1)
    worker: Mapped[str] = mapped_column(String(120), default="", server_default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class ProjectionRunSource(Base):
    """A stored source vintage a run's inputs came from (``key@vintage``)."""

    __tablename__ = "projection_run_sources"

    run_id: Mapped[str] = mapped_column(ForeignKey("projection_runs.id"), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    vintage: Mapped[str] = mapped_column(String(40), primary_key=True)
