"""Ethical-recruitment use cases: check, import, findings, one record, agreements, report.

Scope: recruiters act on their own organisation's records only; analysts and admins on all.
A record of another organisation reads as "not found", and lists, counts and scorecards are
filtered in the query, so nothing about another organisation can be read or inferred.
A candidate's personal fields are sealed before the store and shown only on the one-record
view to callers entitled to them (``candidates.read``); lists, exports and reports never
carry them. The registries (organisations, agreements) live in ``compliance_registry``, the
scorecards in ``compliance_scorecards``.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.compliance.engine import Summary, evaluate, summarise
from hrh.compliance.rules import RULES, Context, Rule, explanation_text
from hrh.domain.policy import Principal, require, scope_of
from hrh.domain.recruitment import Agreement, Finding, RecruitmentRecord, SafeguardList
from hrh.errors import M_, Invalid, NotFound, Text
from hrh.ingest._text import read_text
from hrh.ingest.recruitment import (
    parse_agreements,
    parse_records,
    parse_records_xlsx,
    read_records,
)
from hrh.params import safeguards as ssl_params
from hrh.params.codes_of_practice import load_editions
from hrh.services import _candidates, audit
from hrh.services.compliance_registry import (
    AGREEMENTS_FILE,
    bundled_agreements,
    organisations_by_name,
)
from hrh.services.context import AppContext
from hrh.store import compliance as store
from hrh.store import compliance_registry as registry_store
from hrh.store import reads

__all__ = ["AGREEMENTS_FILE", "bundled_agreements"]  # re-exported (bench, older callers)
FindingFilter = store.FindingFilter


def _countries(s: Session) -> set[str]:
    return {c.iso3 for c in reads.load_countries(s)}


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
    """Return the rules' context from the stored lists, agreements and organisations.

    ``extra_agreements`` are added for this check only (replacing stored ones of the same id).
    """
    stored = registry_store.list_agreements(s)
    extra_ids = {a.agreement_id for a in extra_agreements or []}
    agreements = [a for a in stored if a.agreement_id not in extra_ids]
    agreements += list(extra_agreements or [])
    return Context(
        _ssl_lists(s), tuple(agreements), load_editions(), as_of, organisations_by_name(s)
    )


NO_SSL = Text(
    M_(
        "No WHO safeguards list is stored, so ssl_active_recruitment found nothing; "
        "run `hrh load reference` to load the 2023 list."
    )
).sentence()
NO_AGREEMENTS = Text(
    M_(
        "No agreement is stored, so every recruitment was read as outside any agreement; "
        "run `hrh load reference` to load the bundled UK agreements."
    )
).sentence()


def _warnings(context: Context, records: Sequence[RecruitmentRecord] | None = None) -> list[str]:
    out: list[str] = [] if context.ssl_lists else [NO_SSL]
    if not context.agreements:
        out.append(NO_AGREEMENTS)
    if records and context.organisations:
        unknown = sorted({r.organisation for r in records} - set(context.organisations))
        if unknown:
            shown = ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")
            out.append(
                Text.of(
                    M_(
                        "%(n)s organisation(s) not in the organisations registry: %(names)s "
                        "(their records are checked; agency_not_ethical_recruiter cannot apply)."
                    ),
                    n=len(unknown),
                    names=shown,
                ).sentence()
            )
    return out


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
        records = read_records(path, countries)
        extra = (
            parse_agreements(read_text(agreements), agreements.name, countries)
            if agreements
            else []
        )
        context = build_context(s, extra, as_of)
    findings = evaluate(records, rules, context)
    return CheckReport(findings, summarise(records, findings), _warnings(context, records))


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


Parser = Callable[[set[str], str | None], list[RecruitmentRecord]]


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
    return import_parsed(
        ctx,
        principal,
        lambda countries, org: parse_records(text, file, countries, org),
        file,
        organisation=organisation,
        dry_run=dry_run,
    )


def import_parsed(
    ctx: AppContext,
    principal: Principal,
    parse: Parser,
    file: str,
    *,
    organisation: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the records ``parse(countries, organisation)`` returns (CSV or Excel)."""
    org = _owned(principal, "recruitment.write", organisation)
    with ctx.unit() as s:
        records = parse(_countries(s), org)
        context = build_context(s)
        findings = evaluate(records, RULES, context)
        replaced = 0
        if not dry_run:
            sealed = _candidates.seal(ctx.settings, records)
            counts = store.save_records(s, records, findings, sealed)
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
        _warnings(context, records),
    )


