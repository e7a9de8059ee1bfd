"""FHIR R4 Practitioner + PractitionerRole (+ Consent) (JSON Bundle or NDJSON) to profiles.

A pure reader: no database. It returns the same :class:`~hrh.ingest.diaspora.ProfileRow`
records as the CSV importer, or raises :class:`~hrh.errors.Invalid` listing every problem
(nothing is imported when anything is wrong). Problems are located as ``file:line`` for
NDJSON (one resource per line) and by JSON path (``entry[2].resource.birthDate``) for a
Bundle; the value of a personal field (name, telecom, birthDate, notes, licence numbers)
is never echoed, only its path.

Only JSON is read; FHIR XML is refused with a message. The mapping is documented in
``docs/diaspora.md`` (section "FHIR R4").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hrh.domain.codes import resolve_cadre
from hrh.errors import HrhError, Invalid, Problem
from hrh.ingest.diaspora import CEFR, MODES, PURPOSES, ProfileRow
from hrh.ingest.fhir_consent import Decision, read_consent

HRH = "https://hrh-observatory.org/fhir/StructureDefinition"
EXT_NATIONALITY = "http://ihris.org/fhir/StructureDefinition/ihris-practitioner-nationality"
EXT_TRAINING = f"{HRH}/country-of-training"
EXT_PROFICIENCY = f"{HRH}/language-proficiency"
EXT_EXPERIENCE = f"{HRH}/experience-years"
EXT_MODE = f"{HRH}/availability-mode"
EXT_VIRTUAL_HOURS = f"{HRH}/virtual-hours-per-week"
EXT_PREFERRED = f"{HRH}/preferred-country"
EXT_CONSENT = f"{HRH}/consent-granted"
EXT_NOTES = f"{HRH}/notes"
ISCO08 = "http://www.ilo.org/public/english/bureau/stat/isco/isco08"
CADRE_SYSTEM = "https://hrh-observatory.org/fhir/CodeSystem/cadre"
ISO3166 = "urn:iso:std:iso:3166"
BCP47 = "urn:ietf:bcp:47"
IGNORED_TYPES = ("Organization", "Location")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_FHIR_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DAY_HOURS = 24.0
MAX_ITEMS = 20  # languages, licences, preferred countries (storage limits)


@dataclass
class _Found:
    """One resource with where it came from."""

    line: int | None
    prefix: str
    resource: dict[str, Any]


@dataclass
class _Reader:
    """Collects located problems while reading one file."""

    file: str
    countries: set[str]
    iso2: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)

    def bad(
        self, at: _Found, path: str, value: object, expected: str, *, personal: bool = False
    ) -> None:
        where = f"{at.prefix}.{path}" if at.prefix and path else (at.prefix or path)
        shown = None if personal or value is None else str(value)[:80]
        self.problems.append(Problem(self.file, at.line, where, shown, expected))

    def country(self, at: _Found, path: str, code: object) -> str:
        text = code.strip().upper() if isinstance(code, str) else ""
        if text in self.countries:
            return text
        if text in self.iso2:
            return self.iso2[text]
        self.bad(at, path, code, "a known ISO 3166-1 country code (alpha-3 or alpha-2)")
        return ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _extensions(res: Mapping[str, Any], url: str) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, e)
        for i, e in enumerate(_list(res.get("extension")))
        if isinstance(e, dict) and e.get("url") == url
    ]


def _code(ext: Mapping[str, Any]) -> object:
    """The code of a valueCoding, valueCode or valueString."""
    if "valueCoding" in ext:
        return _dict(ext["valueCoding"]).get("code")
    return ext.get("valueCode", ext.get("valueString"))


def _date(text: object) -> date:
    if not isinstance(text, str):
        raise ValueError("not a string")
    return date.fromisoformat(text[:10])


def _load(path: Path) -> tuple[list[_Found], list[Problem]]:
    file = path.name
    if not path.exists():
        raise Invalid(f"File not found: {path}.")
    data = path.read_bytes()
    head = data.lstrip()[:1]
    if path.suffix.lower() == ".xml" or head == b"<":
        raise Invalid(
            f"{file} looks like XML; only FHIR JSON is read.",
            hint="Send a JSON Bundle or NDJSON (one resource per line), e.g. a $export file.",
        )
    if not data.strip():
        raise Invalid(f"{file} is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(
            f"{file} is not UTF-8.", problems=[Problem(file, line, None, None, "UTF-8 text")]
        ) from None
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        whole = None
    if isinstance(whole, dict):
        if whole.get("resourceType") == "Bundle":
            entries: list[_Found] = []
            bad: list[Problem] = []
            for i, e in enumerate(_list(whole.get("entry"))):
                res = _dict(e).get("resource")
                if isinstance(res, dict):
                    entries.append(_Found(None, f"entry[{i}].resource", res))
                else:
                    bad.append(Problem(file, None, f"entry[{i}].resource", None, "a resource"))
            return entries, bad
        return [_Found(1, "", whole)], []
    found: list[_Found] = []
    problems: list[Problem] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            res = json.loads(raw)
        except (ValueError, RecursionError):
            problems.append(Problem(file, n, None, None, "one JSON resource per line"))
            continue
        if not isinstance(res, dict):
            problems.append(Problem(file, n, None, None, "a JSON object (a FHIR resource)"))
            continue
        found.append(_Found(n, "", res))
    return found, problems


@dataclass
class _Practitioner:
    at: _Found
    profile_id: str
    cadre: str
    origin: str
    residence: str
    languages: tuple[tuple[str, int], ...]
    licences: tuple[tuple[str, date], ...]
    experience_years: float
    consents: dict[str, bool]
    personal: dict[str, str]
    extra: dict[str, str]


@dataclass
class _Role:
    specialty: str = ""
    available_from: date | None = None
    available_to: date | None = None
    modes: tuple[str, ...] = ()
    virtual_hours_per_week: float | None = None
    preferred_countries: tuple[str, ...] = ()


def _name(r: _Reader, at: _Found, res: Mapping[str, Any]) -> str:
    names = _list(res.get("name"))
    if not names:
        return ""
    first = _dict(names[0])
    text = first.get("text")
    if text is None:
        given = _list(first.get("given"))
        parts = [*given, first.get("family", "")]
        if not all(isinstance(p, str) for p in parts):
            r.bad(at, "name[0]", None, "given and family as text", personal=True)
            return ""
        text = " ".join(p.strip() for p in parts if p.strip())
    if not isinstance(text, str):
        r.bad(at, "name[0].text", None, "text", personal=True)
        return ""
    return text.strip()[:120]


def _telecom(r: _Reader, at: _Found, res: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, t in enumerate(_list(res.get("telecom"))):
        t = _dict(t)
        system, value = t.get("system"), t.get("value")
        if system not in ("email", "phone") or system in out:
            continue
        if not isinstance(value, str) or not value.strip():
            r.bad(at, f"telecom[{i}].value", None, "a non-empty text", personal=True)
            continue
        out[system] = value.strip()[: 120 if system == "email" else 40]
    return out


def _qualifications(
    r: _Reader, at: _Found, res: Mapping[str, Any]
) -> tuple[str, tuple[tuple[str, date], ...], str]:
    cadre = ""
    licences: list[tuple[str, date]] = []
    numbers: list[str] = []
    quals = _list(res.get("qualification"))
    before = len(r.problems)
    for i, q in enumerate(quals):
        q = _dict(q)
        base = f"qualification[{i}]"
        code = q.get("code")
        if not isinstance(code, dict) or not _list(code.get("coding")):
            r.bad(at, f"{base}.code", None, "a CodeableConcept with a coding (required)")
            continue
        for j, c in enumerate(_list(code["coding"])):
            c = _dict(c)
            if c.get("system") in (CADRE_SYSTEM, ISCO08) and not cadre:
                cadre = _cadre(r, at, f"{base}.code.coding[{j}].code", c.get("code"))
        issuer = _dict(_dict(q.get("issuer")).get("identifier"))
        country = ""
        if issuer:
            country = r.country(at, f"{base}.issuer.identifier.value", issuer.get("value"))
        end = _dict(q.get("period")).get("end")
        if country and end is not None:
            try:
                licences.append((country, _date(end)))
            except ValueError:
                r.bad(at, f"{base}.period.end", end, "a date YYYY-MM-DD")
        for k, ident in enumerate(_list(q.get("identifier"))):
            value = _dict(ident).get("value")
            if not isinstance(value, str) or not value.strip():
                r.bad(at, f"{base}.identifier[{k}].value", None, "a text", personal=True)
                continue
            numbers.append(f"{country}:{value.strip()}" if country else value.strip())
    if quals and not cadre and len(r.problems) == before:
        r.bad(at, "qualification", None, "a qualification coded with ISCO-08 or an HRH cadre id")
    if not quals:
        r.bad(at, "qualification", None, "at least one qualification (its code gives the cadre)")
    return cadre, tuple(sorted(set(licences))), ";".join(sorted(set(numbers)))


def _cadre(r: _Reader, at: _Found, path: str, code: object) -> str:
    text = code if isinstance(code, str) else ""
    for candidate in (text, text[:3] if len(text) == 4 and text.isdigit() else ""):
        if not candidate:
            continue
        try:
            return resolve_cadre(candidate).id
        except HrhError:
            continue
    r.bad(at, path, code, "an ISCO-08 code of a known cadre (e.g. 2211, 2221) or a cadre id")
    return ""


def _languages(r: _Reader, at: _Found, res: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for i, comm in enumerate(_list(res.get("communication"))):
        comm = _dict(comm)
        codes = [
            _dict(c).get("code")
            for c in _list(comm.get("coding"))
            if _dict(c).get("system") in (BCP47, None)
        ]
        lang = codes[0] if codes else None
        if not isinstance(lang, str) or not re.match(r"^[A-Za-z]{2}(-|$)", lang):
            r.bad(at, f"communication[{i}].coding", lang, "a BCP-47 language code such as en")
            continue
        level = CEFR["A1"]
        for j, ext in _extensions(comm, EXT_PROFICIENCY):
            text = _code(ext)
            if not isinstance(text, str) or text.upper() not in CEFR:
                r.bad(at, f"communication[{i}].extension[{j}]", text, "CEFR A1…C2 or native")
            else:
                level = CEFR[text.upper()]
        code = lang[:2].lower()
        out[code] = max(out.get(code, 0), level)
    return tuple(sorted(out.items()))


def _number(r: _Reader, at: _Found, res: Mapping[str, Any], url: str) -> float | None:
    for i, ext in _extensions(res, url):
        value = ext.get("valueDecimal", ext.get("valueInteger"))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e6:
            r.bad(at, f"extension[{i}].valueDecimal", value, "a number ≥ 0")
            return None
        return float(value)
    return None


def _practitioner(r: _Reader, at: _Found) -> _Practitioner:
    res = at.resource
    pid = res.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        r.bad(at, "id", pid, "an id: letters, digits, _ . - (≤ 40)")
        pid = ""
    personal: dict[str, str] = {}
    if name := _name(r, at, res):
        personal["name"] = name
    personal.update(_telecom(r, at, res))
    birth = res.get("birthDate")
    if birth is not None:
        if isinstance(birth, str) and _FHIR_DATE.match(birth) and _valid_partial(birth):
            personal["birth_date"] = birth
        else:
            r.bad(at, "birthDate", None, "a FHIR date YYYY, YYYY-MM or YYYY-MM-DD", personal=True)
    for i, ext in _extensions(res, EXT_NOTES):
        note = ext.get("valueString")
        if not isinstance(note, str):
            r.bad(at, f"extension[{i}].valueString", None, "a text", personal=True)
        elif note.strip():
            personal["notes"] = note.strip()[:2000]
    cadre, licences, numbers = _qualifications(r, at, res)
    if numbers:
        personal["licence_numbers"] = numbers[:400]
    origin = ""
    nationality = _extensions(res, EXT_NATIONALITY)
    if not nationality:
        r.bad(at, "extension", None, f"a nationality extension ({EXT_NATIONALITY})")
    for i, ext in nationality[:1]:
        origin = r.country(at, f"extension[{i}].valueCoding.code", _code(ext))
    extra: dict[str, str] = {}
    for i, ext in _extensions(res, EXT_TRAINING)[:1]:
        if trained := r.country(at, f"extension[{i}].valueCoding.code", _code(ext)):
            extra["country_of_training"] = trained
    residence = ""
    addresses = [(i, _dict(a)) for i, a in enumerate(_list(res.get("address")))]
    with_country = [(i, a) for i, a in addresses if a.get("country")]
    with_country.sort(key=lambda p: (p[1].get("use") != "home", p[0]))
    if not with_country:
        r.bad(at, "address", None, "an address with a country (the country of residence)")
    for i, a in with_country[:1]:
        residence = r.country(at, f"address[{i}].country", a.get("country"))
    consents = dict.fromkeys(PURPOSES, False)
    for i, ext in _extensions(res, EXT_CONSENT):
        purpose = _code(ext)
        if purpose in PURPOSES:
            consents[str(purpose)] = True
        else:
            r.bad(at, f"extension[{i}].valueCode", purpose, "one of " + ", ".join(PURPOSES))
    languages = _languages(r, at, res)
    if len(languages) > MAX_ITEMS or len(licences) > MAX_ITEMS:
        r.bad(at, "communication", None, f"at most {MAX_ITEMS} languages and licences")
    return _Practitioner(
        at=at,
        profile_id=pid,
        cadre=cadre,
        origin=origin,
        residence=residence,
        languages=languages,
        licences=licences,
        experience_years=_number(r, at, res, EXT_EXPERIENCE) or 0.0,
        consents=consents,
        personal=personal,
        extra=extra,
    )


def _valid_partial(text: str) -> bool:
    try:
        date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        return False
    return True


def _role(r: _Reader, at: _Found) -> _Role:
    res = at.resource
    out = _Role()
    for spec in _list(res.get("specialty"))[:1]:
        spec = _dict(spec)
        codings = [_dict(c) for c in _list(spec.get("coding"))]
        text = spec.get("text") or next((c.get("display") for c in codings if c.get("display")), "")
        out.specialty = str(text).strip()[:120]
    period = _dict(res.get("period"))
    for key in ("start", "end"):
        if period.get(key) is None:
            continue
        try:
            value = _date(period[key])
        except ValueError:
            r.bad(at, f"period.{key}", period[key], "a date YYYY-MM-DD")
            continue
        if key == "start":
            out.available_from = value
        else:
            out.available_to = value
    if out.available_from and out.available_to and out.available_to < out.available_from:
        r.bad(at, "period.end", period.get("end"), "a date on or after period.start")
    modes = []
    for i, ext in _extensions(res, EXT_MODE):
        mode = _code(ext)
        if mode in MODES:
            modes.append(str(mode))
        else:
            r.bad(at, f"extension[{i}].valueCode", mode, "one of " + ", ".join(MODES))
    out.modes = tuple(sorted(set(modes)))
    out.virtual_hours_per_week = _number(r, at, res, EXT_VIRTUAL_HOURS)
    if out.virtual_hours_per_week is None and res.get("availableTime"):
        out.virtual_hours_per_week = _hours(r, at, _list(res.get("availableTime")))
    preferred = [
        r.country(at, f"extension[{i}].valueCoding.code", _code(ext))
        for i, ext in _extensions(res, EXT_PREFERRED)
    ]
    out.preferred_countries = tuple(sorted({c for c in preferred if c}))
    if len(out.preferred_countries) > MAX_ITEMS:
        r.bad(at, "extension", None, f"at most {MAX_ITEMS} preferred countries")
    return out


def _hours(r: _Reader, at: _Found, times: list[Any]) -> float | None:
    """Hours per week from ``availableTime`` (days × daily hours), when no extension says."""
    total = 0.0
    for i, t in enumerate(times):
        t = _dict(t)
        days = len(_list(t.get("daysOfWeek"))) or 7
        if t.get("allDay"):
            total += days * _DAY_HOURS
            continue
        try:
            h0, m0 = (int(x) for x in str(t["availableStartTime"]).split(":")[:2])
            h1, m1 = (int(x) for x in str(t["availableEndTime"]).split(":")[:2])
        except (KeyError, ValueError):
            r.bad(at, f"availableTime[{i}]", None, "availableStartTime and availableEndTime")
            return None
        total += days * max(0.0, (h1 * 60 + m1 - h0 * 60 - m0) / 60)
    return min(total, 168.0)


def _reference(res: Mapping[str, Any]) -> object:
    return _dict(res.get("practitioner")).get("reference")


def read_fhir(path: Path, countries: set[str], iso2: Mapping[str, str]) -> list[ProfileRow]:
    """Read Practitioner (+ PractitionerRole) resources into profiles, all or nothing.

    Args:
        path: a JSON Bundle, a single resource, or NDJSON (one resource per line).
        countries: the known ISO3 codes.
        iso2: ISO 3166-1 alpha-2 → alpha-3, for codes given as alpha-2 (as iHRIS does).

    Raises:
        Invalid: listing every located problem (personal values never echoed).
    """
    found, problems = _load(path)
    r = _Reader(path.name, countries, {k.upper(): v for k, v in iso2.items()}, problems)
    practitioners: list[_Practitioner] = []
    roles: list[_Found] = []
    consents: list[_Found] = []
    by_ref: dict[str, _Practitioner] = {}
    seen: dict[str, _Found] = {}
    for at in found:
        kind = at.resource.get("resourceType")
        if kind == "Practitioner":
            p = _practitioner(r, at)
            if p.profile_id in seen:
                r.bad(at, "id", p.profile_id, "an id not used by an earlier Practitioner")
            seen.setdefault(p.profile_id, at)
            practitioners.append(p)
            by_ref[f"Practitioner/{p.profile_id}"] = p
        elif kind == "PractitionerRole":
            roles.append(at)
        elif kind == "Consent":
            consents.append(at)
        elif kind not in IGNORED_TYPES:
            r.bad(at, "resourceType", kind, "Practitioner, PractitionerRole or Consent")
    full_urls = _full_urls(path, found, by_ref)
    role_of: dict[str, _Role] = {}
    for at in roles:
        ref = _reference(at.resource)
        owner = by_ref.get(ref) or full_urls.get(ref) if isinstance(ref, str) else None
        if owner is None:
            r.bad(at, "practitioner.reference", ref, "a reference to a Practitioner in the file")
            continue
        role = _role(r, at)
        role_of.setdefault(owner.profile_id, role)  # the first role in file order counts
    history = _consents(r, consents, by_ref, full_urls)
    if r.problems:
        raise Invalid(
            f"{path.name}: {len(r.problems)} problem(s); nothing was imported.",
            hint="Fix the resources listed and import the file again.",
            problems=r.problems,
        )
    if not practitioners:
        raise Invalid(f"{path.name} holds no Practitioner resource.")
    return [
        _row(p, role_of.get(p.profile_id, _Role()), history.get(p.profile_id, []))
        for p in practitioners
    ]


def _consents(
    r: _Reader,
    found: list[_Found],
    by_ref: Mapping[str, _Practitioner],
    full_urls: Mapping[str, _Practitioner],
) -> dict[str, list[Decision]]:
    """Consent resources → each profile's decisions, oldest first (file order on ties)."""

    def owner(ref: object) -> str | None:
        p = (by_ref.get(ref) or full_urls.get(ref)) if isinstance(ref, str) else None
        return p.profile_id if p is not None else None

    out: dict[str, list[Decision]] = {}
    for at in found:

        def bad(path: str, value: object, expected: str, at: _Found = at) -> None:
            r.bad(at, path, value, expected)

        decision = read_consent(at.resource, bad, owner)
        if decision is not None:
            out.setdefault(decision.performer, []).append(decision)
    for decisions in out.values():
        decisions.sort(key=lambda d: d.at)
    return out


