"""Ethical-recruitment compliance over the API: upload, findings, records, yearly scorecards.

Recruiters see only their organisation's records and findings (another organisation's record
is "not found"); analysts and admins see all. Agreements and rules are public reference.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, UploadFile
from pydantic import BaseModel, ConfigDict

from hrh.api.deps import CtxDep, PrincipalDep, allow
from hrh.domain.recruitment import Finding
from hrh.errors import Invalid
from hrh.services import compliance as svc
from hrh.services import compliance_scorecards as scorecards

router = APIRouter(prefix="/compliance", tags=["compliance"])
_CHUNK = 1 << 20


def read_upload(file: UploadFile, ctx: CtxDep, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    """Return an upload's file name and bytes, refusing other suffixes and oversize files."""
    name = Path(file.filename or "upload.csv").name
    if Path(name).suffix.lower() not in suffixes:
        raise Invalid(
            f"Only {', '.join(suffixes)} files are accepted, not {name!r}.",
            hint="Use the documented template (docs/formats.md).",
        )
    limit = ctx.settings.max_upload_mb * 1024 * 1024
    data = bytearray()
    while chunk := file.file.read(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise Invalid(f"The upload is larger than {ctx.settings.max_upload_mb} MB.")
    return name, bytes(data)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FindingPublic(_Out):
    """A rule's finding about one record, explained, with its evidence."""

    record_id: str
    organisation: str
    rule_id: str
    severity: str
    explanation: str
    source: str
    evidence: dict[str, str]


class FindingsPublic(BaseModel):
    """A page of findings and the total that match the filters."""

    data: list[FindingPublic]
    count: int


class SummaryPublic(_Out):
    """Counts of a check (``info`` notes apart)."""

    records: int
    flagged_records: int
    findings: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    notes: int


class RecordsImportPublic(BaseModel):
    """What an upload did (or, on a dry run, would do), with its findings."""

    file: str
    records: int
    replaced: int
    findings: int
    dry_run: bool
    summary: SummaryPublic
    data: list[FindingPublic]
    warnings: list[str]


class RecordPublic(BaseModel):
    """One recruitment record and its findings.

    ``candidate``: the candidate's personal fields, for callers entitled to them
    (``candidates.read``: the record's organisation, analysts, admins); otherwise null.
    """

    record: dict[str, Any]
    findings: list[FindingPublic]
    candidate: dict[str, str] | None = None


class StatusPublic(_Out):
    """An organisation's ethical-recruiter status today, and where it comes from."""

    status: Literal["listed", "not_listed", "not_in_registry"]
    source: str


class YearStatusPublic(_Out):
    """An organisation's ethical-recruiter status over one year, and where it comes from.

    ``listed``: every day of the year (up to today in the current year); ``partly_listed``:
    some days; ``source``: the listing periods' sources.
    """

    status: Literal["listed", "partly_listed", "not_listed", "not_in_registry"]
    source: str


class YearScorePublic(_Out):
    """One group's figures for one recruitment year (agencies, employers: status that year)."""

    year: int
    records: int
    flagged_records: int
    findings: int
    rate: float
    status: YearStatusPublic | None = None


class ScoreRowPublic(_Out):
    """Records, records with findings, findings, rate and the yearly rate for one group.

    ``years``: the same figures per recruitment year. ``status`` (agency and employer
    scorecards): the organisation's ethical-recruiter status today.
    """

    group: str
    records: int
    flagged_records: int
    findings: int
    rate: float
    trend: dict[int, float]
    years: list[YearScorePublic]
    status: StatusPublic | None = None


class ScorecardPublic(BaseModel):
    """A scorecard: one row per group."""

    by: str
    data: list[ScoreRowPublic]
    count: int


class AgreementPublic(BaseModel):
    """A government-to-government agreement or MoU."""

    agreement_id: str
    origin: str
    destination: str
    cadres: list[str]
    valid_from: date
    valid_to: date | None
    kind: str
    source: str
    routes: list[str]
    terms: str = ""


class AgreementsPublic(BaseModel):
    """The agreements registry."""

    data: list[AgreementPublic]
    count: int


class RulePublic(BaseModel):
    """A compliance rule as declared."""

    id: str
    label: str
    code: str
    severity: str
    valid_from: date
    valid_to: date | None


def _finding(f: Finding) -> FindingPublic:
    return FindingPublic.model_validate({**asdict(f), "evidence": dict(f.evidence)})


@router.post(
    "/records",
    response_model=RecordsImportPublic,
    dependencies=[allow("recruitment.write")],
)
def post_records(
    file: UploadFile,
    ctx: CtxDep,
    principal: PrincipalDep,
    dry_run: Annotated[
        bool, Query(description="Check and return findings; store nothing.")
    ] = False,
) -> RecordsImportPublic:
    """Upload records (CSV or .xlsx template); all rows or none; bad rows come back located.

    Errors in a workbook name the file, the sheet and the row (as Excel numbers rows).
    """
    name, data = read_upload(file, ctx, (".csv", ".txt", ".xlsx"))
    res = svc.import_upload(ctx, principal, data, name, dry_run=dry_run)
    return RecordsImportPublic(
        file=res.file,
        records=res.records,
        replaced=res.replaced,
        findings=res.findings,
        dry_run=res.dry_run,
        summary=SummaryPublic.model_validate(res.summary),
        data=[_finding(f) for f in res.findings_list],
        warnings=res.warnings,
    )


@router.get("/findings", response_model=FindingsPublic, dependencies=[allow("recruitment.read")])
def get_findings(
    ctx: CtxDep,
    principal: PrincipalDep,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    rule: Annotated[str | None, Query(max_length=60)] = None,
    severity: Annotated[Literal["high", "medium", "low", "info"] | None, Query()] = None,
    destination: Annotated[str | None, Query(max_length=3)] = None,
    source: Annotated[str | None, Query(max_length=3, description="Residence country.")] = None,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> FindingsPublic:
    """Findings the caller may read, filtered (``info`` notes only when asked by severity)."""
    flt = svc.FindingFilter(
        organisation,
        rule,
        severity,
        destination.upper() if destination else None,
        source.upper() if source else None,
        since,
        until,
    )
    page = svc.list_findings(ctx, principal, flt, limit=limit, offset=offset)
    return FindingsPublic(data=[_finding(f) for f in page.data], count=page.count)


@router.get(
    "/records/{organisation}/{record_id}",
    response_model=RecordPublic,
    dependencies=[allow("recruitment.read")],
)
def get_record(
    organisation: str, record_id: str, ctx: CtxDep, principal: PrincipalDep
) -> RecordPublic:
    """One record with its findings and their evidence (404 for another organisation's)."""
    view = svc.get_record(ctx, principal, organisation, record_id)
    rec = asdict(view.record)
    rec.pop("personal", None)  # shown apart, as `candidate`, to the entitled only
    rec["extra"] = dict(view.record.extra)
    for key in ("recruitment_date", "contract_start"):
        rec[key] = rec[key].isoformat() if rec[key] else None
    return RecordPublic(
        record=rec, findings=[_finding(f) for f in view.findings], candidate=view.candidate
    )


@router.get(
    "/scorecards/{by}", response_model=ScorecardPublic, dependencies=[allow("recruitment.read")]
)
def get_scorecard(
    by: Literal["agency", "employer", "source", "destination"],
    ctx: CtxDep,
    principal: PrincipalDep,
) -> ScorecardPublic:
    """Per agency, employer, source (residence) country or destination, and per year."""
    rows = scorecards.scorecard(ctx, principal, by)
    return ScorecardPublic(
        by=by, data=[ScoreRowPublic.model_validate(r) for r in rows], count=len(rows)
    )


class NationalReportPublic(BaseModel):
    """The WHO Global Code national reporting figures: counts only, never a record."""

    as_of: date
    destination: str | None
    organisation: str | None
    inflows_records: list[dict[str, Any]]
    inflows_oecd: list[dict[str, Any]]
    ssl_recruitment: list[dict[str, Any]]
    agreements: list[dict[str, Any]]
    sources: dict[str, str]
    warnings: list[str]


@router.get(
    "/report", response_model=NationalReportPublic, dependencies=[allow("recruitment.read")]
)
def get_report(
    ctx: CtxDep,
    principal: PrincipalDep,
    as_of: Annotated[date, Query(description="Report on this date (YYYY-MM-DD).")],
    destination: Annotated[
        str | None, Query(min_length=3, max_length=3, description="ISO3")
    ] = None,
) -> NationalReportPublic:
    """Foreign-trained inflows, recruitment from SSL countries, agreements in force.

    A recruiter's counts cover its own organisation's records only.
    """
    rep = svc.national_report(
        ctx, principal, as_of, destination=destination.upper() if destination else None
    )
    return NationalReportPublic.model_validate(asdict(rep))


@router.get("/agreements", response_model=AgreementsPublic, dependencies=[allow("reference.read")])
def get_agreements(ctx: CtxDep) -> AgreementsPublic:
    """The stored agreements registry the rules use (``hrh load reference`` loads the UK ones)."""
    data = [
        AgreementPublic.model_validate(
            {**asdict(a), "cadres": sorted(a.cadres), "routes": sorted(a.routes)}
        )
        for a in svc.list_agreements(ctx)
    ]
    return AgreementsPublic(data=data, count=len(data))


@router.get("/rules", response_model=list[RulePublic], dependencies=[allow("reference.read")])
def get_rules() -> list[RulePublic]:
    """The rules, declared once in ``hrh.compliance.rules``."""
    return [
        RulePublic(
            id=r.id,
            label=r.label,
            code=r.code,
            severity=r.severity,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
        )
        for r in svc.list_rules()
    ]
