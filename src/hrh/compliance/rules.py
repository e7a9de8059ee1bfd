"""The compliance rules, declared once: id, source, validity, severity and a pure check.

Each check reads one record and the :class:`Context` (safeguards lists by edition, agreements,
code editions) and returns findings with a plain-language explanation and the evidence used.
Residence, not nationality or birth, decides the list test (UK Code practice).

>>> [r.id for r in RULES]  # doctest: +NORMALIZE_WHITESPACE
['ssl_active_recruitment', 'amber_outside_agreement', 'candidate_fee', 'repayment_clause',
 'terms_below_domestic', 'agency_not_ethical_recruiter']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from hrh.domain.recruitment import (
    Agreement,
    CodeEdition,
    Finding,
    Organisation,
    RecruitmentRecord,
    SafeguardList,
)
from hrh.errors import M_, Text

CODE = "uk_code"


@dataclass(frozen=True)
class Context:
    """What the rules read besides the record: lists, agreements and code editions.

    ``as_of`` (when set) replaces each record's recruitment date for looking up the lists and
    editions in force. ``organisations`` is the organisations registry by name (records are
    linked to it by their ``organisation``).
    """

    ssl_lists: tuple[SafeguardList, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    editions: tuple[CodeEdition, ...] = ()
    as_of: date | None = None
    organisations: Mapping[str, Organisation] = field(default_factory=dict)

    def on(self, record: RecruitmentRecord) -> date:
        """Return the date whose lists and editions apply to ``record``."""
        return self.as_of or record.recruitment_date

    def ssl_at(self, on: date) -> SafeguardList | None:
        """Return the safeguards list in force on ``on`` (the latest that took effect)."""
        live = [s for s in self.ssl_lists if s.effective <= on]
        return max(live, key=lambda s: s.effective) if live else None

    def edition_at(self, on: date, code: str = CODE) -> CodeEdition | None:
        """Return the edition of ``code`` in force on ``on``."""
        live = [e for e in self.editions if e.code == code and e.effective <= on]
        return max(live, key=lambda e: e.effective) if live else None

    def covering(self, record: RecruitmentRecord, on: date) -> list[Agreement]:
        """Return the agreements covering the record's residence, destination, cadre and date."""
        return sorted(
            (
                a
                for a in self.agreements
                if a.covers(record.candidate_residence, record.destination, record.cadre, on)
            ),
            key=lambda a: a.agreement_id,
        )


