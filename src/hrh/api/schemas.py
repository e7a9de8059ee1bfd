"""Pydantic I/O models: ``XPublic`` for one item, ``XsPublic{data, count}`` for lists."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _In(BaseModel):
    """Base of request bodies: text may not hold NUL or other control characters."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
                raise ValueError("text may not contain control characters")
        return value


class ProblemPublic(_Out):
    """A located problem in an input."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str


class ErrorPublic(BaseModel):
    """The one error envelope of the API."""

    ok: bool = False
    error: str
    errors: list[ProblemPublic] = []
    status: int
    code: str
    hint: str = ""


class CountryPublic(_Out):
    """A country with its codes and groupings."""

    iso3: str
    iso2: str
    m49: str
    name: str
    who_region: str
    who_member: bool
    wb_income: str
    wb_region: str


class CountriesPublic(BaseModel):
    """A page of countries."""

    data: list[CountryPublic]
    count: int


class SourcePublic(_Out):
    """A source vintage."""

    id: int
    key: str
    vintage: str
    label: str
    publisher: str
    title: str
    url: str
    licence: str
    released: str
    imported_at: str


class SourcesPublic(BaseModel):
    """All source vintages."""

    data: list[SourcePublic]
    count: int


class IndicatorPublic(_Out):
    """An evaluated indicator."""

    id: str
    cadre: str | None
    value: float | None
    unit: str
    year: int | None
    source: str
    sources: list[str]
    method: str
    note: str
    details: dict[str, Any]


class IndicatorReportPublic(_Out):
    """Indicators of a country or group."""

    code: str
    name: str
    kind: str
    year: int | None
    lookback_years: int
    members: int
    indicators: list[IndicatorPublic]


class SeriesValuePublic(_Out):
    """One stored value of a series."""

    country: str
    cadre: str
    measure: str
    year: int
    value: float
    source: str
    publisher: str
    latest_vintage: bool


class SeriesPublic(BaseModel):
    """A series, one row per year and source."""

    data: list[SeriesValuePublic]
    count: int


class CorridorPublic(_Out):
    """A bilateral stock abroad."""

    origin: str
    origin_name: str
    destination: str
    destination_name: str
    cadre: str
    year: int
    kind: str
    basis: str
    value: float
    share_of_origin_workforce: float | None
    origin_workforce: float | None
    origin_workforce_year: int | None
    source: str


class CorridorsPublic(BaseModel):
    """A page of corridors, largest first."""

    data: list[CorridorPublic]
    count: int


class SafeguardCountryPublic(_Out):
    """SSL eligibility of one country."""

    iso3: str
    name: str
    who_region: str
    eligible: bool
    density: float | None
    density_years: dict[str, int | None]
    uhc_index: float | None
    uhc_year: int | None
    official: bool | None
    agrees: bool | None
    reason: str
    sources: list[str]


class SafeguardSummaryPublic(_Out):
    """Counts of the computed list."""

    version: str
    countries: int
    eligible: int
    official: int | None
    agree: int | None
    disagree: int | None


class SafeguardListPublic(BaseModel):
    """The computed SSL edition."""

    version: str
    criteria: dict[str, Any]
    summary: SafeguardSummaryPublic
    countries: list[SafeguardCountryPublic]


class ImportSummaryPublic(_Out):
    """What an import did."""

    status: str
    format: str
    file: str
    sha256: str
    dry_run: bool
    rows_read: int
    records: int
    inserted: int
    unchanged: int
    sources: list[str]
    skipped: dict[str, int]
    notes: list[str]


class FormatPublic(BaseModel):
    """An import format."""

    id: str
    label: str
    options: list[str]


class CadrePublic(BaseModel):
    """A cadre with its ISCO-08 codes."""

    id: str
    label: str
    isco: list[str]
    aggregate: bool


class MePublic(BaseModel):
    """The calling principal."""

    kind: str
    name: str
    role: str
    organisation: str
    countries: list[str]
    scopes: list[str] | None
    email: str | None = None


class UserCreate(_In):
    """A new user; ``email`` is optional (stored encrypted, seen by admins and the user)."""

    username: str
    role: str
    organisation: str = ""
    countries: list[str] = []
    password: str | None = None
    email: str | None = Field(default=None, max_length=254)


class UserUpdate(_In):
    """Changes to a user: fields left out stay as they are; ``email: ""`` removes the address.

    A new role starts with no organisation or countries unless given. Changing the role or
    scope ends the user's web sessions.
    """

    role: str | None = None
    organisation: str | None = None
    countries: list[str] | None = None
    email: str | None = Field(default=None, max_length=254)


class UserPublic(_Out):
    """A user (no secrets); administrators see the e-mail address."""

    id: int
    username: str
    role: str
    organisation: str
    countries: list[str]
    disabled: bool
    created_at: str
    has_password: bool
    email: str | None = None


class UsersPublic(BaseModel):
    """All users."""

    data: list[UserPublic]
    count: int


class PasswordResetBody(_In):
    """A one-time reset secret and the new password (at least 12 characters)."""

    token: str
    password: str


class ForgotPasswordBody(_In):
    """A username or an e-mail address to send a reset link to."""

    login: str = Field(min_length=1, max_length=320)


class AcceptedPublic(BaseModel):
    """A request was taken; the message says what happens next (the same for everyone)."""

    message: str


class PasswordChangeBody(_In):
    """One's current password and the new one (at least 12 characters)."""

    current_password: str
    new_password: str


class TokenCreate(_In):
    """A token request; ``username`` defaults to the caller."""

    name: str
    username: str | None = None
    days: int = 90
    scopes: list[str] = []


class TokenIssuedPublic(BaseModel):
    """A new token: the secret is shown once."""

    id: int
    name: str
    username: str
    role: str
    scopes: list[str]
    expires_at: str
    secret: str


class TokenPublic(_Out):
    """A token (no secret)."""

    id: int
    name: str
    user_id: int | None
    role: str
    scopes: list[str]
    created_at: str
    expires_at: str | None
    revoked: bool


class TokensPublic(BaseModel):
    """Tokens."""

    data: list[TokenPublic]
    count: int


class AuditEventPublic(_Out):
    """An audit event."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    hash: str


class AuditEventsPublic(BaseModel):
    """A page of audit events, oldest first."""

    data: list[AuditEventPublic]
    count: int


class VerificationPublic(_Out):
    """The audit chain check."""

    ok: bool
    events: int
    first_bad_id: int | None
    problem: str
