"""Diaspora profiles: import, self-registration, one's own profile and consents.

Personal fields are encrypted before they are stored (``hrh.services.keys``) and decrypted
only for the profile's owner (and, through ``hrh.services.privacy``, an administrator).
Audit details hold ids and counts only, never a personal field.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from hrh.diaspora.matching import Candidate
from hrh.domain.policy import Principal, require
from hrh.errors import M_, Conflict, Invalid, NotFound, Problem
from hrh.ingest import diaspora as reader
from hrh.ingest.diaspora import CEFR, MODES, PERSONAL, PURPOSES, ProfileRow
from hrh.services import audit
from hrh.services.accounts import MIN_PASSWORD
from hrh.services.context import AppContext
from hrh.services.keys import FieldCipher, field_cipher
from hrh.store import accounts as account_store
from hrh.store import diaspora as store
from hrh.store import reads
from hrh.store.tables_diaspora import DiasporaProfile

_LEVEL_NAMES = {v: ("native" if k == "NATIVE" else k) for k, v in CEFR.items()}


@dataclass(frozen=True)
class ConsentView:
    """The current decision for one purpose."""

    purpose: str
    granted: bool
    at: str | None


@dataclass(frozen=True)
class ProfileView:
    """A profile as its owner (or an entitled administrator) sees it."""

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
    consents: list[ConsentView]
    personal: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored."""

    file: str
    imported: int


def _now() -> datetime:
    return datetime.now(UTC)


def known_countries(s: Session) -> set[str]:
    """Return the stored ISO3 codes."""
    return {c.iso3 for c in reads.load_countries(s)}


def _seal(cipher: FieldCipher, name: str, text: str) -> str:
    return cipher.encrypt(text, context=f"profile.{name}") if text else ""


def _open(cipher: FieldCipher, name: str, token: str) -> str:
    return cipher.decrypt(token, context=f"profile.{name}") if token else ""


def _row(cipher: FieldCipher, r: ProfileRow, owner: int | None, now: datetime) -> DiasporaProfile:
    return DiasporaProfile(
        profile_id=r.profile_id,
        owner_user_id=owner,
        cadre=r.cadre,
        specialty=r.specialty,
        origin=r.origin,
        residence=r.residence,
        languages=";".join(f"{c}:{lvl}" for c, lvl in r.languages),
        licences=";".join(f"{c}:{d.isoformat()}" for c, d in r.licences),
        experience_years=r.experience_years,
        available_from=r.available_from,
        available_to=r.available_to,
        modes=";".join(r.modes),
        virtual_hours_per_week=r.virtual_hours_per_week,
        preferred_countries=";".join(r.preferred_countries),
        **{f"{k}_enc": _seal(cipher, k, r.personal.get(k, "")) for k in PERSONAL},
        extra_enc=_seal(cipher, "extra", json.dumps(r.extra, sort_keys=True)) if r.extra else "",
        created_at=now,
        updated_at=now,
    )


def _store(
    s: Session, cipher: FieldCipher, r: ProfileRow, owner: int | None, now: datetime
) -> DiasporaProfile:
    row = store.add_profile(s, _row(cipher, r, owner, now))
    for purpose, granted, at in r.consent_history:  # a dated history (FHIR Consent)
        store.add_consent(s, row.id, purpose, granted, at)
    if not r.consent_history:
        for purpose in PURPOSES:
            store.add_consent(s, row.id, purpose, r.consents.get(purpose, False), now)
    return row


def store_profile(s: Session, cipher: FieldCipher, r: ProfileRow, now: datetime) -> None:
    """Store one imported profile (personal fields encrypted) with its consents."""
    _store(s, cipher, r, None, now)


