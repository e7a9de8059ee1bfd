"""FHIR R4 ``Consent`` resources: one decision of a professional for one purpose.

The registry records consent per purpose (``matching``, ``contact``, ``statistics``) as a
timestamped history. Each decision is one Consent:

- ``status``: ``active`` when consent is given, ``inactive`` when it is withdrawn (or was
  never given); ``provision.type`` says the same (``permit`` / ``deny``);
- ``dateTime``: when the decision was recorded (a FHIR dateTime with a time zone);
- ``provision.purpose``: the purpose, coded in the local code system :data:`PURPOSE_SYSTEM`
  (codes ``matching``, ``contact``, ``statistics``);
- ``performer``: the professional (``Practitioner/ID``), since R4's ``Consent.patient`` may
  only reference a Patient;
- ``scope``: the local code ``registry`` of :data:`SCOPE_SYSTEM`, because every HL7 scope code
  (``patient-privacy``, ``research``, ``treatment``, ``adr``) requires a patient
  (invariants ppc-2 … ppc-5); ``category``: LOINC 59284-0 (consent document); ``policyRule``:
  v3 ActCode ``OPTIN`` (every purpose is opt-in), which satisfies invariant ppc-1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from hrh.ingest.diaspora import PURPOSES

PURPOSE_SYSTEM = "https://hrh-observatory.org/fhir/CodeSystem/consent-purpose"
SCOPE_SYSTEM = "https://hrh-observatory.org/fhir/CodeSystem/consent-scope"
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PURPOSE_LABELS = {
    "matching": "Matching to opportunities",
    "contact": "Contact by programme officers",
    "statistics": "Anonymous statistics",
}
_STATUS = {"active": True, "inactive": False}
_TYPE = {"permit": True, "deny": False}


@dataclass(frozen=True)
class Decision:
    """One consent decision read from a Consent resource."""

    performer: str
    purpose: str
    granted: bool
    at: datetime


class Located(Protocol):
    """Where to report a problem (the reader's ``bad``)."""

    def __call__(self, path: str, value: object, expected: str) -> None:
        """Report that ``path`` holds ``value`` where ``expected`` was expected."""


def fhir_datetime(at: datetime) -> str:
    """Return a stored time as a FHIR dateTime in UTC, to the microsecond.

    >>> fhir_datetime(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    '2026-03-01T09:30:00.000000+00:00'
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def consent_resource(
    profile_id: str, k: int, purpose: str, granted: bool, at: datetime
) -> dict[str, Any]:
    """Return the Consent resource of a profile's ``k``-th decision (1-based)."""
    return {
        "resourceType": "Consent",
        "id": f"{profile_id}-consent-{k}",
        "status": "active" if granted else "inactive",
        "scope": {"coding": [{"system": SCOPE_SYSTEM, "code": "registry"}]},
        "category": [{"coding": [{"system": LOINC, "code": "59284-0"}]}],
        "dateTime": fhir_datetime(at),
        "performer": [{"reference": f"Practitioner/{profile_id}"}],
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN"}]},
        "provision": {
            "type": "permit" if granted else "deny",
            "purpose": [
                {"system": PURPOSE_SYSTEM, "code": purpose, "display": PURPOSE_LABELS[purpose]}
            ],
        },
    }


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _when(bad: Located, value: object) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        at = None
    if not isinstance(value, str) or len(value) < 19 or at is None or at.tzinfo is None:
        bad("dateTime", value, "a date and time with a time zone, e.g. 2026-03-01T09:30:00Z")
        return None
    return at.astimezone(UTC)


def _purpose(bad: Located, provision: Mapping[str, Any]) -> str | None:
    codes = [
        _dict(c).get("code")
        for c in _list(provision.get("purpose"))
        if _dict(c).get("system") == PURPOSE_SYSTEM
    ]
    if len(codes) != 1 or codes[0] not in PURPOSES:
        bad(
            "provision.purpose",
            codes[0] if codes else None,
            f"one coding of {PURPOSE_SYSTEM}: " + ", ".join(PURPOSES),
        )
        return None
    return str(codes[0])


def read_consent(
    res: Mapping[str, Any], bad: Located, owner: Callable[[object], str | None]
) -> Decision | None:
    """Read one Consent; report problems through ``bad`` and return None when any.

    ``owner`` maps a performer reference to the profile id of a Practitioner in the file.
    """
    refs = [_dict(p).get("reference") for p in _list(res.get("performer"))]
    who = next((pid for pid in map(owner, refs) if pid is not None), None)
    if who is None:
        bad("performer", refs[0] if refs else None, "a reference to a Practitioner in the file")
    status = res.get("status")
    if status not in _STATUS:
        bad("status", status, "active (consent given) or inactive (withdrawn)")
    at = _when(bad, res.get("dateTime"))
    provision = _dict(res.get("provision"))
    purpose = _purpose(bad, provision)
    kind = provision.get("type")
    if kind is not None and status in _STATUS and _TYPE.get(str(kind)) != _STATUS[str(status)]:
        bad("provision.type", kind, "permit when status is active, deny when inactive")
        return None
    if who is None or status not in _STATUS or at is None or purpose is None:
        return None
    return Decision(who, purpose, _STATUS[str(status)], at)
