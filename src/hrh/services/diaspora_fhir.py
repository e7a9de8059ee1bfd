"""Diaspora profiles to and from FHIR R4 (Practitioner, PractitionerRole, Consent; NDJSON).

Export writes each profile's Practitioner, its PractitionerRole, then one Consent per
recorded consent decision (oldest first, see :mod:`hrh.ingest.fhir_consent`); import reads
them back, so the consent history keeps its dates.

Import (``profiles.import``) is atomic, like the CSV import. Export gives an administrator
(``privacy.manage``) every profile whose owner currently consents to ``contact`` (being
identified to programme officers), and a diaspora member their own profile only; personal
fields are decrypted for these entitled callers only. Audit details hold counts only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hrh.domain.codes import CADRES_BY_ID
from hrh.domain.policy import Principal, may, require
from hrh.errors import Conflict, Problem
from hrh.ingest import fhir as reader
from hrh.ingest.fhir_consent import consent_resource
from hrh.services import audit
from hrh.services.context import AppContext
from hrh.services.diaspora import (
    ProfileView,
    known_countries,
    owned_profile,
    profile_view,
    store_profile,
)
from hrh.services.keys import field_cipher
from hrh.store import diaspora as store
from hrh.store import reads

EXPORT_PURPOSE = "contact"


@dataclass(frozen=True)
class FhirImportSummary:
    """What a FHIR import stored (or, on a dry run, would store)."""

    file: str
    imported: int
    dry_run: bool


def _iso2(s: Session) -> dict[str, str]:
    return {c.iso2.upper(): c.iso3 for c in reads.load_countries(s) if c.iso2}


def import_fhir(
    ctx: AppContext, principal: Principal, path: Path, *, dry_run: bool = False
) -> FhirImportSummary:
    """Import Practitioner (+ PractitionerRole) resources; nothing is stored on any problem."""
    require(principal, "profiles.import")
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        rows = reader.read_fhir(path, known_countries(s), _iso2(s))
        taken = store.existing_profile_ids(s, (r.profile_id for r in rows))
        if taken:
            raise Conflict(
                f"{path.name}: {len(taken)} profile id(s) already registered; nothing imported.",
                problems=[
                    Problem(path.name, r.line or None, "id", r.profile_id, "a new id")
                    for r in rows
                    if r.profile_id in taken
                ],
            )
        if dry_run:
            return FhirImportSummary(path.name, len(rows), True)
        now = datetime.now(UTC)
        for r in rows:
            store_profile(s, cipher, r, now)
        audit.record(s, principal, "diaspora.import_fhir", f"file:{path.name}", {"rows": len(rows)})
    return FhirImportSummary(path.name, len(rows), False)


def export_fhir(ctx: AppContext, principal: Principal) -> list[dict[str, Any]]:
    """Return Practitioner, PractitionerRole and Consent resources the caller may see.

    An administrator gets every profile consenting to ``contact``; a member their own.
    """
    cipher = field_cipher(ctx.settings)
    with ctx.unit() as s:
        if may(principal, "privacy.manage"):
            consents = store.current_consents(s)
            rows = [
                r
                for r in store.list_profiles(s)
                if consents.get(r.id, {}).get(EXPORT_PURPOSE, False)
            ]
        else:
            require(principal, "profile.read")
            rows = [owned_profile(s, principal, None)]
        iso2 = {iso3: code for code, iso3 in _iso2(s).items()}
        views = sorted((profile_view(s, cipher, r) for r in rows), key=lambda v: v.profile_id)
        history = {
            r.profile_id: [(c.purpose, c.granted, c.at) for c in store.consent_history(s, r.id)]
            for r in rows
        }
        audit.record(s, principal, "diaspora.export_fhir", "fhir", {"profiles": len(views)})
    out: list[dict[str, Any]] = []
    for v in views:
        out.extend(resources(v, iso2))
        out.extend(
            consent_resource(v.profile_id, k, purpose, granted, at)
            for k, (purpose, granted, at) in enumerate(history[v.profile_id], start=1)
        )
    return out


def to_ndjson(items: list[dict[str, Any]]) -> str:
    """One compact JSON resource per line (FHIR bulk data NDJSON)."""
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in items)


def _country(system_code: str) -> dict[str, str]:
    return {"system": reader.ISO3166, "code": system_code}


def _cadre_code(cadre: str) -> dict[str, Any]:
    coding = [{"system": reader.CADRE_SYSTEM, "code": cadre}]
    known = CADRES_BY_ID.get(cadre)
    if known is not None and len(known.isco) == 1:
        coding.append({"system": reader.ISCO08, "code": known.isco[0], "display": known.label})
    return {"coding": coding}


def _qualifications(v: ProfileView) -> list[dict[str, Any]]:
    licences = [tuple(x.split(":", 1)) for x in v.licences]
    countries = [c for c, _ in licences]
    numbers: dict[str, list[str]] = {}
    loose: list[str] = []
    for part in filter(None, v.personal.get("licence_numbers", "").split(";")):
        code, sep, value = part.partition(":")
        if sep and code in countries:
            numbers.setdefault(code, []).append(value)
        else:
            loose.append(part)
    out: list[dict[str, Any]] = []
    for country, until in licences:
        q: dict[str, Any] = {
            "code": _cadre_code(v.cadre),
            "issuer": {"identifier": {"system": reader.ISO3166, "value": country}},
            "period": {"end": until},
        }
        if ids := numbers.pop(country, []):
            q["identifier"] = [{"value": x} for x in ids]
        out.append(q)
    if loose or not out:
        q = {"code": _cadre_code(v.cadre)}
        if loose:
            q["identifier"] = [{"value": x} for x in loose]
        out.append(q)
    return out


def resources(v: ProfileView, iso2: dict[str, str]) -> list[dict[str, Any]]:
    """The Practitioner and PractitionerRole for one (decrypted) profile."""
    p = v.personal
    ext: list[dict[str, Any]] = [
        {"url": reader.EXT_NATIONALITY, "valueCoding": _country(iso2.get(v.origin, v.origin))},
        {"url": reader.EXT_EXPERIENCE, "valueDecimal": v.experience_years},
    ]
    if trained := v.extra.get("country_of_training"):
        ext.append({"url": reader.EXT_TRAINING, "valueCoding": _country(trained)})
    if p.get("notes"):
        ext.append({"url": reader.EXT_NOTES, "valueString": p["notes"]})
    ext += [{"url": reader.EXT_CONSENT, "valueCode": c.purpose} for c in v.consents if c.granted]
    practitioner: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": v.profile_id,
        "extension": ext,
    }
    if p.get("name"):
        practitioner["name"] = [{"text": p["name"]}]
    telecom = [{"system": k, "value": p[k]} for k in ("email", "phone") if p.get(k)]
    if telecom:
        practitioner["telecom"] = telecom
    if p.get("birth_date"):
        practitioner["birthDate"] = p["birth_date"]
    practitioner["address"] = [{"use": "home", "country": v.residence}]
    practitioner["qualification"] = _qualifications(v)
    if v.languages:
        practitioner["communication"] = [_language(x) for x in v.languages]
    role_ext: list[dict[str, Any]] = [{"url": reader.EXT_MODE, "valueCode": m} for m in v.modes]
    if v.virtual_hours_per_week is not None:
        role_ext.append({"url": reader.EXT_VIRTUAL_HOURS, "valueDecimal": v.virtual_hours_per_week})
    role_ext += [
        {"url": reader.EXT_PREFERRED, "valueCoding": _country(c)} for c in v.preferred_countries
    ]
    role: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": f"{v.profile_id}-role",
        "active": True,
        "practitioner": {"reference": f"Practitioner/{v.profile_id}"},
    }
    if role_ext:
        role["extension"] = role_ext
    if v.specialty:
        role["specialty"] = [{"text": v.specialty}]
    period = {
        k: d for k, d in (("start", v.available_from), ("end", v.available_to)) if d is not None
    }
    if period:
        role["period"] = period
    return [practitioner, role]


def _language(text: str) -> dict[str, Any]:
    code, _, level = text.partition(":")
    return {
        "coding": [{"system": reader.BCP47, "code": code}],
        "extension": [{"url": reader.EXT_PROFICIENCY, "valueCode": level}],
    }