def import_profiles(ctx: AppContext, principal: Principal, path: Path) -> ImportSummary:
    """Import a profiles CSV atomically (nothing is stored when a row is bad or known)."""
    require(principal, "profiles.import")
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        rows = reader.read_profiles(path, known_countries(s))
        taken = store.existing_profile_ids(s, (r.profile_id for r in rows))
        if taken:
            raise Conflict(
                f"{path.name}: {len(taken)} profile id(s) already registered; nothing imported.",
                problems=[
                    Problem(path.name, r.line, "profile_id", r.profile_id, "a new id")
                    for r in rows
                    if r.profile_id in taken
                ],
            )
        now = _now()
        for r in rows:
            _store(s, cipher, r, None, now)
        audit.record(
            s, principal, "diaspora.import_profiles", f"file:{path.name}", {"rows": len(rows)}
        )
    return ImportSummary(path.name, len(rows))


@dataclass(frozen=True)
class Registration:
    """What a professional gives when registering (personal fields in clear)."""

    username: str
    password: str
    cadre: str
    origin: str
    residence: str
    modes: list[str]
    specialty: str = ""
    languages: str = ""
    licences: str = ""
    experience_years: float = 0.0
    available_from: date | None = None
    available_to: date | None = None
    virtual_hours_per_week: float | None = None
    preferred_countries: str = ""
    consent_matching: bool = False
    consent_contact: bool = False
    consent_statistics: bool = False
    personal: dict[str, str] = field(default_factory=dict)


def _validated(s: Session, reg: Registration, profile_id: str) -> ProfileRow:
    """Check a registration with the same rules as the CSV template."""
    cells = {
        "profile_id": profile_id,
        "cadre": reg.cadre,
        "specialty": reg.specialty,
        "origin": reg.origin,
        "residence": reg.residence,
        "languages": reg.languages,
        "licences": reg.licences,
        "experience_years": repr(float(reg.experience_years)),
        "available_from": reg.available_from.isoformat() if reg.available_from else "",
        "available_to": reg.available_to.isoformat() if reg.available_to else "",
        "modes": ";".join(reg.modes),
        "virtual_hours_per_week": (
            "" if reg.virtual_hours_per_week is None else repr(float(reg.virtual_hours_per_week))
        ),
        "preferred_countries": reg.preferred_countries,
        **{f"consent_{p}": str(getattr(reg, f"consent_{p}")).lower() for p in PURPOSES},
        **{k: v for k, v in reg.personal.items() if k in PERSONAL},
    }
    return reader.parse_profile(cells, known_countries(s), "registration")


def register(ctx: AppContext, principal: Principal, reg: Registration) -> ProfileView:
    """Create a member account and its profile with consents, in one transaction."""
    require(principal, "diaspora.register")
    name = reg.username.strip()
    if not name or len(name) > 120 or any(ch.isspace() for ch in name):
        raise Invalid.of(M_("Bad username: 1-120 characters, no spaces."))
    if len(reg.password) < MIN_PASSWORD:
        raise Invalid.of(M_("A password needs at least %(n)s characters."), n=MIN_PASSWORD)
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        r = _validated(s, reg, "dp-" + secrets.token_hex(6))
        if account_store.find_user(s, name) is not None:
            raise Conflict.of(M_("That username is taken."))
        now = _now()
        user = account_store.add_user(
            s, name, "diaspora_member", "", "", PasswordHasher().hash(reg.password), now
        )
        row = _store(s, cipher, r, user.id, now)
        audit.record(
            s,
            principal,
            "diaspora.register",
            f"profile:{row.profile_id}",
            {"user_id": user.id, "consents": r.consents},
        )
        return profile_view(s, cipher, row)


