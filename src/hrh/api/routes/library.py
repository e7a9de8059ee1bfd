"""The practice library: search and read published entries; analysts submit, admins publish.

Drafts are answered 404 (not 403) to everyone but their author and administrators, so that
their existence cannot be inferred.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import _In
from hrh.domain.practices import MAX_TEXT, MAX_TITLE
from hrh.services import library

router = APIRouter(prefix="/library", tags=["library"])


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CountryLinkPublic(_Out):
    """A country an entry involves and the URL of its profile."""

    iso3: str
    name: str
    url: str


class SourceLinkPublic(_Out):
    """A source of an entry."""

    title: str
    url: str


class PracticePublic(_Out):
    """A library entry."""

    id: str
    title: str
    type: str
    countries: list[CountryLinkPublic]
    start_year: int | None
    end_year: int | None
    summary: str
    what_it_did: str
    results: str
    sources: list[SourceLinkPublic]
    status: str
    url: str
    score: float | None


class PracticesPublic(_Out):
    """A page of entries, best match first; ``match``: all, any (no entry had all) or none."""

    query: str
    terms: list[str]
    match: str
    data: list[PracticePublic]
    count: int


class SourceIn(_In):
    """A source: a title and an http(s) URL."""

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    url: str = Field(min_length=8, max_length=500)


class YearsIn(_In):
    """When the practice started and ended (leave ``end`` out while it goes on)."""

    start: int | None = Field(default=None, ge=1900, le=2100)
    end: int | None = Field(default=None, ge=1900, le=2100)


class PracticeCreate(_In):
    """A library entry submitted as a draft."""

    id: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    type: str = Field(max_length=40)
    countries: list[str] = Field(default=[], max_length=60)
    years: YearsIn | None = None
    summary: str = Field(min_length=1, max_length=MAX_TEXT)
    what_it_did: str = Field(min_length=1, max_length=MAX_TEXT)
    results: str = Field(default="", max_length=MAX_TEXT)
    sources: list[SourceIn] = Field(min_length=1, max_length=20)


Status = Literal["published", "draft", "all"]


@router.get("", response_model=PracticesPublic, dependencies=[allow("aggregates.read")])
def search_library(
    ctx: CtxDep,
    principal: PrincipalDep,
    q: Annotated[str, Query(max_length=500, description="Words (all first, else any).")] = "",
    type: Annotated[
        str | None, Query(max_length=60, description="Practice type, e.g. return programme.")
    ] = None,
    country: Annotated[str | None, Query(max_length=3, description="ISO3 involved.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="In force then.")] = None,
    status: Annotated[Status, Query(description="Drafts: yours, or all for admins.")] = (
        "published"
    ),
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Entries to skip.")] = 0,
) -> PracticesPublic:
    """Search or list the library; entries link to country profiles (/countries/ISO3)."""
    result = library.search(
        ctx,
        principal,
        q,
        type=type,
        country=country,
        year=year,
        status=status,
        limit=limit,
        offset=offset,
    )
    return PracticesPublic.model_validate(result)


@router.get("/{code}", response_model=PracticePublic, dependencies=[allow("aggregates.read")])
def get_entry(ctx: CtxDep, principal: PrincipalDep, code: str) -> PracticePublic:
    """One entry by its id (drafts: only to their author and administrators)."""
    return PracticePublic.model_validate(library.get(ctx, principal, code))


@router.post(
    "",
    response_model=PracticePublic,
    status_code=201,
    dependencies=[allow("library.submit")],
)
def submit_entry(ctx: CtxDep, principal: PrincipalDep, body: PracticeCreate) -> PracticePublic:
    """Submit an entry as a draft; resubmitting one's own draft replaces it."""
    raw = body.model_dump(exclude_none=True)
    return PracticePublic.model_validate(library.submit_mapping(ctx, principal, raw))


@router.post(
    "/{code}/publish", response_model=PracticePublic, dependencies=[allow("library.publish")]
)
def publish_entry(ctx: CtxDep, principal: PrincipalDep, code: str) -> PracticePublic:
    """Publish a draft."""
    return PracticePublic.model_validate(library.publish(ctx, principal, code))
