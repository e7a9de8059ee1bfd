"""The diaspora registry and a person's data rights (export, erase).

Registration, one's own profile and consents, opportunities, explained matches and the
public statistics.

A diaspora member only ever reaches their own profile (another's id answers 404); a
programme officer only opportunities and matches in their countries.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, UploadFile
from pydantic import BaseModel, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.schemas import _In, _Out
from hrh.errors import Invalid
from hrh.services import diaspora, diaspora_fhir, diaspora_matching, privacy

router = APIRouter(tags=["diaspora"])

ProfileId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
OpportunityId = ProfileId
Purpose = Annotated[str, Path(pattern=r"^(matching|contact|statistics)$")]
_Short = Annotated[str, Field(max_length=120)]
_Text = Annotated[str, Field(max_length=2000)]


class _Personal(_In):
    name: _Short | None = None
    email: _Short | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    birth_date: Annotated[str, Field(max_length=10)] | None = None
    notes: _Text | None = None
    licence_numbers: Annotated[str, Field(max_length=400)] | None = None

    def personal(self) -> dict[str, str]:
        fields = ("name", "email", "phone", "birth_date", "notes", "licence_numbers")
        return {k: v for k in fields if (v := getattr(self, k)) is not None}


class RegistrationCreate(_Personal):
    """A professional registering: an account, a profile and consent per purpose."""

    username: Annotated[str, Field(min_length=1, max_length=120)]
    password: Annotated[str, Field(min_length=12, max_length=200)]
    cadre: Annotated[str, Field(max_length=40)]
    specialty: _Short = ""
    origin: Annotated[str, Field(max_length=3)]
    residence: Annotated[str, Field(max_length=3)]
    languages: Annotated[str, Field(max_length=150, description="e.g. en:C1;fr:native")] = ""
    licences: Annotated[str, Field(max_length=300, description="e.g. GHA:2027-12-31")] = ""
    experience_years: Annotated[float, Field(ge=0, le=80)] = 0.0
    available_from: date | None = None
    available_to: date | None = None
    modes: Annotated[list[Annotated[str, Field(max_length=12)]], Field(max_length=4)]
    virtual_hours_per_week: Annotated[float, Field(ge=0, le=168)] | None = None
    preferred_countries: Annotated[str, Field(max_length=150)] = ""
    consent_matching: bool = False
    consent_contact: bool = False
    consent_statistics: bool = False


class ProfileUpdate(_Personal):
    """Changes to one's own profile (absent fields stay as they are)."""

    specialty: _Short | None = None
    available_from: date | None = None
    available_to: date | None = None
    modes: Annotated[list[Annotated[str, Field(max_length=12)]], Field(max_length=4)] | None = None
    virtual_hours_per_week: Annotated[float, Field(ge=0, le=168)] | None = None
    preferred_countries: (
        Annotated[list[Annotated[str, Field(max_length=3)]], Field(max_length=50)] | None
    ) = None


class ConsentUpdate(_In):
    """Give (true) or withdraw (false) consent for a purpose."""

    granted: bool


class ConsentPublic(_Out):
    """The current decision for one purpose."""

    purpose: str
    granted: bool
    at: str | None


class ConsentsPublic(BaseModel):
    """Consent per purpose."""

    data: list[ConsentPublic]
    count: int


class ProfilePublic(_Out):
    """A profile as its owner sees it (personal fields included)."""

    profile_id: str
    cadre: str
    specialty: str
    origin: str
    residence: str
    languages: list[str]
    licences: list[str]
    experience_years: float
    available_from: str | None
    available_to: str | None
    modes: list[str]
    virtual_hours_per_week: float | None
    preferred_countries: list[str]
    consents: list[ConsentPublic]
    personal: dict[str, str]
    extra: dict[str, str]


class PersonalExportPublic(_Out):
    """Everything held about a person."""

    exported_at: str
    profile: ProfilePublic
    consent_history: list[dict[str, Any]]
    account: dict[str, Any] | None
    audit_events: list[dict[str, Any]]
    assignments: list[dict[str, Any]] = Field(default_factory=list)


class ErasurePublic(_Out):
    """What an erasure removed."""

    profile_id: str
    kept_in_statistics: bool
    account_deleted: bool


class OpportunityCreate(_In):
    """An opportunity, with the columns of the CSV template."""

    opportunity_id: Annotated[str, Field(min_length=1, max_length=40)]
    country: Annotated[str, Field(max_length=3)]
    facility: Annotated[str, Field(min_length=1, max_length=200)]
    cadre: Annotated[str, Field(max_length=40)]
    specialty: _Short = ""
    mode: Annotated[str, Field(max_length=12)]
    start: date
    end: date
    language: Annotated[str, Field(max_length=2)] = ""
    language_level: Annotated[str, Field(max_length=6, description="CEFR or native")] = ""
    licence_required: bool = False
    slots: Annotated[int, Field(ge=1, le=10_000)] = 1
    support: Annotated[str, Field(max_length=200)] = ""