def import_file(
    ctx: AppContext,
    principal: Principal,
    path: Path,
    *,
    organisation: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a records file, CSV or Excel (.xlsx) by its suffix (see :func:`import_text`)."""
    return import_parsed(
        ctx,
        principal,
        lambda countries, org: read_records(path, countries, org),
        path.name,
        organisation=organisation,
        dry_run=dry_run,
    )


def import_upload(
    ctx: AppContext, principal: Principal, data: bytes, name: str, *, dry_run: bool = False
) -> ImportResult:
    """Import an uploaded records file: CSV (UTF-8) or Excel (.xlsx), by its name's suffix.

    Raises:
        Invalid: another kind of file, text that is not UTF-8, an unsafe workbook, or bad rows.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="hrh-upload-") as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(data)
            return import_parsed(
                ctx,
                principal,
                lambda countries, org: parse_records_xlsx(path, countries, org, name=name),
                name,
                dry_run=dry_run,
            )
    if suffix not in (".csv", ".txt"):
        raise Invalid.of(
            M_("Only .csv and .xlsx files are accepted."),
            hint=M_("Save the sheet as CSV UTF-8 or .xlsx."),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid.of(
            M_("%(file)s is not UTF-8 text."), hint=M_("Save it as 'CSV UTF-8'."), file=name
        ) from None
    if not text.strip():
        raise Invalid.of(M_("%(file)s is empty."), file=name)
    return import_text(ctx, principal, text, name, dry_run=dry_run)


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


def explanation_of(finding: Finding) -> Text | None:
    """Return a finding's explanation as a text the pages can say in the reader's language.

    None where the stored evidence does not hold every value the explanation names: it is
    then shown as stored, in English (:func:`hrh.compliance.rules.explanation_text`).
    """
    return explanation_text(finding.rule_id, finding.evidence, finding.explanation)


@dataclass(frozen=True)
class RecordView:
    """One record with its findings and their evidence.

    ``candidate``: the personal fields for a caller entitled to them (``candidates.read``),
    else None; ``record.personal`` is always empty.
    """

    record: RecruitmentRecord
    findings: list[Finding]
    candidate: dict[str, str] | None = None


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
    record, findings, sealed = found
    candidate = _candidates.reveal(ctx.settings, principal, organisation, sealed)
    return RecordView(record, findings, candidate)


def list_agreements(ctx: AppContext) -> list[Agreement]:
    """Return the stored agreements registry (``hrh load reference`` loads the UK ones)."""
    with ctx.unit() as s:
        return registry_store.list_agreements(s)


def list_rules() -> tuple[Rule, ...]:
    """Return the compliance rules, as declared in ``hrh.compliance.rules``."""
    return RULES


# --- WHO Global Code national reporting ---------------------------------------------------

TRAINING_COLUMN = "country_of_training"
#: Where each table's figures come from (English strings that keep their text for the pages).
REPORT_SOURCES: dict[str, str] = {
    "inflows_records": Text.of(
        M_(
            "Stored recruitment records (hrh compliance import), recruited on or before the "
            "as-of date; country of training from the record's extra column `%(column)s` "
            "where given, else the candidate's country of residence."
        ),
        column=TRAINING_COLUMN,
    ).sentence(),
    "inflows_oecd": Text(
        M_(
            "Stored bilateral flows of kind `inflow` (OECD Health Statistics, foreign-trained "
            "health workers), latest year on or before the as-of year, newest vintage; the "
            "source of each row is named in its `source` column."
        )
    ).sentence(),
    "ssl_recruitment": Text(
        M_(
            "Stored recruitment records whose candidate's residence was on the WHO health "
            "workforce support and safeguards list in force on the recruitment date (lists "
            "stored by `hrh load reference`); 'with agreement' when a stored agreement covered "
            "its origin, destination, cadre and date (the agreements registry)."
        )
    ).sentence(),
    "agreements": Text(
        M_(
            "Stored government-to-government agreements and MoUs in force on the as-of date "
            "(the agreements registry; `hrh load reference` loads the bundled UK ones, see "
            "src/hrh/reference/agreements/SOURCE.md)."
        )
    ).sentence(),
}


@dataclass(frozen=True)
class NationalReport:
    """The figures the WHO Global Code national reporting instrument asks for.

    Aggregates only (counts), never a record: recruiters get their organisation's part.
    ``organisation`` is the organisation the figures are confined to (None: all).
    """

    as_of: date
    destination: str | None
    organisation: str | None
    inflows_records: list[dict[str, object]]
    inflows_oecd: list[dict[str, object]]
    ssl_recruitment: list[dict[str, object]]
    agreements: list[dict[str, object]]
    sources: dict[str, str]
    warnings: list[str]

    def sections(self) -> dict[str, list[dict[str, object]]]:
        """Return the tables of the report by name."""
        return {
            "inflows_records": self.inflows_records,
            "inflows_oecd": self.inflows_oecd,
            "ssl_recruitment": self.ssl_recruitment,
            "agreements": self.agreements,
        }


def _oecd_inflows(s: Session, destination: str | None, as_of: date) -> list[dict[str, object]]:
    sources = reads.list_sources(s)
    labels = {src.id: src.label for src in sources}
    ranks = {src.id: i for i, src in enumerate(sources)}
    best: dict[tuple[str, str, str], reads.FlowRow] = {}
    for r in reads.flow_rows(s, destination=destination, kind="inflow"):
        if r.year > as_of.year:
            continue
        key = (r.destination, r.origin, r.cadre)
        old = best.get(key)
        if old is None or (r.year, ranks.get(r.source_id, -1)) > (
            old.year,
            ranks.get(old.source_id, -1),
        ):
            best[key] = r
    return [
        {
            "destination": r.destination,
            "country_of_training": r.origin,
            "cadre": r.cadre,
            "year": r.year,
            "inflow": r.value,
            "source": labels.get(r.source_id, str(r.source_id)),
        }
        for _, r in sorted(best.items())
    ]


def national_report(
    ctx: AppContext,
    principal: Principal,
    as_of: date,
    *,
    destination: str | None = None,
) -> NationalReport:
    """Return the WHO Code national reporting figures from the stored data, on ``as_of``.

    Records count when recruited on or before ``as_of``; each is read against the
    safeguards list and agreements in force on its own recruitment date. A recruiter's figures
    cover its organisation's records only (the published OECD flows and the agreements are
    public and the same for everyone).
    """
    org = _owned(principal, "recruitment.read", None)
    with ctx.unit() as s:
        records = store.list_records(s, org, destination=destination, until=as_of)
        context = build_context(s)
        oecd = _oecd_inflows(s, destination, as_of)
    inflows: dict[tuple[str, str, str], int] = defaultdict(int)
    ssl: dict[tuple[str, str, str, str, bool], int] = defaultdict(int)
    for r in records:
        trained = str(r.extra.get(TRAINING_COLUMN) or r.candidate_residence).upper()
        inflows[(r.destination, trained, r.cadre)] += 1
        listed = context.ssl_at(r.recruitment_date)
        if listed is not None and r.candidate_residence in listed.countries:
            covered = bool(context.covering(r, r.recruitment_date))
            ssl[(r.destination, r.candidate_residence, r.cadre, r.route, covered)] += 1
    agreements: list[dict[str, object]] = [
        {
            "agreement_id": a.agreement_id,
            "origin": a.origin,
            "destination": a.destination,
            "cadres": ";".join(sorted(a.cadres)) or "all",
            "kind": a.kind,
            "valid_from": a.valid_from.isoformat(),
            "valid_to": a.valid_to.isoformat() if a.valid_to else None,
            "source": a.source,
        }
        for a in sorted(context.agreements, key=lambda a: a.agreement_id)
        if a.valid_from <= as_of
        and (a.valid_to is None or as_of <= a.valid_to)
        and (destination is None or a.destination == destination)
    ]
    return NationalReport(
        as_of,
        destination,
        org,
        [
            {"destination": d, "country_of_training": c, "cadre": k, "records": n}
            for (d, c, k), n in sorted(inflows.items())
        ],
        oecd,
        [
            {
                "destination": d,
                "source_country": c,
                "cadre": k,
                "route": rt,
                "with_agreement": cov,
                "records": n,
            }
            for (d, c, k, rt, cov), n in sorted(ssl.items())
        ],
        agreements,
        dict(REPORT_SOURCES),
        _warnings(context),
    )


def write_report_xlsx(report: NationalReport, path: Path) -> Path:
    """Write the report as an Excel workbook: one sheet per table, and a "Sources" sheet."""
    from openpyxl import Workbook  # imported here: only the Excel export needs it

    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for name, rows in report.sections().items():
        ws = wb.create_sheet(name)
        head = list(rows[0]) if rows else ["(no rows)"]
        ws.append(head)
        for row in rows:
            ws.append([row[h] for h in head])
    src = wb.create_sheet("Sources")
    src.append(["sheet", "where the figures come from"])
    for name, text in report.sources.items():
        src.append([name, text])
    src.append(["as_of", report.as_of.isoformat()])
    src.append(["destination", report.destination or "all"])
    src.append(["organisation", report.organisation or "all"])
    for w in report.warnings:
        src.append(["warning", w])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
