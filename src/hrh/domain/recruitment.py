"""Value objects of ethical-recruitment monitoring: records, agreements, lists and findings.

They are shared by the importer (which builds them), the pure rules (which read them) and the
store (which keeps them). The rules read no personal data: residence, nationality and cadre
are all they need; a candidate's optional personal fields ride apart (``personal``), never
printed, and are encrypted by the services before the store sees them.

>>> a = Agreement("GBR-KEN-2021", "KEN", "GBR", frozenset({"nursing_professionals"}),
...               date(2021, 7, 26), None, "g2g", "DHSC", frozenset({"g2g"}))
>>> a.covers("KEN", "GBR", "nursing_professionals", date(2024, 1, 1))
True
>>> a.covers("KEN", "GBR", "medical_doctors", date(2024, 1, 1))
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

ROUTES = ("active", "direct_application", "referral", "g2g")
ORGANISATION_TYPES = ("agency", "employer")
#: Optional template columns holding a candidate's personal data: encrypted at rest, shown
#: only to callers entitled to them, never logged, never in bulk exports or reports.
PERSONAL_FIELDS = ("candidate_name", "candidate_email", "candidate_birth_date", "notes")


@dataclass(frozen=True)
class RecruitmentRecord:
    """One international recruitment, as an organisation reports it.

    The rules read no personal data; ``personal`` carries the optional candidate fields from
    the importer to the store (which keeps them encrypted) and is left out of ``repr``.
    ``salary_offered`` and ``domestic_salary`` are annual, in one currency (None: not given).
    """

    record_id: str
    organisation: str
    organisation_type: str
    destination: str
    candidate_residence: str
    candidate_nationality: str
    cadre: str
    route: str
    referral_bonus_paid: bool
    recruitment_date: date
    fee_charged_to_candidate: float = 0.0
    fee_currency: str = ""
    repayment_clause_amount: float = 0.0
    repayment_clause_months: float = 0.0
    contract_start: date | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    salary_offered: float | None = None
    domestic_salary: float | None = None
    #: the candidate's personal fields (``PERSONAL_FIELDS``): never printed, never compared
    personal: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Agreement:
    """A government-to-government agreement or MoU between an origin and a destination.

    ``cadres`` empty means every cadre; ``valid_to`` None means open-ended; ``routes`` are the
    recruitment routes its terms allow (empty: any route); ``terms`` describes the terms in
    words.
    """

    agreement_id: str
    origin: str
    destination: str
    cadres: frozenset[str]
    valid_from: date
    valid_to: date | None
    kind: str
    source: str
    routes: frozenset[str] = frozenset()
    terms: str = ""

    def covers(self, origin: str, destination: str, cadre: str, on: date) -> bool:
        """Tell whether the agreement covers this origin, destination, cadre and date."""
        return (
            self.origin == origin
            and self.destination == destination
            and (not self.cadres or cadre in self.cadres)
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


@dataclass(frozen=True)
class Listing:
    """A period during which an organisation was on an ethical recruiters list."""

    valid_from: date
    valid_to: date | None
    source: str

    def covers(self, on: date) -> bool:
        """Tell whether ``on`` falls in the period (``valid_to`` None: still listed)."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class Organisation:
    """A recruitment agency or employer and its periods on the ethical recruiters list.

    >>> o = Organisation("acme", "GBR", "agency", (Listing(date(2022, 1, 1), None, "NHS"),))
    >>> o.listing_on(date(2021, 12, 31)) is None, o.listing_on(date(2022, 1, 1)).source
    (True, 'NHS')
    """

    name: str
    country: str
    kind: str
    listings: tuple[Listing, ...] = ()
    source: str = ""

    def listing_on(self, on: date) -> Listing | None:
        """Return the listing period covering ``on``, or None when not listed that day."""
        return next((p for p in self.listings if p.covers(on)), None)


@dataclass(frozen=True)
class SafeguardList:
    """One edition of the WHO safeguards list: the countries on it and when it takes effect."""

    version: str
    effective: date
    countries: frozenset[str]


@dataclass(frozen=True)
class CodeEdition:
    """One edition of a code of practice, with the limits and country grades it sets."""

    code: str
    title: str
    edition: str
    effective: date
    amber: frozenset[str] = frozenset()
    repayment_max_months: float | None = None
    voluntary: bool = False
    paragraphs: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""


@dataclass(frozen=True)
class Finding:
    """What a rule found about one record, explained, with the evidence it used.

    ``severity`` ``info`` records why a rule did not apply (e.g. a direct application).
    """

    record_id: str
    organisation: str
    rule_id: str
    severity: str
    explanation: str
    source: str
    evidence: Mapping[str, str] = field(default_factory=dict)
