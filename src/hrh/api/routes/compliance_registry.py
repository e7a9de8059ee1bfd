"""The compliance registries over the API: organisations and agreements, list to delete.

Organisations: recruiters read their own organisation only; analysts and admins read all and
write (add, import, edit: ``PATCH``). Agreements: public to read (``GET
/compliance/agreements``), written by analysts and admins (an ended one gets ``valid_to``).
Deleting a wrongly entered entry (``DELETE``) is for admins. Imports take the documented CSV
templates, all rows or none. Every change is audited.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.api.routes.compliance import AgreementPublic, read_upload
from hrh.domain.recruitment import Agreement, Organisation
from hrh.errors import Invalid
from hrh.services import compliance_registry as svc

router = APIRouter(prefix="/compliance", tags=["compliance"])
_DryRun = Annotated[bool, Query(description="Check and count; store nothing.")]


class ListingPublic(BaseModel):
    """A period on the ethical recruiters list (``valid_to`` null: still listed)."""

    valid_from: date
    valid_to: date | None
    source: str


class OrganisationPublic(BaseModel):
    """A recruitment agency or employer and its periods on the ethical recruiters list."""

    name: str
    country: str
    type: str
    source: str
    listings: list[ListingPublic]


class OrganisationsPublic(BaseModel):
    """The organisations the caller may read."""

    data: list[OrganisationPublic]
    count: int


class OrganisationCreate(BaseModel):
    """One organisation, optionally with one period on the ethical recruiters list."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    country: str = Field(min_length=3, max_length=3, description="ISO3")
    type: Literal["agency", "employer"]
    ethical_recruiter_from: date | None = None
    ethical_recruiter_to: date | None = None
    source: str = Field(default="", max_length=400)


class AgreementCreate(BaseModel):
    """One government-to-government agreement or MoU (the CSV template's fields)."""

    model_config = ConfigDict(extra="forbid")

    agreement_id: str = Field(min_length=1, max_length=80)
    origin: str = Field(min_length=3, max_length=3, description="ISO3")
    destination: str = Field(min_length=3, max_length=3, description="ISO3")
    cadres: list[str] = Field(default_factory=list, description="Empty: every cadre.")
    valid_from: date
    valid_to: date | None = None
    kind: Literal["g2g", "mou"]
    source: str = Field(min_length=1, max_length=400)
    routes: list[str] = Field(default_factory=list, description="Routes its terms allow.")
    terms: str = Field(default="", max_length=2000)


class ListingIn(BaseModel):
    """A period on the ethical recruiters list (``valid_to`` null or absent: still listed)."""

    model_config = ConfigDict(extra="forbid")

    valid_from: date
    valid_to: date | None = None
    source: str = Field(min_length=1, max_length=400)


class OrganisationUpdate(BaseModel):
    """Fields to change (absent: unchanged); ``listings`` replaces every period ([]: none).

    The name cannot change: records link to organisations by name.
    """

    model_config = ConfigDict(extra="forbid")

    country: str | None = Field(default=None, min_length=3, max_length=3, description="ISO3")
    type: Literal["agency", "employer"] | None = None
    source: str | None = Field(default=None, max_length=400)
    listings: list[ListingIn] | None = None


class AgreementUpdate(BaseModel):
    """Fields to change (absent: unchanged; ``valid_to`` null: open-ended again).

    The id cannot change: delete it and add another.
    """

    model_config = ConfigDict(extra="forbid")

    origin: str | None = Field(default=None, min_length=3, max_length=3, description="ISO3")
    destination: str | None = Field(default=None, min_length=3, max_length=3)
    cadres: list[str] | None = Field(default=None, description="Empty: every cadre.")
    valid_from: date | None = None
    valid_to: date | None = None
    kind: Literal["g2g", "mou"] | None = None
    source: str | None = Field(default=None, min_length=1, max_length=400)
    routes: list[str] | None = None
    terms: str | None = Field(default=None, max_length=2000)


class RegistryImportPublic(BaseModel):
    """What a registry import did (or, on a dry run, would do)."""

    file: str
    rows: int
    added: int
    replaced: int
    unchanged: int
    dry_run: bool


def _organisation(o: Organisation) -> OrganisationPublic:
    return OrganisationPublic(
        name=o.name,
        country=o.country,
        type=o.kind,
        source=o.source,
        listings=[ListingPublic.model_validate(asdict(p)) for p in o.listings],
    )


def _agreement(a: Agreement) -> AgreementPublic:
    return AgreementPublic.model_validate(
        {**asdict(a), "cadres": sorted(a.cadres), "routes": sorted(a.routes)}
    )


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(f"{name} is not UTF-8 text.", hint="Save it as 'CSV UTF-8'.") from None


@router.get(
    "/organisations", response_model=OrganisationsPublic, dependencies=[allow("organisations.read")]
)
def get_organisations(ctx: CtxDep, principal: PrincipalDep) -> OrganisationsPublic:
    """The organisations registry (a recruiter sees its own organisation only)."""
    data = [_organisation(o) for o in svc.list_organisations(ctx, principal)]
    return OrganisationsPublic(data=data, count=len(data))