def profile_view(s: Session, cipher: FieldCipher, row: DiasporaProfile) -> ProfileView:
    """Return a profile with its personal fields decrypted (entitled callers only)."""
    personal = {k: _open(cipher, k, getattr(row, f"{k}_enc")) for k in PERSONAL}
    extra = json.loads(_open(cipher, "extra", row.extra_enc)) if row.extra_enc else {}
    return ProfileView(
        profile_id=row.profile_id,
        cadre=row.cadre,
        specialty=row.specialty,
        origin=row.origin,
        residence=row.residence,
        languages=[f"{c}:{_LEVEL_NAMES[lvl]}" for c, lvl in _pairs(row.languages)],
        licences=[x for x in row.licences.split(";") if x],
        experience_years=row.experience_years,
        available_from=row.available_from.isoformat() if row.available_from else None,
        available_to=row.available_to.isoformat() if row.available_to else None,
        modes=[m for m in row.modes.split(";") if m],
        virtual_hours_per_week=row.virtual_hours_per_week,
        preferred_countries=[c for c in row.preferred_countries.split(";") if c],
        consents=_consents(s, row),
        personal={k: v for k, v in personal.items() if v},
        extra=extra,
    )


def iso_utc(at: datetime) -> str:
    """Return a stored time as ISO 8601 UTC text (naive times are read as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _pairs(text: str) -> list[tuple[str, int]]:
    out = []
    for part in filter(None, text.split(";")):
        code, _, lvl = part.partition(":")
        out.append((code, int(lvl)))
    return out


def to_candidate(row: DiasporaProfile, consents: dict[str, bool]) -> Candidate:
    """Return the pseudonymous matching view of a stored profile."""
    licences = []
    for part in filter(None, row.licences.split(";")):
        code, _, until = part.partition(":")
        licences.append((code, date.fromisoformat(until)))
    return Candidate(
        id=row.profile_id,
        cadre=row.cadre,
        specialty=row.specialty,
        origin=row.origin,
        residence=row.residence,
        languages=tuple(_pairs(row.languages)),
        licences=tuple(licences),
        experience_years=row.experience_years,
        available_from=row.available_from,
        available_to=row.available_to,
        modes=frozenset(m for m in row.modes.split(";") if m),
        consent_matching=consents.get("matching", False),
        preferred_countries=frozenset(c for c in row.preferred_countries.split(";") if c),
    )


def owned_profile(s: Session, principal: Principal, profile_id: str | None) -> DiasporaProfile:
    """Return the caller's own profile (by id, or the one linked to the account).

    Another person's profile reads as not found, so ids cannot be probed.
    """
    if principal.user_id is None:
        raise NotFound.of(M_("No profile is linked to this account."))
    row = store.profile_of_owner(s, principal.user_id)
    if row is None or (profile_id is not None and row.profile_id != profile_id):
        raise NotFound.of(
            M_("No such profile.") if profile_id else M_("No profile is linked to you.")
        )
    return row


def my_profile(ctx: AppContext, principal: Principal, profile_id: str | None = None) -> ProfileView:
    """Return the caller's own profile with its personal fields."""
    require(principal, "profile.read")
    with ctx.unit() as s:
        return profile_view(s, field_cipher(ctx.settings), owned_profile(s, principal, profile_id))


@dataclass(frozen=True)
class ProfileChanges:
    """Fields a member may change on their profile (None: unchanged)."""

    specialty: str | None = None
    available_from: date | None = None
    available_to: date | None = None
    modes: list[str] | None = None
    virtual_hours_per_week: float | None = None
    preferred_countries: list[str] | None = None
    personal: dict[str, str] = field(default_factory=dict)


def update_profile(ctx: AppContext, principal: Principal, changes: ProfileChanges) -> ProfileView:
    """Change the caller's own profile; personal fields are re-encrypted."""
    require(principal, "profile.write")
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        row = owned_profile(s, principal, None)
        changed = _apply(s, cipher, row, changes)
        row.updated_at = _now()
        audit.record(
            s, principal, "profile.write", f"profile:{row.profile_id}", {"fields": changed}
        )
        return profile_view(s, cipher, row)


