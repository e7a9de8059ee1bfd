"""Value objects of ethical-recruitment monitoring: records, agreements, lists and findings.

They are shared by the importer (which builds them), the pure rules (which read them) and the
store (which keeps them). Records hold no names or contacts: residence, nationality and cadre
are all the rules need.

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


@dataclass(frozen=True)
class RecruitmentRecord:
    """One international recruitment, as an organisation reports it (no personal names)."""

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


@dataclass(frozen=True)
class Agreement:
    """A government-to-government agreement or MoU between an origin and a destination.

    ``cadres`` empty means every cadre; ``valid_to`` None means open-ended; ``routes`` are the
    recruitment routes its terms allow (empty: any route).
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