@router.post(
    "/organisations",
    response_model=OrganisationPublic,
    status_code=201,
    dependencies=[allow("organisations.write")],
)
def post_organisation(
    body: OrganisationCreate, ctx: CtxDep, principal: PrincipalDep
) -> OrganisationPublic:
    """Add one organisation (409 when the name exists: import a file to replace it)."""
    fields = {
        "name": body.name,
        "country": body.country,
        "type": body.type,
        "ethical_recruiter_from": _iso(body.ethical_recruiter_from),
        "ethical_recruiter_to": _iso(body.ethical_recruiter_to),
        "source": body.source,
    }
    return _organisation(svc.create_organisation(ctx, principal, fields))


@router.post(
    "/organisations/import",
    response_model=RegistryImportPublic,
    dependencies=[allow("organisations.write")],
)
def post_organisations_import(
    file: UploadFile, ctx: CtxDep, principal: PrincipalDep, dry_run: _DryRun = False
) -> RegistryImportPublic:
    """Import the organisations CSV template; rows of a known name replace it."""
    name, data = read_upload(file, ctx, (".csv", ".txt"))
    res = svc.import_organisations_text(ctx, principal, _text(name, data), name, dry_run=dry_run)
    return RegistryImportPublic.model_validate(asdict(res))


@router.post(
    "/agreements",
    response_model=AgreementPublic,
    status_code=201,
    dependencies=[allow("agreements.write")],
)
def post_agreement(body: AgreementCreate, ctx: CtxDep, principal: PrincipalDep) -> AgreementPublic:
    """Add one agreement (409 when the id exists: import a file to replace it)."""
    fields = {
        "agreement_id": body.agreement_id,
        "origin": body.origin,
        "destination": body.destination,
        "cadres": ";".join(body.cadres),
        "valid_from": body.valid_from.isoformat(),
        "valid_to": _iso(body.valid_to),
        "kind": body.kind,
        "source": body.source,
        "routes": ";".join(body.routes),
        "terms": body.terms,
    }
    return _agreement(svc.create_agreement(ctx, principal, fields))


@router.post(
    "/agreements/import",
    response_model=RegistryImportPublic,
    dependencies=[allow("agreements.write")],
)
def post_agreements_import(
    file: UploadFile, ctx: CtxDep, principal: PrincipalDep, dry_run: _DryRun = False
) -> RegistryImportPublic:
    """Import the agreements CSV template; an id that exists is replaced."""
    name, data = read_upload(file, ctx, (".csv", ".txt"))
    res = svc.import_agreements_text(ctx, principal, _text(name, data), name, dry_run=dry_run)
    return RegistryImportPublic.model_validate(asdict(res))


@router.patch(
    "/organisations/{name}",
    response_model=OrganisationPublic,
    dependencies=[allow("organisations.write")],
)
def patch_organisation(
    name: str, body: OrganisationUpdate, ctx: CtxDep, principal: PrincipalDep
) -> OrganisationPublic:
    """Change an organisation's country, type, source or listing periods (audited)."""
    given = body.model_dump(exclude_unset=True, exclude={"listings"})
    changes = {k: "" if v is None else str(v) for k, v in given.items()}
    listings = None
    if "listings" in body.model_fields_set:
        listings = [
            {"valid_from": _iso(p.valid_from), "valid_to": _iso(p.valid_to), "source": p.source}
            for p in body.listings or []
        ]
    org = svc.update_organisation(ctx, principal, name, changes, listings)
    return _organisation(org)


@router.delete(
    "/organisations/{name}", status_code=204, dependencies=[allow("organisations.delete")]
)
def delete_organisation(
    name: str,
    ctx: CtxDep,
    principal: PrincipalDep,
    reason: Annotated[str, Query(max_length=400, description="Why (kept in the audit)")] = "",
) -> Response:
    """Delete a wrongly entered organisation (its records and stored findings stay)."""
    svc.delete_organisation(ctx, principal, name, reason=reason)
    return Response(status_code=204)


@router.patch(
    "/agreements/{agreement_id}",
    response_model=AgreementPublic,
    dependencies=[allow("agreements.write")],
)
def patch_agreement(
    agreement_id: str, body: AgreementUpdate, ctx: CtxDep, principal: PrincipalDep
) -> AgreementPublic:
    """Change an agreement's fields; end it with ``valid_to`` (audited)."""
    changes: dict[str, str] = {}
    for key, value in body.model_dump(exclude_unset=True).items():
        if isinstance(value, list):
            changes[key] = ";".join(value)
        elif isinstance(value, date):
            changes[key] = value.isoformat()
        else:
            changes[key] = "" if value is None else str(value)
    return _agreement(svc.update_agreement(ctx, principal, agreement_id, changes))


@router.delete(
    "/agreements/{agreement_id}", status_code=204, dependencies=[allow("agreements.delete")]
)
def delete_agreement(
    agreement_id: str,
    ctx: CtxDep,
    principal: PrincipalDep,
    reason: Annotated[str, Query(max_length=400, description="Why (kept in the audit)")] = "",
) -> Response:
    """Delete a wrongly entered agreement (findings stored earlier stay as they were)."""
    svc.delete_agreement(ctx, principal, agreement_id, reason=reason)
    return Response(status_code=204)
