"""The compliance registries: organisations (agencies, employers) and stored agreements.

Organisations carry their periods on the ethical recruiters list; records link to them by
name. Agreements are the government-to-government agreements and MoUs the rules read; the
bundled UK ones are loaded by ``hrh load reference``. Imports are all or nothing, idempotent
(same content: unchanged) and audited with counts only.

Both registries can be edited (``*.write``: analysts and admins) and deleted (``*.delete``:
admins only, for an entry that was wrongly entered; an agreement that ended gets a
``valid_to`` instead). Every change is audited with the fields it changed. Findings stored at
import time are history and stay as they were; a new check reads the registry as it is now.
An edited or deleted bundled agreement is remembered, so that ``hrh load reference`` neither
reverts the edit nor brings the agreement back; importing a CSV that holds the id restores it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from hrh.domain.policy import LOCAL_ADMIN, Principal, require, scope_of
from hrh.domain.recruitment import Agreement, Organisation
from hrh.errors import M_, Conflict, Invalid, NotFound, Problem
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
    kept: int = 0  # bundled load: edited or deleted locally, so left as they are


def _result(file: str, rows: int, w: store.Written, dry_run: bool, kept: int = 0) -> RegistryImport:
    return RegistryImport(file, rows, w.added, w.replaced, w.unchanged, dry_run, kept)


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
        store.clear_agreement_marks(s, [a.agreement_id for a in agreements])
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
    """Store the bundled UK agreements (``hrh load reference``); a second load changes nothing.

    A bundled agreement edited or deleted here is left as it is (counted in ``kept``); to
    restore the bundled version, import the bundled file with ``agreements import``.
    """
    require(principal, "agreements.write")
    file = AGREEMENTS_FILE.name
    with ctx.unit() as s:
        bundled = parse_agreements(read_text(AGREEMENTS_FILE), file, _countries(s))
        marks = store.agreement_overrides(s)
        wanted = [a for a in bundled if a.agreement_id not in marks]
        written = store.save_agreements(s, wanted)
        kept = len(bundled) - len(wanted)
        detail = {"rows": len(bundled), "added": written.added, "replaced": written.replaced}
        audit.record(
            s, principal, "agreements.import", f"agreements:{file}", {**detail, "kept": kept}
        )
    return _result(file, len(bundled), written, False, kept)


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
        store.clear_agreement_marks(s, [agreement.agreement_id])
        audit.record(s, principal, "agreements.create", f"agreement:{agreement.agreement_id}")
    return agreement


AGREEMENT_FIELDS = (
    "origin",
    "destination",
    "cadres",
    "valid_from",
    "valid_to",
    "kind",
    "source",
    "routes",
    "terms",
)


def agreement_fields(a: Agreement) -> dict[str, str]:
    """Return an agreement as the CSV template's fields (text), without its id."""
    return {
        "origin": a.origin,
        "destination": a.destination,
        "cadres": ";".join(sorted(a.cadres)),
        "valid_from": a.valid_from.isoformat(),
        "valid_to": a.valid_to.isoformat() if a.valid_to else "",
        "kind": a.kind,
        "source": a.source,
        "routes": ";".join(sorted(a.routes)),
        "terms": a.terms,
    }


def _unknown_fields(where: str, changes: Mapping[str, object], allowed: Sequence[str]) -> None:
    bad = [
        Problem.of(where, None, k, str(v)[:80], M_("one of %(fields)s"), fields=", ".join(allowed))
        for k, v in changes.items()
        if k not in allowed
    ]
    if bad:
        raise Invalid.of(
            M_("%(where)s: %(n)s field(s) cannot be changed."),
            where=where,
            n=len(bad),
            problems=bad,
        )


def _agreement(s: Session, agreement_id: str) -> Agreement:
    found = next((a for a in store.list_agreements(s) if a.agreement_id == agreement_id), None)
    if found is None:
        raise NotFound.of(
            M_("There is no agreement %(id)s."),
            id=repr(agreement_id),
            hint=M_("See the agreements registry (`hrh compliance agreements list`)."),
        )
    return found


def update_agreement(
    ctx: AppContext, principal: Principal, agreement_id: str, changes: Mapping[str, str]
) -> Agreement:
    """Change fields of a stored agreement (template fields as text; ``valid_to`` ends it).

    The id cannot change (delete and add instead). Nothing changed: nothing is written.

    Raises:
        NotFound: no such agreement. Invalid: an unknown field or a bad value (each named,
            with the value and what was expected); nothing is changed.
        Forbidden / Unauthorized: the caller may not write agreements.
    """
    require(principal, "agreements.write")
    where = f"agreement {agreement_id}"
    _unknown_fields(where, changes, AGREEMENT_FIELDS)
    with ctx.unit() as s:
        old = _agreement(s, agreement_id)
        before = agreement_fields(old)
        merged = {**before, **changes, "agreement_id": agreement_id}
        new = agreement_from_fields(merged, where, _countries(s))
        after = agreement_fields(new)
        changed = [k for k in AGREEMENT_FIELDS if after[k] != before[k]]
        if changed:
            store.save_agreements(s, [new])
            store.mark_agreement(s, agreement_id, "edited", principal.label)
            detail = {"fields": changed, "before": {k: before[k] for k in changed}}
            audit.record(s, principal, "agreements.update", f"agreement:{agreement_id}", detail)
    return new