def _full_urls(
    path: Path, found: list[_Found], by_ref: Mapping[str, _Practitioner]
) -> dict[str, _Practitioner]:
    """Bundle ``fullUrl`` → Practitioner, so roles may point at ``urn:uuid:…`` entries."""
    if not found or found[0].line is not None:
        return {}
    try:
        bundle = json.loads(path.read_bytes().decode("utf-8-sig"))
    except ValueError:
        return {}
    out = {}
    for e in _list(bundle.get("entry")):
        e = _dict(e)
        res = _dict(e.get("resource"))
        url = e.get("fullUrl")
        p = by_ref.get(f"Practitioner/{res.get('id')}")
        if isinstance(url, str) and res.get("resourceType") == "Practitioner" and p is not None:
            out[url] = p
    return out


def _row(p: _Practitioner, role: _Role, history: list[Decision]) -> ProfileRow:
    consents = p.consents
    if history:  # dated Consent resources win over the consent-granted extension
        consents = dict.fromkeys(PURPOSES, False)
        consents.update({d.purpose: d.granted for d in history})
    return ProfileRow(
        line=p.at.line or 0,
        profile_id=p.profile_id,
        cadre=p.cadre,
        specialty=role.specialty,
        origin=p.origin,
        residence=p.residence,
        languages=p.languages,
        licences=p.licences,
        experience_years=p.experience_years,
        available_from=role.available_from,
        available_to=role.available_to,
        modes=role.modes,
        virtual_hours_per_week=role.virtual_hours_per_week,
        consents=consents,
        preferred_countries=role.preferred_countries,
        personal=p.personal,
        extra=p.extra,
        consent_history=tuple((d.purpose, d.granted, d.at) for d in history),
    )
