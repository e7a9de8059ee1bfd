"""A recruitment candidate's personal fields: sealed before the store, opened for the entitled.

Each field is encrypted with the field cipher (AES-256-GCM), bound to its field name, so a
ciphertext moved to another column does not decrypt. Values are never logged or audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hrh.config import Settings
from hrh.domain.policy import Principal, may, scope_of
from hrh.domain.recruitment import PERSONAL_FIELDS, RecruitmentRecord
from hrh.services.keys import FieldCipher, field_cipher

_CONTEXT = "recruitment.{}"


def seal(
    settings: Settings, records: Iterable[RecruitmentRecord]
) -> dict[tuple[str, str], dict[str, str]]:
    """Return (organisation, record id) → field → ciphertext for records with personal fields."""
    cipher: FieldCipher | None = None
    out: dict[tuple[str, str], dict[str, str]] = {}
    for rec in records:
        if not rec.personal:
            continue
        cipher = cipher or field_cipher(settings)
        out[(rec.organisation, rec.record_id)] = {
            k: cipher.encrypt(v, _CONTEXT.format(k))
            for k, v in rec.personal.items()
            if k in PERSONAL_FIELDS and v
        }
    return out


def reveal(
    settings: Settings, principal: Principal, organisation: str, sealed: Mapping[str, str]
) -> dict[str, str] | None:
    """Return the plain personal fields for a caller entitled to them, else None.

    Entitled: ``candidates.read`` within scope (recruiters: their own organisation's records).
    """
    if not may(principal, "candidates.read"):
        return None
    if scope_of(principal, "candidates.read") == "organisation" and (
        principal.organisation != organisation
    ):
        return None
    if not sealed:
        return {}
    cipher = field_cipher(settings)
    return {k: cipher.decrypt(v, _CONTEXT.format(k)) for k, v in sealed.items()}
