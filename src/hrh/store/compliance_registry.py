"""Queries on the organisations and agreements registries. Never commits: the caller owns the unit.

Both registries are keyed by a natural id (organisation name, agreement id): writing one that
exists replaces it, so re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hrh.domain.recruitment import Agreement, Listing, Organisation
from hrh.store.tables_compliance import AgreementOverrideRow as X
from hrh.store.tables_compliance import AgreementRow as A
from hrh.store.tables_compliance import OrganisationListingRow as L
from hrh.store.tables_compliance import OrganisationRow as O


@dataclass(frozen=True)
class Written:
    """What a registry write did: rows new, replaced, and unchanged."""

    added: int
    replaced: int
    unchanged: int


def _split(text: str) -> frozenset[str]:
    return frozenset(x for x in text.split(";") if x)


def _to_organisation(o: O, listings: Sequence[L]) -> Organisation:
    return Organisation(
        o.name,
        o.country,
        o.kind,
        tuple(Listing(p.valid_from, p.valid_to, p.source) for p in listings),
        o.source,
    )


def list_organisations(session: Session, name: str | None = None) -> list[Organisation]:
    """Return the organisations (one, when ``name`` is given) with their listing periods."""
    q = select(O).order_by(O.name)
    if name is not None:
        q = q.where(O.name == name)
    orgs = list(session.scalars(q))
    by_org: dict[int, list[L]] = {o.id: [] for o in orgs}
    if orgs:
        rows = session.scalars(
            select(L).where(L.organisation_pk.in_(list(by_org))).order_by(L.valid_from, L.id)
        )
        for p in rows:
            by_org[p.organisation_pk].append(p)
    return [_to_organisation(o, by_org[o.id]) for o in orgs]


def save_organisations(session: Session, orgs: Sequence[Organisation]) -> Written:
    """Insert or replace organisations by name, with their listing periods."""
    now = datetime.now(UTC)
    existing = {o.name: o for o in list_organisations(session)}
    added = replaced = unchanged = 0
    for org in orgs:
        old = existing.get(org.name)
        if old == org:
            unchanged += 1
            continue
        if old is not None:
            pk = session.scalar(select(O.id).where(O.name == org.name))
            session.execute(delete(L).where(L.organisation_pk == pk))
            session.execute(delete(O).where(O.id == pk))
            replaced += 1
        else:
            added += 1
        row = O(
            name=org.name,
            country=org.country,
            kind=org.kind,
            source=org.source[:400],
            updated_at=now,
        )
        session.add(row)
        session.flush()
        session.add_all(
            L(
                organisation_pk=row.id,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                source=p.source[:400],
            )
            for p in org.listings
        )
    return Written(added, replaced, unchanged)


def _to_agreement(a: A) -> Agreement:
    return Agreement(
        a.agreement_id,
        a.origin,
        a.destination,
        _split(a.cadres),
        a.valid_from,
        a.valid_to,
        a.kind,
        a.source,
        _split(a.routes),
        a.terms,
    )


def list_agreements(session: Session) -> list[Agreement]:
    """Return the stored agreements, by id."""
    return [_to_agreement(a) for a in session.scalars(select(A).order_by(A.agreement_id))]


def save_agreements(session: Session, agreements: Sequence[Agreement]) -> Written:
    """Insert or replace agreements by id."""
    now = datetime.now(UTC)
    existing = {a.agreement_id: a for a in list_agreements(session)}
    added = replaced = unchanged = 0
    for ag in agreements:
        old = existing.get(ag.agreement_id)
        if old == ag:
            unchanged += 1
            continue
        if old is not None:
            session.execute(delete(A).where(A.agreement_id == ag.agreement_id))
            replaced += 1
        else:
            added += 1
        session.add(
            A(
                agreement_id=ag.agreement_id,
                origin=ag.origin,
                destination=ag.destination,
                cadres=";".join(sorted(ag.cadres)),
                valid_from=ag.valid_from,
                valid_to=ag.valid_to,
                kind=ag.kind,
                routes=";".join(sorted(ag.routes)),
                terms=ag.terms,
                source=ag.source[:400],
                updated_at=now,
            )
        )
        session.flush()
    return Written(added, replaced, unchanged)


def delete_agreement(session: Session, agreement_id: str) -> bool:
    """Delete one agreement; return False when there was none."""
    gone = session.execute(delete(A).where(A.agreement_id == agreement_id))
    return bool(getattr(gone, "rowcount", 0))


def delete_organisation(session: Session, name: str) -> bool:
    """Delete one organisation and its listing periods; return False when there was none."""
    pk = session.scalar(select(O.id).where(O.name == name))
    if pk is None:
        return False
    session.execute(delete(L).where(L.organisation_pk == pk))
    session.execute(delete(O).where(O.id == pk))
    return True


def agreement_overrides(session: Session) -> dict[str, str]:
    """Return the local changes to agreements: id → ``edited`` or ``deleted``."""
    return {x.agreement_id: x.change for x in session.scalars(select(X))}


def mark_agreement(session: Session, agreement_id: str, change: str, actor: str) -> None:
    """Record a local change (``edited``, ``deleted``) to an agreement, replacing any earlier."""
    session.execute(delete(X).where(X.agreement_id == agreement_id))
    session.add(
        X(agreement_id=agreement_id, change=change, changed_at=datetime.now(UTC), actor=actor)
    )
    session.flush()


def clear_agreement_marks(session: Session, agreement_ids: Sequence[str]) -> None:
    """Forget the local changes to these agreements (an explicit import replaced them)."""
    if agreement_ids:
        session.execute(delete(X).where(X.agreement_id.in_(list(agreement_ids))))
