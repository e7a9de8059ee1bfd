"""Importing files: read, validate, then write everything in one transaction or nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.domain.policy import LOCAL_ADMIN, Principal, require
from hrh.domain.records import (
    CoverageObs,
    EconomicObs,
    FlowObs,
    PopulationObs,
    SafeguardEntry,
    StockObs,
)
from hrh.errors import HrhError, Invalid
from hrh.ingest.base import CountryIndex, ImportResult, file_sha256
from hrh.ingest.formats import Format, get_format
from hrh.ingest.reference import read_country_reference, read_manifest
from hrh.services import audit, compliance_registry
from hrh.services._streaming import StreamWriter
from hrh.services.context import AppContext
from hrh.store import reads, writes

#: progress(advance, total): called as rows are written.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do)."""

    format: str
    file: str
    sha256: str
    dry_run: bool
    rows_read: int
    records: int
    inserted: int
    unchanged: int
    sources: list[str]
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Return ``dry-run``, ``unchanged`` (nothing new) or ``imported``."""
        if self.dry_run:
            return "dry-run"
        return "unchanged" if self.inserted == 0 else "imported"


class _DryRunRollback(Exception):
    """Raised inside the transaction to roll back a dry run."""


def country_index(ctx: AppContext) -> CountryIndex:
    """Build the code → ISO3 index from the stored country reference."""
    with ctx.unit() as s:
        countries = {c.iso3: c for c in reads.load_countries(s)}
        aliases = reads.load_aliases(s)
        aggregates = frozenset(reads.load_aggregates(s))
    if not countries:
        raise Invalid(
            "The country reference is not loaded.",
            hint="Run `hrh load reference` (or `hrh load countries`) first.",
        )
    return CountryIndex(countries, aliases, aggregates)


def load_countries(ctx: AppContext, principal: Principal = LOCAL_ADMIN) -> int:
    """Load (or refresh) the bundled country reference; return the number of countries."""
    require(principal, "data.import")
    ref = read_country_reference()
    with ctx.unit() as s:
        n = writes.replace_countries(s, ref.countries, ref.aliases, ref.aggregates)
        audit.record(s, principal, "reference.countries", "countries", {"countries": n})
        return n


def import_file(
    ctx: AppContext,
    fmt: str,
    path: Path,
    *,
    principal: Principal,
    options: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    countries: CountryIndex | None = None,
) -> ImportSummary:
    """Import one file atomically and idempotently.

    Raises:
        Invalid: when any row is bad; every bad row is listed and nothing is written
            (the attempt is recorded in the import log).
        Conflict: when a cell is already stored for the same source vintage with another value.
    """
    require(principal, "data.import")
    actor = principal.label
    spec = get_format(fmt)
    opts = dict(options or {})
    unknown = sorted(set(opts) - set(spec.options))
    if unknown:
        raise Invalid(
            f"Unknown option(s) {', '.join(unknown)} for format {fmt}.",
            hint="Options of this format: " + ", ".join(spec.options) + ".",
        )
    index = countries or country_index(ctx)
    try:
        with _gc_paused():
            if spec.streams:
                return _import_streaming(ctx, spec, path, index, opts, dry_run, principal, progress)
            result = spec.reader()(path, index, opts)
            if result.problems:
                raise _invalid(result)
            return _write(ctx, result, dry_run, principal, progress)
    except _DryRunRollback as rb:
        summary: ImportSummary = rb.args[0]
        return summary
    except HrhError as exc:
        _log_failure(ctx, fmt, path, actor, exc)
        raise


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small records are alive.

    The records hold no reference cycles, so the collector would only re-scan them again and
    again (a third of the import time on a 1M-row file); reference counting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write(
    ctx: AppContext,
    result: ImportResult,
    dry_run: bool,
    principal: Principal,
    progress: Progress | None,
) -> ImportSummary:
    total = result.records
    tick = (lambda n: progress(n, total)) if progress else None
    inserted = 0
    with ctx.unit() as s:
        for batch in result.batches:
            source_id = writes.ensure_source(s, batch.source)
            for kind, records in (
                (StockObs, batch.stocks),
                (PopulationObs, batch.population),
                (FlowObs, batch.flows),
                (CoverageObs, batch.coverage),
                (SafeguardEntry, batch.safeguards),
                (EconomicObs, batch.economic),
            ):
                inserted += writes.insert_records(
                    s, source_id, records, result.file, tick, record_type=kind
                )
        summary = _finish(s, result, inserted, dry_run, principal)
        if dry_run:
            raise _DryRunRollback(summary)
    return summary


def _finish(
    session: Session, result: ImportResult, inserted: int, dry_run: bool, principal: Principal
) -> ImportSummary:
    """Summarise a written import; unless a dry run, log and audit it in the same transaction."""
    total = result.records
    summary = ImportSummary(
        format=result.format,
        file=result.file,
        sha256=result.sha256,
        dry_run=dry_run,
        rows_read=result.rows_read,
        records=total,
        inserted=inserted,
        unchanged=total - inserted,
        sources=[b.source.label for b in result.batches],
        skipped=dict(result.skipped),
        notes=list(result.notes),
    )
    if dry_run:
        return summary
    writes.log_import(
        session,
        format=result.format,
        file=result.file,
        sha256=result.sha256,
        status=summary.status,
        actor=principal.label,
        rows_read=result.rows_read,
        inserted=inserted,
        unchanged=summary.unchanged,
        problems=0,
        message="",
    )
    detail = {
        "format": result.format,
        "sha256": result.sha256,
        "inserted": inserted,
        "unchanged": summary.unchanged,
        "sources": summary.sources,
    }
    audit.record(session, principal, "data.import", f"file:{result.file}", detail)
    return summary


def _import_streaming(
    ctx: AppContext,
    spec: Format,
    path: Path,
    index: CountryIndex,
    opts: Mapping[str, str],
    dry_run: bool,
    principal: Principal,
    progress: Progress | None,
) -> ImportSummary:
    """Read and write at once in one transaction; commit only a clean, complete file."""
    tick = (lambda n: progress(n, 0)) if progress else None
    session = ctx.sessions()
    writer = StreamWriter(session, path.name, tick)
    writer.start()
    try:
        result = spec.streaming_reader()(path, index, opts, sink=writer.sink)
        if not result.problems:
            for batch in result.batches:
                writer.sink(batch.source, batch.stocks)
        writer.finish()
        if result.problems:
            raise _invalid(result)
        summary = _finish(session, result, writer.inserted, dry_run, principal)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        return summary
    except BaseException:
        if writer.is_alive():
            writer.error = writer.error or RuntimeError("import aborted")
            with suppress(BaseException):
                writer.finish()
        session.rollback()
        raise
    finally:
        session.close()


def _invalid(result: ImportResult) -> Invalid:
    more = f" (and {result.problems_dropped} more)" if result.problems_dropped else ""
    return Invalid(
        f"{result.file}: {len(result.problems)} problem(s){more}; nothing was imported.",
        hint="Fix the rows listed and import the file again.",
        problems=list(result.problems),
    )


def _log_failure(ctx: AppContext, fmt: str, path: Path, actor: str, exc: HrhError) -> None:
    sha = file_sha256(path) if path.is_file() else ""
    with ctx.unit() as s:
        writes.log_import(
            s,
            format=fmt,
            file=path.name,
            sha256=sha,
            status="failed",
            actor=actor,
            problems=len(exc.problems),
            message=exc.message[:2000],
        )


@dataclass(frozen=True)
class ReferenceLoad:
    """The result of loading the bundled reference data."""

    countries: int
    imports: list[ImportSummary]
    #: the bundled UK agreements stored in the agreements registry (idempotent)
    agreements: compliance_registry.RegistryImport | None = None


def load_reference(
    ctx: AppContext,
    on_dataset: Callable[[str, int], Progress | None] | None = None,
    *,
    principal: Principal = LOCAL_ADMIN,
    recheck: bool = False,
) -> ReferenceLoad:
    """Load the bundled countries and datasets through the same importers users call.

    ``on_dataset(title, index)`` is called before each dataset and may return a progress
    callback for it. Idempotent: a second load inserts nothing, and files already imported
    (same format and SHA-256 in the import log) are not read again unless ``recheck``.
    """
    n = load_countries(ctx, principal)
    index = country_index(ctx)
    summaries = []
    for i, entry in enumerate(read_manifest()):
        progress = on_dataset(entry.title, i) if on_dataset else None
        sha = file_sha256(entry.file)
        if not recheck:
            with ctx.unit() as s:
                done = reads.imported_before(s, entry.format, sha)
            if done:
                summaries.append(_already_imported(entry.format, entry.file, sha))
                continue
        summaries.append(
            import_file(
                ctx,
                entry.format,
                entry.file,
                principal=principal,
                options=entry.options,
                progress=progress,
                countries=index,
            )
        )
    agreements = compliance_registry.load_bundled_agreements(ctx, principal)
    return ReferenceLoad(n, summaries, agreements)


def _already_imported(fmt: str, path: Path, sha: str) -> ImportSummary:
    return ImportSummary(
        format=fmt,
        file=path.name,
        sha256=sha,
        dry_run=False,
        rows_read=0,
        records=0,
        inserted=0,
        unchanged=0,
        sources=[],
        notes=["already imported (same file hash)"],
    )
