"""Who may do what: the access policy, declared once (role × action × scope).

The services layer enforces it, so the CLI, the API and the web pages obey the same rules.

Scopes: ``any`` (no restriction), ``organisation`` (only the principal's organisation's
resources), ``countries`` (only resources in the principal's countries), ``self`` (only the
principal's own records).

>>> may(ANONYMOUS, "aggregates.read"), may(ANONYMOUS, "data.import")
(True, False)
>>> scope_of(Principal("user", "ana", "recruiter", organisation="acme"), "recruitment.read")
'organisation'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hrh.errors import Forbidden, Unauthorized

ROLES: tuple[str, ...] = (
    "admin",
    "analyst",
    "recruiter",
    "programme_officer",
    "diaspora_member",
)
ANONYMOUS_ROLE = "anonymous"
ALL = (ANONYMOUS_ROLE, *ROLES)
SIGNED_IN = ROLES

#: action → {role: scope}. A role that is absent is denied.
POLICY: dict[str, dict[str, str]] = {
    # public reads
    "reference.read": dict.fromkeys(ALL, "any"),
    "aggregates.read": dict.fromkeys(ALL, "any"),
    # anonymous writes: the only ones
    "auth.login": dict.fromkeys(ALL, "any"),
    "auth.logout": dict.fromkeys(ALL, "any"),
    "auth.password_reset": dict.fromkeys(ALL, "any"),
    "diaspora.register": {ANONYMOUS_ROLE: "any", "admin": "any"},
    # data
    "data.import": {"admin": "any", "analyst": "any"},
    "projections.run": {"admin": "any", "analyst": "any"},
    "projections.explore": dict.fromkeys(ALL, "any"),
    # stored runs: public ones are read under aggregates.read; private ones by whoever ran them
    "projections.read": {"admin": "any", "analyst": "self"},
    "sources.manage": {"admin": "any"},
    # administration
    "users.manage": {"admin": "any"},
    "tokens.manage": {"admin": "any"},
    "tokens.own": dict.fromkeys(SIGNED_IN, "self"),
    "audit.read": {"admin": "any"},
    "account.read": dict.fromkeys(SIGNED_IN, "self"),
    "account.write": dict.fromkeys(SIGNED_IN, "self"),
    # --- compliance --- recruitment records hold personal data of candidates
    # recruiters: their own organisation's records only; analysts (regulators) and admins: all
    "recruitment.read": {"recruiter": "organisation", "analyst": "any", "admin": "any"},
    "recruitment.write": {"recruiter": "organisation", "analyst": "any", "admin": "any"},
    # a candidate's name, e-mail, birth date and notes: the record's organisation, regulators
    "candidates.read": {"recruiter": "organisation", "analyst": "any", "admin": "any"},
    "organisations.read": {"recruiter": "organisation", "analyst": "any", "admin": "any"},
    "organisations.write": {"analyst": "any", "admin": "any"},
    "agreements.write": {"analyst": "any", "admin": "any"},
    # deleting a wrongly entered registry entry: admins only (an ended one is edited instead)
    "organisations.delete": {"admin": "any"},
    "agreements.delete": {"admin": "any"},
    # --- diaspora --- profiles hold personal data
    "opportunities.write": {"programme_officer": "countries", "admin": "any"},
    "opportunities.read": {"programme_officer": "countries", "admin": "any"},
    "matches.read": {"programme_officer": "countries", "admin": "any"},
    "profiles.import": {"admin": "any"},
    "privacy.manage": {"admin": "any"},
    "profile.read": {"diaspora_member": "self"},
    "profile.write": {"diaspora_member": "self"},
    "consent.write": {"diaspora_member": "self"},
    # assignment workflow (issue 7): officers in their countries, members on their own
    "assignments.read": {
        "programme_officer": "countries",
        "diaspora_member": "self",
        "admin": "any",
    },
    "assignments.propose": {"programme_officer": "countries", "admin": "any"},
    "assignments.respond": {"diaspora_member": "self", "admin": "any"},
    "assignments.confirm": {"programme_officer": "countries", "admin": "any"},
    "outcomes.write": {
        "programme_officer": "countries",
        "diaspora_member": "self",
        "admin": "any",
    },
    "returns.read": {"programme_officer": "countries", "admin": "any"},
    "returns.write": {"programme_officer": "countries", "admin": "any"},
    # --- library ---
    # reads of published entries use aggregates.read; drafts: their author and admins only
    "library.submit": {"analyst": "any", "admin": "any"},
    "library.publish": {"admin": "any"},
}

#: What each action means, for the docs and the admin pages.
ACTIONS: dict[str, str] = {
    "reference.read": "read countries, cadres, formats and sources",
    "aggregates.read": "read published indicators, series, corridors and the safeguards list",
    "auth.login": "sign in",
    "auth.logout": "sign out",
    "auth.password_reset": "ask for a password reset",
    "diaspora.register": "register as a diaspora professional",
    "data.import": "import data files",
    "projections.run": "run projections",
    "projections.explore": "explore one country's deterministic projection with levers",
    "projections.read": "read stored projection runs that are not public (admins: all)",
    "sources.manage": "edit or retire sources",
    "users.manage": "create, list, change and disable users",
    "tokens.manage": "create and revoke anyone's API tokens",
    "tokens.own": "create and revoke one's own API tokens",
    "audit.read": "browse, verify and export the audit trail",
    "account.read": "see one's own account",
    "account.write": "change one's own password and sign out one's web sessions everywhere",
    "recruitment.read": "read recruitment records and findings",
    "recruitment.write": "write recruitment records",
    "opportunities.write": "post opportunities",
    "matches.read": "see matches for opportunities",
    "profile.read": "read a diaspora profile",
    "profile.write": "edit a diaspora profile",
    "consent.write": "give or withdraw consent",
    # --- compliance actions ---
    "candidates.read": "see a recruitment candidate's name, e-mail, birth date and notes",
    "organisations.read": "read the organisations registry (agencies and employers)",
    "organisations.write": "add, import or edit organisations and their ethical-recruiter status",
    "agreements.write": "add, import, edit or end government-to-government agreements",
    "organisations.delete": "delete a wrongly entered organisation from the registry",
    "agreements.delete": "delete a wrongly entered agreement from the registry",
    # --- diaspora actions ---
    "assignments.read": "see assignments (officers: their countries; members: their own)",
    "assignments.propose": "propose professionals for opportunities",
    "assignments.respond": "accept or decline a proposed assignment",
    "assignments.confirm": "confirm, start, complete or cancel assignments",
    "outcomes.write": "report the outcome of a completed assignment",
    "returns.read": "see permanent returns with incentives and bonding",
    "returns.write": "record permanent returns with incentives and bonding",
    "opportunities.read": "list opportunities",
    "profiles.import": "import diaspora profiles from a file",
    "privacy.manage": "export or erase anyone's personal data",
    # --- library actions ---
    "library.submit": "submit practice library entries as drafts",
    "library.publish": "publish practice library drafts and load the seed entries",
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user, a token, the local administrator or the anonymous public.

    ``scopes`` limits a token to some actions (None: everything its role allows).
    """

    kind: str  # "anonymous", "user", "token", "local"
    name: str
    role: str
    user_id: int | None = None
    organisation: str = ""
    countries: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] | None = None
    token_id: int | None = None

    @property
    def label(self) -> str:
        """Return how the audit trail names this principal: by account id, never by name.

        Ids keep the append-only audit trail free of personal names, also after an erasure.

        >>> Principal("token", "ama", "analyst", user_id=7, token_id=3).label
        'token:3:user#7'
        >>> LOCAL_ADMIN.label
        'local:cli'
        """
        who = f"user#{self.user_id}" if self.user_id is not None else self.name
        if self.kind == "token":
            return f"token:{self.token_id}:{who}"
        return f"{self.kind}:{who}"


