"""Tables of the library part (declared on the shared `Base`; imported by `hrh.store.schema`).

Full-text search: PostgreSQL indexes the weighted ``tsvector`` of title (A) and body (B)
with a GIN expression index (:data:`PG_DOCUMENT`); SQLite builds a connection-local FTS5
table per query (see ``hrh.store.library``), so neither adds tables the models do not declare.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hrh.store.tables import Base

#: The weighted document PostgreSQL searches; the GIN index and the queries use this text.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, title::text), 'A'::\"char\") || "
    "setweight(to_tsvector('english'::regconfig, search_text), 'B'::\"char\"))"
)


class LibraryEntry(Base):
    """A practice: a code, agreement, incentive, programme or reform, and what came of it."""

    __tablename__ = "library_entries"
    __table_args__ = (
        Index("ix_library_entries_document", text(PG_DOCUMENT), postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(40), index=True)
    start_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    summary: Mapped[str] = mapped_column(Text)
    what_it_did: Mapped[str] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[str] = mapped_column(Text)  # JSON list of {title, url}
    search_text: Mapped[str] = mapped_column(Text)  # body searched beside the title
    status: Mapped[str] = mapped_column(String(10), index=True)  # draft | published
    author: Mapped[str] = mapped_column(String(200))  # the principal's audit label
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LibraryEntryCountry(Base):
    """A country an entry involves (none: global or multilateral)."""

    __tablename__ = "library_entry_countries"

    entry_id: Mapped[int] = mapped_column(ForeignKey("library_entries.id"), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)