def _apply(s: Session, cipher: FieldCipher, row: DiasporaProfile, ch: ProfileChanges) -> list[str]:
    changed = [
        name
        for name in ("specialty", "available_from", "available_to")
        if getattr(ch, name) is not None
    ]
    if ch.specialty is not None:
        row.specialty = ch.specialty.strip()[:120]
    if ch.available_from is not None:
        row.available_from = ch.available_from
    if ch.available_to is not None:
        row.available_to = ch.available_to
    if row.available_from and row.available_to and row.available_to < row.available_from:
        raise Invalid.of(M_("available_to must be on or after available_from."))
    if ch.modes is not None:
        modes = sorted({m.strip().lower() for m in ch.modes})
        if not modes or any(m not in MODES for m in modes):
            raise Invalid.of(M_("modes must be one or more of %(modes)s."), modes=", ".join(MODES))
        row.modes = ";".join(modes)
        changed.append("modes")
    if ch.virtual_hours_per_week is not None:
        if not 0 <= ch.virtual_hours_per_week <= 168:
            raise Invalid.of(M_("virtual_hours_per_week must be between 0 and 168."))
        row.virtual_hours_per_week = ch.virtual_hours_per_week
        changed.append("virtual_hours_per_week")
    if ch.preferred_countries is not None:
        known = known_countries(s)
        codes = sorted({c.strip().upper() for c in ch.preferred_countries if c.strip()})
        if any(c not in known for c in codes):
            raise Invalid.of(M_("preferred_countries must be ISO3 country codes."))
        row.preferred_countries = ";".join(codes)
        changed.append("preferred_countries")
    for k, v in sorted(ch.personal.items()):
        if k not in PERSONAL:
            raise Invalid(f"Unknown personal field {k!r}.", hint="Fields: " + ", ".join(PERSONAL))
        setattr(row, f"{k}_enc", _seal(cipher, k, v.strip()[:2000]))
        changed.append(k)
    return changed


def set_consent(
    ctx: AppContext, principal: Principal, purpose: str, granted: bool
) -> list[ConsentView]:
    """Give or withdraw consent for one purpose; it takes effect at once."""
    require(principal, "consent.write")
    if purpose not in PURPOSES:
        raise Invalid.of(
            M_("Unknown purpose %(purpose)s."),
            hint=M_("Purposes: %(purposes)s"),
            purpose=repr(purpose),
            purposes=", ".join(PURPOSES),
        )
    with ctx.unit() as s:
        row = owned_profile(s, principal, None)
        return _record_consent(s, principal, row, purpose, granted)


def _record_consent(
    s: Session, principal: Principal, row: DiasporaProfile, purpose: str, granted: bool
) -> list[ConsentView]:
    store.add_consent(s, row.id, purpose, granted, _now())
    audit.record(
        s,
        principal,
        "consent.write",
        f"profile:{row.profile_id}",
        {"purpose": purpose, "granted": granted},
    )
    s.flush()
    return _consents(s, row)


def _consents(s: Session, row: DiasporaProfile) -> list[ConsentView]:
    latest: dict[str, ConsentView] = {}
    for c in store.consent_history(s, row.id):
        latest[c.purpose] = ConsentView(c.purpose, c.granted, iso_utc(c.at))
    return [latest.get(p, ConsentView(p, False, None)) for p in PURPOSES]


def set_consent_as_admin(
    ctx: AppContext, principal: Principal, profile_id: str, purpose: str, granted: bool
) -> list[ConsentView]:
    """Record a consent decision received on paper or by e-mail (administrators)."""
    require(principal, "privacy.manage")
    if purpose not in PURPOSES:
        raise Invalid.of(
            M_("Unknown purpose %(purpose)s."),
            hint=M_("Purposes: %(purposes)s"),
            purpose=repr(purpose),
            purposes=", ".join(PURPOSES),
        )
    with ctx.unit() as s:
        row = store.get_profile(s, profile_id)
        if row is None:
            raise NotFound(f"No profile {profile_id!r}.")
        return _record_consent(s, principal, row, purpose, granted)