def delete_agreement(
    ctx: AppContext, principal: Principal, agreement_id: str, *, reason: str = ""
) -> Agreement:
    """Delete an agreement that was wrongly entered (one that ended: set ``valid_to``).

    Findings stored earlier stay as they were; a bundled agreement stays deleted through
    ``hrh load reference``. Returns what was deleted (it is also in the audit event).

    Raises:
        NotFound: no such agreement. Forbidden / Unauthorized: the caller may not delete.
    """
    require(principal, "agreements.delete")
    with ctx.unit() as s:
        old = _agreement(s, agreement_id)
        store.delete_agreement(s, agreement_id)
        store.mark_agreement(s, agreement_id, "deleted", principal.label)
        detail = {"reason": reason[:400], "was": agreement_fields(old)}
        audit.record(s, principal, "agreements.delete", f"agreement:{agreement_id}", detail)
    return old


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


ORGANISATION_FIELDS = ("country", "type", "source")
LISTING_FIELDS = ("valid_from", "valid_to", "source")


def _organisation(s: Session, name: str) -> Organisation:
    found = store.list_organisations(s, name)
    if not found:
        raise NotFound.of(
            M_("There is no organisation %(name)s."),
            name=repr(name),
            hint=M_("See the organisations registry (`hrh compliance organisations list`)."),
        )
    return found[0]


def _listing_text(o: Organisation) -> list[str]:
    return [
        f"{p.valid_from.isoformat()}..{p.valid_to.isoformat() if p.valid_to else ''} {p.source}"
        for p in o.listings
    ]


def update_organisation(
    ctx: AppContext,
    principal: Principal,
    name: str,
    changes: Mapping[str, str],
    listings: Sequence[Mapping[str, str]] | None = None,
) -> Organisation:
    """Change an organisation's country, type or source, and/or replace its listing periods.

    ``listings`` (None: keep them) are mappings of ``valid_from``, ``valid_to`` (empty: still
    listed) and ``source``; an empty sequence removes every period. The name cannot change:
    records link to organisations by name.

    Raises:
        NotFound: no such organisation. Invalid: an unknown field or a bad value (each named,
            with the value and what was expected); nothing is changed.
        Forbidden / Unauthorized: the caller may not write organisations.
    """
    require(principal, "organisations.write")
    where = f"organisation {name}"
    _unknown_fields(where, changes, ORGANISATION_FIELDS)
    for i, period in enumerate(listings or ()):
        _unknown_fields(f"{where}, period {i + 1}", period, LISTING_FIELDS)
    with ctx.unit() as s:
        old = _organisation(s, name)
        countries = _countries(s)
        head = {
            "name": name,
            "country": changes.get("country", old.country),
            "type": changes.get("type", old.kind),
            "source": changes.get("source", old.source),
        }
        base = organisation_from_fields(head, where, countries)
        periods = old.listings
        if listings is not None:
            parsed = [
                organisation_from_fields(
                    {
                        **head,
                        "ethical_recruiter_from": p.get("valid_from", ""),
                        "ethical_recruiter_to": p.get("valid_to", ""),
                        "source": p.get("source", ""),
                    },
                    f"{where}, period {i + 1}",
                    countries,
                ).listings
                for i, p in enumerate(listings)
            ]
            periods = tuple(
                sorted((x for ls in parsed for x in ls), key=lambda p: (p.valid_from, p.source))
            )
        new = Organisation(name, base.country, base.kind, periods, base.source)
        if new != old:
            changed = [
                k
                for k, a, b in (
                    ("country", old.country, new.country),
                    ("type", old.kind, new.kind),
                    ("source", old.source, new.source),
                    ("listings", old.listings, new.listings),
                )
                if a != b
            ]
            store.save_organisations(s, [new])
            detail = {"fields": changed, "listings_before": _listing_text(old)}
            audit.record(s, principal, "organisations.update", f"organisation:{name}", detail)
    return new


def delete_organisation(
    ctx: AppContext, principal: Principal, name: str, *, reason: str = ""
) -> Organisation:
    """Delete an organisation that was wrongly entered, with its listing periods.

    Its records and their findings stay; the organisation then reads as "not in the
    registry" in later checks and scorecards. Returns what was deleted.

    Raises:
        NotFound: no such organisation. Forbidden / Unauthorized: the caller may not delete.
    """
    require(principal, "organisations.delete")
    with ctx.unit() as s:
        old = _organisation(s, name)
        store.delete_organisation(s, name)
        detail = {
            "reason": reason[:400],
            "was": {"country": old.country, "type": old.kind, "source": old.source},
            "listings": _listing_text(old),
        }
        audit.record(s, principal, "organisations.delete", f"organisation:{name}", detail)
    return old


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