Check = Callable[["Rule", RecruitmentRecord, Context], list[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule of a code of practice, as data and a pure check."""

    id: str
    label: str
    code: str
    severity: str
    valid_from: date
    valid_to: date | None
    check: Check = field(repr=False)

    def source(self, ctx: Context, on: date) -> str:
        """Return 'code, edition, paragraph' for the edition in force on ``on``."""
        ed = ctx.edition_at(on, self.code)
        if ed is None:
            return self.code
        para = ed.paragraphs.get(self.id, "")
        return f"{ed.title}, {ed.edition} edition" + (f", {para}" if para else "")

    def in_force(self, on: date) -> bool:
        """Tell whether the rule applies on ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def finding(
        self,
        record: RecruitmentRecord,
        ctx: Context,
        text: str,
        evidence: dict[str, str],
        severity: str | None = None,
    ) -> Finding:
        """Build a finding of this rule about ``record`` (``severity``: another than the rule's)."""
        on = ctx.on(record)
        return Finding(
            record.record_id,
            record.organisation,
            self.id,
            severity or self.severity,
            text,
            self.source(ctx, on),
            {"checked_on": on.isoformat(), **evidence},
        )


_RESIDENCE = (
    "Residence decides the list test (UK Code practice), not nationality (%(nat)s) or birth."
)


@dataclass(frozen=True)
class Texts:
    """The explanations of the rules, as ``%(name)s`` templates: the one source of their words.

    Both the per-record checks here and their bulk twins (``hrh.compliance.vector``) render
    them (:meth:`fill`), so the two engines cannot say different things. Values are filled in
    already formatted (numbers with ``:g``, dates as YYYY-MM-DD). The templates marked ``M_``
    are said again on the pages in the reader's language, from a finding's rule and evidence
    (:func:`explanation_text`); the others name values the evidence does not keep.
    """

    ssl_note: str = M_(
        "No breach: %(residence)s is on the WHO safeguards list %(version)s, but %(why)s, "
        "which is not active recruitment."
    )
    ssl: str = (
        "Active recruitment of a candidate resident in %(residence)s, which is on the WHO "
        "health workforce support and safeguards list %(version)s (in force since "
        "%(effective)s), with no government-to-government agreement covering %(cadre)s to "
        "%(destination)s on %(on)s (%(why)s). " + _RESIDENCE
    )
    amber: str = (
        "%(residence)s is an amber country in the %(title)s (%(edition)s edition): active "
        "recruitment is allowed only under a government-to-government agreement's terms, "
        "and %(why)s. " + _RESIDENCE
    )
    amber_routes: str = (
        "agreement %(agreement)s covers it but allows only the route(s) %(routes)s, not %(route)s"
    )
    amber_uncovered: str = (
        "no agreement covers %(cadre)s from %(residence)s to %(destination)s on %(on)s"
    )
    fee: str = M_(
        "The candidate was charged a recruitment fee of %(fee)s %(currency)s. The code forbids "
        "charging candidates any fee, whatever the amount or currency."
    )
    no_currency: str = M_("(currency not given)")
    #: rendered, then any double space made single (an empty currency)
    repayment: str = (
        "The contract has a repayment clause of %(amount)s %(currency)s over %(months)s "
        "months, longer than the %(limit)s months accepted under the %(edition)s edition."
    )
    terms: str = M_(
        "The salary offered (%(offered)s a year) is %(gap)s below that of comparable domestic "
        "staff (%(domestic)s a year, same currency). The code asks that internationally "
        "recruited staff be employed on the same terms as comparable domestic staff."
    )
    agency: str = M_(
        "The agency %(name)s was not on the ethical recruiters list on %(on)s, according to the "
        "organisations registry (%(periods)s%(registry)s). This is a flag for follow-up, not a "
        "breach in itself."
    )
    agency_periods: str = M_("its periods on the list: %(periods)s")
    agency_no_period: str = M_("no period on the list recorded")
    agency_registry: str = M_("; registry source: %(source)s")

    @staticmethod
    def fill(template: str, /, **values: str) -> str:
        """Render ``template`` with ``values``.

        >>> TEXTS.fill(TEXTS.agency_periods, periods="2020-01-01 to open (x)")
        'its periods on the list: 2020-01-01 to open (x)'
        """
        return template % values

    @staticmethod
    def around(template: str, at: str, /, **values: str) -> tuple[str, str]:
        """Render ``template`` but for its one ``%(at)s`` field: the text before it and after."""
        head, tail = template.split("%(" + at + ")s")
        return head % values, tail % values


TEXTS = Texts()


def explanation_text(rule_id: str, evidence: Mapping[str, str], explanation: str) -> Text | None:
    """Return a finding's explanation as a :class:`~hrh.errors.Text`, from its rule and evidence.

    Findings are stored with their English explanation and their evidence. Where the evidence
    keeps every value a rule's text names (fees, salaries, agency listings, the direct
    application note), the text is built again so the pages can say it in the reader's
    language; it is returned only if its English is the stored explanation, word for word.
    None otherwise: the explanation stays as stored.

    >>> e = {"fee": "250", "currency": ""}
    >>> str(explanation_text("candidate_fee", e, TEXTS.fill(TEXTS.fee, fee="250",
    ...     currency=TEXTS.no_currency)))[:52]
    'The candidate was charged a recruitment fee of 250 ('
    >>> explanation_text("candidate_fee", e, "Some other words.") is None
    True
    """
    try:
        text = _said_again(rule_id, evidence)
    except KeyError:
        return None
    return text if text is not None and str(text) == explanation else None


def _said_again(rule_id: str, e: Mapping[str, str]) -> Text | None:
    if rule_id == "candidate_fee":
        currency = e["currency"] or Text(TEXTS.no_currency)
        return Text.of(TEXTS.fee, fee=e["fee"], currency=currency)
    if rule_id == "terms_below_domestic":
        return Text.of(
            TEXTS.terms, offered=e["salary_offered"], gap=e["gap"], domestic=e["domestic_salary"]
        )
    if rule_id == "agency_not_ethical_recruiter":
        listed = e["listed_periods"]
        periods = (
            Text(TEXTS.agency_no_period)
            if listed == "none"
            else Text.of(TEXTS.agency_periods, periods=listed)
        )
        source = e.get("registry_source")
        registry = Text.of(TEXTS.agency_registry, source=source) if source else ""
        return Text.of(
            TEXTS.agency,
            name=e["organisation"],
            on=e["checked_on"],
            periods=periods,
            registry=registry,
        )
    if rule_id == "ssl_active_recruitment" and e.get("route") == "direct_application":
        why = Text(e["route_reading"])  # a marked phrase (see _activeness)
        return Text.of(TEXTS.ssl_note, residence=e["residence"], version=e["ssl_version"], why=why)
    return None


def _activeness(record: RecruitmentRecord, covered: list[Agreement]) -> tuple[bool, str]:
    """Tell whether the recruitment counts as active, and why."""
    if record.route == "direct_application":
        return False, M_("the candidate applied directly to an advertised post")
    if record.route == "referral":
        if record.referral_bonus_paid:
            return True, "a referral with a bonus paid counts as active recruitment"
        return False, "a referral with no bonus paid is not active recruitment"
    if record.route == "g2g":
        if covered:
            return False, "recruited under agreement " + covered[0].agreement_id
        return True, "route g2g but no agreement covers it, so it counts as active recruitment"
    return True, "route active"


def check_ssl(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """Active recruitment from a red-listed (SSL) country with no covering agreement."""
    on = ctx.on(record)
    ssl = ctx.ssl_at(on)
    res = record.candidate_residence
    if ssl is None or res not in ssl.countries:
        return []
    ed = ctx.edition_at(on)
    if ed is not None and res in ed.amber:
        return []  # graded amber: amber_outside_agreement decides
    covered = ctx.covering(record, on)
    active, why = _activeness(record, covered)
    evidence = {
        "residence": res,
        "ssl_version": ssl.version,
        "ssl_effective": ssl.effective.isoformat(),
        "route": record.route,
        "route_reading": why,
    }
    if not active:
        if record.route == "direct_application":
            text = TEXTS.fill(TEXTS.ssl_note, residence=res, version=ssl.version, why=why)
            return [rule.finding(record, ctx, text, evidence, severity="info")]
        return []
    if covered:
        return []
    text = TEXTS.fill(
        TEXTS.ssl,
        residence=res,
        version=ssl.version,
        effective=ssl.effective.isoformat(),
        cadre=record.cadre,
        destination=record.destination,
        on=on.isoformat(),
        why=why,
        nat=record.candidate_nationality,
    )
    return [rule.finding(record, ctx, text, evidence)]


def check_amber(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """Recruitment from an amber country outside an agreement's terms."""
    on = ctx.on(record)
    ed = ctx.edition_at(on)
    res = record.candidate_residence
    if ed is None or res not in ed.amber:
        return []
    covered = ctx.covering(record, on)
    if record.route == "direct_application" or (
        record.route == "referral" and not record.referral_bonus_paid
    ):
        return []
    allowed = [a for a in covered if not a.routes or record.route in a.routes]
    if allowed:
        return []
    evidence = {"residence": res, "edition": ed.edition, "route": record.route}
    if covered:
        a = covered[0]
        evidence["agreement"] = a.agreement_id
        why = TEXTS.fill(
            TEXTS.amber_routes,
            agreement=a.agreement_id,
            routes=", ".join(sorted(a.routes)),
            route=record.route,
        )
    else:
        why = TEXTS.fill(
            TEXTS.amber_uncovered,
            cadre=record.cadre,
            residence=res,
            destination=record.destination,
            on=on.isoformat(),
        )
    text = TEXTS.fill(
        TEXTS.amber,
        residence=res,
        title=ed.title,
        edition=ed.edition,
        why=why,
        nat=record.candidate_nationality,
    )
    return [rule.finding(record, ctx, text, evidence)]


def check_fee(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """Any fee charged to the candidate, in any currency."""
    if record.fee_charged_to_candidate <= 0:
        return []
    cur = record.fee_currency or TEXTS.no_currency
    text = TEXTS.fill(TEXTS.fee, fee=f"{record.fee_charged_to_candidate:g}", currency=cur)
    evidence = {"fee": f"{record.fee_charged_to_candidate:g}", "currency": record.fee_currency}
    return [rule.finding(record, ctx, text, evidence)]


def check_repayment(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """A repayment clause longer than the edition's limit."""
    on = ctx.on(record)
    ed = ctx.edition_at(on)
    months = record.repayment_clause_months
    if ed is None or ed.repayment_max_months is None or record.repayment_clause_amount <= 0:
        return []
    if months <= ed.repayment_max_months:
        return []
    text = TEXTS.fill(
        TEXTS.repayment,
        amount=f"{record.repayment_clause_amount:g}",
        currency=record.fee_currency or "",
        months=f"{months:g}",
        limit=f"{ed.repayment_max_months:g}",
        edition=ed.edition,
    ).replace("  ", " ")
    evidence = {
        "amount": f"{record.repayment_clause_amount:g}",
        "months": f"{months:g}",
        "limit_months": f"{ed.repayment_max_months:g}",
    }
    return [rule.finding(record, ctx, text, evidence)]


def check_terms(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """An annual salary offered below that of comparable domestic staff."""
    offered, domestic = record.salary_offered, record.domestic_salary
    if offered is None or domestic is None or not offered < domestic:
        return []
    gap = domestic - offered
    text = TEXTS.fill(TEXTS.terms, offered=f"{offered:g}", gap=f"{gap:g}", domestic=f"{domestic:g}")
    evidence = {
        "salary_offered": f"{offered:g}",
        "domestic_salary": f"{domestic:g}",
        "gap": f"{gap:g}",
    }
    return [rule.finding(record, ctx, text, evidence)]


def check_ethical_recruiter(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """An agency the organisations registry knows, not on the ethical recruiters list that day.

    An organisation the registry does not know gets no finding (the import reports it).
    """
    org = ctx.organisations.get(record.organisation)
    if record.organisation_type != "agency" or org is None or org.kind != "agency":
        return []
    on = ctx.on(record)
    if org.listing_on(on) is not None:
        return []
    periods = "; ".join(
        f"{p.valid_from.isoformat()} to {p.valid_to.isoformat() if p.valid_to else 'open'}"
        f" ({p.source})"
        for p in org.listings
    )
    text = TEXTS.fill(
        TEXTS.agency,
        name=org.name,
        on=on.isoformat(),
        periods=(
            TEXTS.fill(TEXTS.agency_periods, periods=periods) if periods else TEXTS.agency_no_period
        ),
        registry=TEXTS.fill(TEXTS.agency_registry, source=org.source) if org.source else "",
    )
    evidence = {"organisation": org.name, "listed_periods": periods or "none"}
    if org.source:
        evidence["registry_source"] = org.source
    return [rule.finding(record, ctx, text, evidence)]


UK_CODE_START = date(2021, 2, 25)

RULES: tuple[Rule, ...] = (
    Rule(
        "ssl_active_recruitment",
        "Active recruitment from a country on the WHO safeguards list",
        CODE,
        "high",
        UK_CODE_START,
        None,
        check_ssl,
    ),
    Rule(
        "amber_outside_agreement",
        "Recruitment from an amber country outside an agreement's terms",
        CODE,
        "high",
        UK_CODE_START,
        None,
        check_amber,
    ),
    Rule(
        "candidate_fee",
        "Fee charged to the candidate",
        CODE,
        "high",
        UK_CODE_START,
        None,
        check_fee,
    ),
    Rule(
        "repayment_clause",
        "Repayment clause beyond the code's limit",
        CODE,
        "medium",
        UK_CODE_START,
        None,
        check_repayment,
    ),
    Rule(
        "terms_below_domestic",
        "Salary below that of comparable domestic staff",
        CODE,
        "medium",
        UK_CODE_START,
        None,
        check_terms,
    ),
    Rule(
        "agency_not_ethical_recruiter",
        "Agency not on the ethical recruiters list",
        CODE,
        "low",
        UK_CODE_START,
        None,
        check_ethical_recruiter,
    ),
)
RULES_BY_ID = {r.id: r for r in RULES}