ANONYMOUS = Principal("anonymous", "public", ANONYMOUS_ROLE)
#: The local CLI, run by whoever holds the database, acts as the local administrator.
LOCAL_ADMIN = Principal("local", "cli", "admin")


def may(principal: Principal, action: str) -> bool:
    """Tell whether the principal may perform ``action`` on at least some resources."""
    if action not in POLICY:
        raise KeyError(f"action {action!r} has no policy entry")
    if principal.scopes is not None and action not in principal.scopes:
        return False
    return principal.role in POLICY[action]


def scope_of(principal: Principal, action: str) -> str:
    """Return the scope within which the principal may act (after :func:`require`)."""
    return POLICY[action][principal.role]


def require(
    principal: Principal,
    action: str,
    *,
    organisation: str | None = None,
    country: str | None = None,
    owner_id: int | None = None,
) -> None:
    """Raise unless the principal may perform ``action`` on the named resource.

    Raises:
        Unauthorized: the anonymous public asks for something that needs signing in.
        Forbidden: a signed-in principal asks for something outside its role or scope.
    """
    if not may(principal, action):
        if principal.role == ANONYMOUS_ROLE:
            raise Unauthorized(
                f"Sign in or send an API token to {ACTIONS[action]}.",
                hint="Create a token with `hrh token create USER`.",
            )
        if principal.scopes is not None and action not in principal.scopes:
            raise Forbidden(f"This token's scopes do not include {action!r}.")
        raise Forbidden(f"Role {principal.role!r} may not {ACTIONS[action]}.")
    scope = scope_of(principal, action)
    if (
        scope == "organisation"
        and organisation is not None
        and (organisation != principal.organisation)
    ):
        raise Forbidden("This belongs to another organisation.")
    if scope == "countries" and country is not None and country not in principal.countries:
        raise Forbidden(f"Your account is not scoped to {country}.")
    if scope == "self" and owner_id is not None and owner_id != principal.user_id:
        raise Forbidden("You may only act on your own records.")
