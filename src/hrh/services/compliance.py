"""Ethical-recruitment use cases: check, import, findings, one record, scorecards, agreements.

Scope: recruiters act on their own organisation's records only; analysts and admins on all.
A record of another organisation reads as "not found", and lists, counts and scorecards are
filtered in the query, so nothing about another organisation can be read or inferred.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.compliance.engine import Summary, evaluate, summarise
from hrh.compliance.rules import RULES, Context, Rule
from hrh.domain.policy import Principal, require, scope_of
from hrh.domain.recruitment import Agreement, Finding, RecruitmentRecord, SafeguardList
from hrh.errors import Invalid, NotFound
from hrh.ingest._text import read_text
from hrh.ingest.recruitment import parse_agreements, parse_records
from hrh.ingest.reference import REFERENCE_DIR
from hrh.params import safeguards as ssl_params
from hrh.params.codes_of_practice import load_editions
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.store import compliance as store
from hrh.store import reads

AGREEMENTS_FILE = REFERENCE_DIR / "agreements" / "uk_agreements.csv"
SCORECARD_GROUPS = ("agency", "employer", "source", "destination")
FindingFilter = store.FindingFilter


def _countries(s: Session) -> set[str]:
    return {c.iso3 for c in reads.load_countries(s)}


def bundled_agreements(countries: set[str]) -> list[Agreement]:
    """Return the bundled UK agreements (see ``reference/agreements/SOURCE.md``)."""
    return parse_agreements(read_text(AGREEMENTS_FILE), AGREEMENTS_FILE.name, countries)


def _ssl_lists(s: Session) -> tuple[SafeguardList, ...]:
    out = []
    for version in ssl_params.versions():
        rows = reads.safeguard_rows(s, version)
        if rows:
            eff = ssl_params.load_criteria(version).effective
            out.append(SafeguardList(version, eff, frozenset(r.country for r in rows)))
    return tuple(out)


def build_context(
    s: Session, extra_agreements: list[Agreement] | None = None, as_of: date | None = None
) -> Context:
    """Return the rules' context: stored SSL editions, code editions, bundled + extra agreements."""
    agreements = bundled_agreements(_countries(s)) + list(extra_agreements or [])
    return Context(_ssl_lists(s), tuple(agreements), load_editions(), as_of)


NO_SSL = (
    "No WHO safeguards list is stored, so ssl_active_recruitment found nothing; "
    "run `hrh load reference` to load the 2023 list."
)


def _warnings(context: Context) -> list[str]:
    return [] if context.ssl_lists else [NO_SSL]


@dataclass(frozen=True)
class CheckReport:
    """The findings of a check, their summary, and warnings about missing reference data."""

    findings: list[Finding]
    summary: Summary
    warnings: list[str]


def check_file(
    ctx: AppContext,
    path: Path,
    *,
    as_of: date | None = None,
    agreements: Path | None = None,
    rules: tuple[Rule, ...] = RULES,
) -> CheckReport:
    """Check a records file against the codes without storing anything."""
    with ctx.unit() as s:
        countries = _countries(s)
        records = parse_records(read_text(path), path.name, countries)
        extra = (
            parse_agreements(read_text(agreements), agreements.name, countries)
            if agreements
            else []
        )
        context = build_context(s, extra, as_of)
    findings = evaluate(records, rules, context)
    return CheckReport(findings, summarise(records, findings), _warnings(context))


def _owned(principal: Principal, action: str, organisation: str | None) -> str | None:
    """Return the organisation a principal is confined to for ``action`` (None: all)."""
    require(principal, action)
    if scope_of(principal, action) == "organisation":
        return principal.organisation
    return organisation


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, on a dry run, would do)."""

    file: str
    records: int
    replaced: int
    findings: int
    dry_run: bool
    summary: Summary
    findings_list: list[Finding]
    warnings: list[str]


def import_text(
    ctx: AppContext,
    principal: Principal,
    text: str,
    file: str,
    *,
    organisation: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Parse, check and (unless ``dry_run``) store records and their findings, all or nothing.

    A recruiter may only import its own organisation's records; ``organisation`` (when given)
    requires every row to belong to it.

    Raises:
        Invalid: a bad row (file:line) or a row of another organisation; nothing is stored.
    """
    org = _owned(principal, "recruitment.write", organisation)
    with ctx.unit() as s:
        records = parse_records(text, file, _countries(s), org)
        context = build_context(s)
        findings = evaluate(records, RULES, context)
        replaced = 0
        if not dry_run:
            counts = store.save_records(s, records, findings)
            replaced = counts.replaced
            audit.record(
                s,
                principal,
                "recruitment.import",
                f"recruitment:{org or '*'}",
                {
                    "records": counts.records,
                    "replaced": counts.replaced,
                    "findings": counts.findings,
                },
            )
    return ImportResult(
        file,
        len(records),
        replaced,
        len([f for f in findings if f.severity != "info"]),
        dry_run,
        summarise(records, findings),
        findings,
        _warnings(context),
    )