class OpportunityPublic(_Out):
    """An opportunity."""

    opportunity_id: str
    country: str
    facility: str
    cadre: str
    specialty: str
    mode: str
    start: str
    end: str
    language: str
    language_level: int
    licence_required: bool
    slots: int
    support: str
    status: str


class OpportunitiesPublic(BaseModel):
    """Opportunities."""

    data: list[OpportunityPublic]
    count: int


class ComponentPublic(_Out):
    """One part of a score."""

    name: str
    points: float
    weight: float
    value: float
    reason: str


class PairPublic(_Out):
    """A feasible professional × opportunity pair and its explained score."""

    profile_id: str
    opportunity_id: str
    score: float
    components: list[ComponentPublic]


class MatchesPublic(BaseModel):
    """The optimal assignment (and, for one opportunity, every feasible candidate)."""

    assignments: list[PairPublic]
    total_score: float
    candidates: list[PairPublic] = []


class StatCellPublic(_Out):
    """A published cell; ``count`` is null when suppressed."""

    origin: str
    cadre: str
    residence: str
    count: int | None
    suppressed: bool


class StatisticsPublic(_Out):
    """Registered professionals by origin × cadre × residence."""

    min_cell: int
    cells: list[StatCellPublic]


@router.post(
    "/diaspora/register",
    response_model=ProfilePublic,
    status_code=201,
    dependencies=[allow("diaspora.register")],
)
def register(body: RegistrationCreate, ctx: CtxDep, principal: PrincipalDep) -> ProfilePublic:
    """Register as a diaspora professional: an account and a profile with consents."""
    reg = diaspora.Registration(
        **body.model_dump(exclude={*_PERSONAL}),
        personal=body.personal(),
    )
    return ProfilePublic.model_validate(diaspora.register(ctx, principal, reg))


_PERSONAL = ("name", "email", "phone", "birth_date", "notes", "licence_numbers")


@router.get("/diaspora/me", response_model=ProfilePublic, dependencies=[allow("profile.read")])
def my_profile(ctx: CtxDep, principal: PrincipalDep) -> ProfilePublic:
    """One's own profile, with personal fields."""
    return ProfilePublic.model_validate(diaspora.my_profile(ctx, principal))


@router.patch("/diaspora/me", response_model=ProfilePublic, dependencies=[allow("profile.write")])
def update_profile(body: ProfileUpdate, ctx: CtxDep, principal: PrincipalDep) -> ProfilePublic:
    """Change one's own profile."""
    changes = diaspora.ProfileChanges(
        **body.model_dump(exclude={*_PERSONAL}),
        personal=body.personal(),
    )
    return ProfilePublic.model_validate(diaspora.update_profile(ctx, principal, changes))


@router.delete("/diaspora/me", response_model=ErasurePublic, dependencies=[allow("profile.write")])
def erase_me(ctx: CtxDep, principal: PrincipalDep) -> ErasurePublic:
    """Erase one's own profile and account (anonymous statistics stay the same)."""
    me = diaspora.my_profile(ctx, principal)
    return ErasurePublic.model_validate(privacy.erase(ctx, principal, me.profile_id))


@router.get(
    "/diaspora/me/export", response_model=PersonalExportPublic, dependencies=[allow("profile.read")]
)
def export_me(ctx: CtxDep, principal: PrincipalDep) -> PersonalExportPublic:
    """Everything held about oneself."""
    me = diaspora.my_profile(ctx, principal)
    return PersonalExportPublic.model_validate(privacy.export(ctx, principal, me.profile_id))


@router.put(
    "/diaspora/me/consents/{purpose}",
    response_model=ConsentsPublic,
    dependencies=[allow("consent.write")],
)
def set_consent(
    purpose: Purpose, body: ConsentUpdate, ctx: CtxDep, principal: PrincipalDep
) -> ConsentsPublic:
    """Give or withdraw consent for matching, contact or anonymous statistics (at once)."""
    rows = diaspora.set_consent(ctx, principal, purpose, body.granted)
    return ConsentsPublic.model_validate({"data": rows, "count": len(rows)})


@router.get(
    "/diaspora/profiles/{profile_id}",
    response_model=ProfilePublic,
    dependencies=[allow("profile.read")],
)
def get_profile(profile_id: ProfileId, ctx: CtxDep, principal: PrincipalDep) -> ProfilePublic:
    """A profile by id: one's own only (any other id answers 404)."""
    return ProfilePublic.model_validate(diaspora.my_profile(ctx, principal, profile_id))


@router.get(
    "/diaspora/opportunities",
    response_model=OpportunitiesPublic,
    dependencies=[allow("opportunities.read")],
)
def list_opportunities(ctx: CtxDep, principal: PrincipalDep) -> OpportunitiesPublic:
    """Open opportunities in the caller's countries."""
    rows = diaspora_matching.list_opportunities(ctx, principal)
    return OpportunitiesPublic.model_validate({"data": rows, "count": len(rows)})


