"""The compliance registries: organisations (agencies, employers) and stored agreements.

Organisations carry their periods on the ethical recruiters list; records link to them by
name. Agreements are the government-to-government agreements and MoUs the rules read; the
bundled UK ones are loaded by ``hrh load reference``. Imports are all or nothing, idempotent
(same content: unchanged) and audited with counts only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.domain.policy import LOCAL_ADMIN, Principal, require, scope_of
from hrh.domain.recruitment import Agreement, Organisation
from hrh.errors import Conflict
from hrh.ingest._text import read_text
from hrh.ingest.organisations import organisation_from_fields, parse_organisations
from hrh.ingest.recruitment import agreement_from_fields, parse_agreements
from hrh.ingest.reference import REFERENCE_DIR
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.store import compliance_registry as store
from hrh.store import reads

AGREEMENTS_FILE = REFERENCE_DIR / "agreements" / "uk_agreements.csv"


def _countries(s: Session) -> set[str]:
    return {c.iso3 for c in reads.load_countries(s)}


@dataclass(frozen=True)
class RegistryImport:
    """What a registry import did (or, on a dry run, would do)."""

    file: str
    rows: int
    added: int
    replaced: int
    unchanged: int
    dry_run: bool


def _result(file: str, rows: int, w: store.Written, dry_run: bool) -> RegistryImport:
    return RegistryImport(file, rows, w.added, w.replaced, w.unchanged, dry_run)


# --- agreements -------------------------------------------------------------------------


def bundled_agreements(countries: set[str]) -> list[Agreement]:
    """Return the bundled UK agreements (see ``reference/agreements/SOURCE.md``)."""
    return parse_agreements(read_text(AGREEMENTS_FILE), AGREEMENTS_FILE.name, countries)


def import_agreements_text(
    ctx: AppContext, principal: Principal, text: str, file: str, *, dry_run: bool = False
) -> RegistryImport:
    """Store the agreements of a CSV (template in docs/formats.md), replacing same ids.

    Raises:
        Invalid: a bad row (file:line); nothing is stored.
        Forbidden / Unauthorized: the caller may not write agreements.
    """
    require(principal, "agreements.write")
    with ctx.unit() as s:
        agreements = parse_agreements(text, file, _countries(s))
        written = store.save_agreements(s, agreements)
        detail = {"rows": len(agreements), "added": written.added, "replaced": written.replaced}
        audit.record(s, principal, "agreements.import", f"agreements:{file}", detail)
        if dry_run:
            s.rollback()
    return _result(file, len(agreements), written, dry_run)


def import_agreements(
    ctx: AppContext, principal: Principal, path: Path, *, dry_run: bool = False
) -> RegistryImport:
    """Import an agreements CSV file (see :func:`import_agreements_text`)."""
    return import_agreements_text(ctx, principal, read_text(path), path.name, dry_run=dry_run)


def load_bundled_agreements(ctx: AppContext, principal: Principal = LOCAL_ADMIN) -> RegistryImport:
    """Store the bundled UK agreements (``hrh load reference``); a second load changes nothing."""
    return import_agreements(ctx, principal, AGREEMENTS_FILE)


def create_agreement(ctx: AppContext, principal: Principal, fields: Mapping[str, str]) -> Agreement:
    """Add one agreement from template fields (e.g. an API body).

    Raises:
        Invalid: a bad field (named); Conflict: the id exists (import a file to replace it).
    """
    require(principal, "agreements.write")
    with ctx.unit() as s:
        agreement = agreement_from_fields(fields, "request body", _countries(s))
        if any(a.agreement_id == agreement.agreement_id for a in store.list_agreements(s)):
            raise Conflict(
                f"Agreement {agreement.agreement_id!r} exists already.",
                hint="Import a CSV with `hrh compliance agreements import` to replace it.",
            )
        store.save_agreements(s, [agreement])
        audit.record(s, principal, "agreements.create", f"agreement:{agreement.agreement_id}")
    return agreement


def list_agreements(ctx: AppContext) -> list[Agreement]:
    """Return the stored agreements registry (public reference)."""
    with ctx.unit() as s:
        return store.list_agreements(s)


# --- organisations ----------------------------------------------------------------------


def import_organisations_text(
    ctx: AppContext, principal: Principal, text: str, file: str, *, dry_run: bool = False
) -> RegistryImport:
    """Store the organisations of a registry CSV, replacing those of the same name.

    Raises:
        Invalid: a bad row (file:line); nothing is stored.
        Forbidden / Unauthorized: the caller may not write organisations.
    """
    require(principal, "organisations.write")
    with ctx.unit() as s:
        orgs = parse_organisations(text, file, _countries(s))
        written = store.save_organisations(s, orgs)
        detail = {"rows": len(orgs), "added": written.added, "replaced": written.replaced}
        audit.record(s, principal, "organisations.import", f"organisations:{file}", detail)
        if dry_run:
            s.rollback()
    return _result(file, len(orgs), written, dry_run)


def import_organisations(
    ctx: AppContext, principal: Principal, path: Path, *, dry_run: bool = False
) -> RegistryImport:
    """Import an organisations CSV file (see :func:`import_organisations_text`)."""
    return import_organisations_text(ctx, principal, read_text(path), path.name, dry_run=dry_run)


def create_organisation(
    ctx: AppContext, principal: Principal, fields: Mapping[str, str]
) -> Organisation:
    """Add one organisation (with at most one listing period) from template fields.

    Raises:
        Invalid: a bad field (named); Conflict: the name exists (import a file to replace it).
    """
    require(principal, "organisations.write")
    with ctx.unit() as s:
        org = organisation_from_fields(fields, "request body", _countries(s))
        if store.list_organisations(s, org.name):
            raise Conflict(
                f"Organisation {org.name!r} exists already.",
                hint="Import a CSV with `hrh compliance organisations import` to replace it.",
            )
        store.save_organisations(s, [org])
        audit.record(s, principal, "organisations.create", f"organisation:{org.name}")
    return org


def list_organisations(ctx: AppContext, principal: Principal) -> list[Organisation]:
    """Return the organisations the caller may read (a recruiter: its own only)."""
    require(principal, "organisations.read")
    with ctx.unit() as s:
        if scope_of(principal, "organisations.read") == "organisation":
            return store.list_organisations(s, principal.organisation)
        return store.list_organisations(s)


def organisations_by_name(s: Session) -> dict[str, Organisation]:
    """Return the registry by name, for the rules' context."""
    return {o.name: o for o in store.list_organisations(s)}


@dataclass(frozen=True)
class OrganisationStatus:
    """An organisation's ethical-recruiter status on a date, and where it comes from."""

    status: str  # "listed", "not_listed" or "not_in_registry"
    source: str


def status_on(org: Organisation | None, on: date) -> OrganisationStatus:
    """Return the status of ``org`` (None: unknown to the registry) on ``on``."""
    if org is None:
        return OrganisationStatus("not_in_registry", "")
    listing = org.listing_on(on)
    if listing is not None:
        return OrganisationStatus("listed", listing.source)
    return OrganisationStatus("not_listed", org.source)