def import_file(
    ctx: AppContext,
    principal: Principal,
    path: Path,
    *,
    organisation: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a records file (see :func:`import_text`)."""
    return import_text(
        ctx, principal, read_text(path), path.name, organisation=organisation, dry_run=dry_run
    )


@dataclass(frozen=True)
class FindingsPage:
    """A page of findings and the total that match."""

    data: list[Finding]
    count: int


def list_findings(
    ctx: AppContext,
    principal: Principal,
    flt: FindingFilter,
    *,
    limit: int = 100,
    offset: int = 0,
) -> FindingsPage:
    """Return findings the principal may read, filtered."""
    org = _owned(principal, "recruitment.read", flt.organisation)
    if org != flt.organisation and flt.organisation is not None:
        return FindingsPage([], 0)  # a recruiter asking for another organisation: nothing
    scoped = FindingFilter(
        org,
        flt.rule_id,
        flt.severity,
        flt.destination,
        flt.residence,
        flt.since,
        flt.until,
        flt.include_info,
    )
    with ctx.unit() as s:
        data, count = store.list_findings(s, scoped, limit, offset)
    return FindingsPage(data, count)


@dataclass(frozen=True)
class RecordView:
    """One record with its findings and their evidence."""

    record: RecruitmentRecord
    findings: list[Finding]


def get_record(
    ctx: AppContext, principal: Principal, organisation: str, record_id: str
) -> RecordView:
    """Return one record and its findings.

    Raises:
        NotFound: no such record, or one of another organisation (the same answer, so that
            a recruiter cannot tell another organisation's ids from missing ones).
    """
    org = _owned(principal, "recruitment.read", organisation)
    found = None
    if org == organisation:
        with ctx.unit() as s:
            found = store.get_record(s, organisation, record_id)
    if found is None:
        raise NotFound("Recruitment record not found.")
    return RecordView(*found)


@dataclass(frozen=True)
class ScoreRow:
    """A scorecard line: records, records with findings, findings, rate and trend by year."""

    group: str
    records: int
    flagged_records: int
    findings: int
    rate: float
    trend: dict[int, float]


def scorecard(ctx: AppContext, principal: Principal, by: str) -> list[ScoreRow]:
    """Return a scorecard per agency, employer, source (residence) country or destination."""
    if by not in SCORECARD_GROUPS:
        raise Invalid(f"Unknown scorecard {by!r}.", hint="Use " + "|".join(SCORECARD_GROUPS))
    org = _owned(principal, "recruitment.read", None)
    with ctx.unit() as s:
        cells = store.score_cells(s, by, org)
    groups: dict[str, list[store.ScoreCell]] = defaultdict(list)
    for c in cells:
        groups[c.group].append(c)
    out = []
    for g, cs in sorted(groups.items()):
        n = sum(c.records for c in cs)
        flagged = sum(c.flagged_records for c in cs)
        out.append(
            ScoreRow(
                g,
                n,
                flagged,
                sum(c.findings for c in cs),
                round(flagged / n, 4) if n else 0.0,
                {c.year: round(c.flagged_records / c.records, 4) for c in cs if c.records},
            )
        )
    return out


def list_agreements(ctx: AppContext) -> list[Agreement]:
    """Return the agreements registry (the bundled UK agreements)."""
    with ctx.unit() as s:
        return bundled_agreements(_countries(s))


def list_rules() -> tuple[Rule, ...]:
    """Return the compliance rules, as declared in ``hrh.compliance.rules``."""
    return RULES