@router.post(
    "/diaspora/opportunities",
    response_model=OpportunityPublic,
    status_code=201,
    dependencies=[allow("opportunities.write")],
)
def add_opportunity(
    body: OpportunityCreate, ctx: CtxDep, principal: PrincipalDep
) -> OpportunityPublic:
    """Post an opportunity in one of the caller's countries."""
    cells = {k: _cell(v) for k, v in body.model_dump().items()}
    return OpportunityPublic.model_validate(
        diaspora_matching.add_opportunity(ctx, principal, cells)
    )


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@router.get("/diaspora/matches", response_model=MatchesPublic, dependencies=[allow("matches.read")])
def matches(ctx: CtxDep, principal: PrincipalDep) -> MatchesPublic:
    """The optimal assignment over all open opportunities, shown for the caller's."""
    result = diaspora_matching.match(ctx, principal)
    return MatchesPublic.model_validate(
        {"assignments": result.assignments, "total_score": result.total_score}, from_attributes=True
    )


@router.get(
    "/diaspora/opportunities/{opportunity_id}/matches",
    response_model=MatchesPublic,
    dependencies=[allow("matches.read")],
)
def opportunity_matches(
    opportunity_id: OpportunityId, ctx: CtxDep, principal: PrincipalDep
) -> MatchesPublic:
    """Who is assigned to one opportunity, and every feasible candidate with explanations."""
    result = diaspora_matching.match(ctx, principal, opportunity_id)
    pairs = diaspora_matching.scores(ctx, principal, opportunity_id)
    ranked = sorted(pairs, key=lambda e: (-e.score, e.profile_id))
    return MatchesPublic.model_validate(
        {
            "assignments": result.assignments,
            "total_score": result.total_score,
            "candidates": ranked,
        },
        from_attributes=True,
    )


@router.get(
    "/diaspora/statistics",
    response_model=StatisticsPublic,
    dependencies=[allow("aggregates.read")],
)
def statistics(ctx: CtxDep, principal: PrincipalDep) -> StatisticsPublic:
    """Registered professionals by origin, cadre and residence (cells under 5 suppressed)."""
    return StatisticsPublic.model_validate(diaspora_matching.statistics(ctx, principal))


@router.get(
    "/privacy/profiles/{profile_id}/export",
    response_model=PersonalExportPublic,
    dependencies=[allow("privacy.manage")],
)
def export_profile(
    profile_id: ProfileId, ctx: CtxDep, principal: PrincipalDep
) -> PersonalExportPublic:
    """Everything held about the person behind a profile (administrators)."""
    return PersonalExportPublic.model_validate(privacy.export(ctx, principal, profile_id))


@router.delete(
    "/privacy/profiles/{profile_id}",
    response_model=ErasurePublic,
    dependencies=[allow("privacy.manage")],
)
def erase_profile(profile_id: ProfileId, ctx: CtxDep, principal: PrincipalDep) -> ErasurePublic:
    """Erase a person's data (administrators); anonymous statistics stay the same."""
    return ErasurePublic.model_validate(privacy.erase(ctx, principal, profile_id))


class FhirImportPublic(_Out):
    """What a FHIR import stored (or, on a dry run, would store)."""

    file: str
    imported: int
    dry_run: bool


_CHUNK = 1 << 20
_NDJSON = "application/fhir+ndjson"


def _upload_name(raw: str | None) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", FsPath(raw or "").name).lstrip(".")
    return name[:100] or "upload.json"


@router.post(
    "/diaspora/fhir",
    response_model=FhirImportPublic,
    dependencies=[allow("profiles.import")],
)
def import_fhir(
    file: UploadFile,
    ctx: CtxDep,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description="Check and count; store nothing.")] = False,
) -> FhirImportPublic:
    """Import FHIR R4 Practitioner + PractitionerRole (JSON Bundle or NDJSON), all or none."""
    limit = ctx.settings.max_upload_mb * 1024 * 1024
    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / _upload_name(file.filename)
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise Invalid(f"The upload is larger than {ctx.settings.max_upload_mb} MB.")
                out.write(chunk)
        summary = diaspora_fhir.import_fhir(ctx, principal, path, dry_run=dry_run)
    return FhirImportPublic.model_validate(summary)


_NDJSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {_NDJSON: {"schema": {"type": "string"}}}, "description": "NDJSON"}
}


@router.get(
    "/diaspora/fhir",
    response_class=Response,
    responses=_NDJSON_DOC,
    dependencies=[allow("privacy.manage")],
)
def export_fhir(ctx: CtxDep, principal: PrincipalDep) -> Response:
    """Every profile consenting to contact, as FHIR R4 NDJSON (administrators)."""
    items = diaspora_fhir.export_fhir(ctx, principal)
    return Response(diaspora_fhir.to_ndjson(items), media_type=_NDJSON)


@router.get(
    "/diaspora/me/fhir",
    response_class=Response,
    responses=_NDJSON_DOC,
    dependencies=[allow("profile.read")],
)
def export_my_fhir(ctx: CtxDep, principal: PrincipalDep) -> Response:
    """One's own profile as FHIR R4 NDJSON (Practitioner + PractitionerRole)."""
    items = diaspora_fhir.export_fhir(ctx, principal)
    return Response(diaspora_fhir.to_ndjson(items), media_type=_NDJSON)
