"""The columnar engine: every rule's findings computed on a :class:`RecordTable`, texts in bulk.

For each rule it knows (``BULK``, keyed by the rule's check function), the engine decides
which records get a finding with numpy on the table's columns (lists, editions and agreements
in force looked up with sorted searches), then builds the findings' explanations and evidence
once per distinct combination of the inputs they name (the date apart, which is filled in per
finding). A rule it does not know runs its own check per record, on the records its candidate
mask (``MASKS``) selects, or on every record in force.

The findings are returned as columns (a :class:`FindingTable`, sorted with ``numpy.lexsort``)
and are exactly those of the per-record loop (``engine.evaluate_per_record``) once built: same
records, rule ids, severities, explanations, sources and evidence, in the same order. The
explanations render the templates the checks render (``rules.TEXTS``); each bulk function
mirrors its rule's check in ``hrh.compliance.rules``, and the property tests compare the two
engines on random records, so a check changed without its bulk twin fails them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from operator import lt
from typing import Any

import numpy as np
import numpy.typing as npt

from hrh.compliance.rules import (
    CODE,
    TEXTS,
    Check,
    Context,
    Rule,
    _activeness,
    check_amber,
    check_ethical_recruiter,
    check_fee,
    check_repayment,
    check_ssl,
    check_terms,
)
from hrh.domain.finding_table import FIELDS, Col, FindingTable
from hrh.domain.recruitment import Agreement, CodeEdition, Finding, RecruitmentRecord
from hrh.domain.recruitment_table import RecordTable

Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

DIRECT, REFERRAL, G2G, OTHER = 0, 1, 2, 3  # route kinds, as _activeness reads the route
_KINDS = {"direct_application": DIRECT, "referral": REFERRAL, "g2g": G2G}


class View:
    """A table read on the dates that apply (``as_of`` or each record's date), with look-ups."""

    def __init__(self, table: RecordTable, ctx: Context) -> None:
        self.table, self.ctx, self.size = table, ctx, len(table)
        if ctx.as_of is not None:
            self.on: Ints = np.full(self.size, ctx.as_of.toordinal(), dtype=np.int64)
        else:
            self.on = table.ordinals("recruitment_date")
        self.residence = table.coded("candidate_residence")
        self.destination = table.coded("destination")
        self.cadre = table.coded("cadre")
        self.route = table.coded("route")
        self._kinds = np.array([_KINDS.get(r, OTHER) for r in self.route.values], dtype=np.int64)
        self.bonus: Mask = table.flag("referral_bonus_paid")
        self._live: dict[tuple[date, date | None], Mask] = {}

    # --- look-ups (on all records, or on the records ``idx``) ------------------------------

    def live(self, rule: Rule) -> Mask:
        """Tell, per record, whether ``rule`` is in force on its date."""
        window = (rule.valid_from, rule.valid_to)
        if window not in self._live:
            live = self.on >= rule.valid_from.toordinal()
            if rule.valid_to is not None:
                live &= self.on <= rule.valid_to.toordinal()
            self._live[window] = live
        return self._live[window]

    def kind(self, idx: Ints) -> Ints:
        """The route kind (``DIRECT``, ``REFERRAL``, ``G2G``, ``OTHER``) of records ``idx``."""
        kinds: Ints = self._kinds[self.route.codes[idx]]
        return kinds

    def ssl_index(self, idx: Ints) -> Ints:
        """Index into ``ctx.ssl_lists`` of the list in force per record (-1: none)."""
        return _in_force([s.effective.toordinal() for s in self.ctx.ssl_lists], self.on[idx])

    def editions(self, code: str, idx: Ints) -> tuple[Ints, list[CodeEdition]]:
        """Index into the editions of ``code`` (context order) in force per record (-1: none)."""
        eds = [e for e in self.ctx.editions if e.code == code]
        return _in_force([e.effective.toordinal() for e in eds], self.on[idx]), eds

    def residence_in(self, sets: Sequence[frozenset[str]], index: Ints, idx: Ints) -> Mask:
        """Tell whether the residence of records ``idx`` is in ``sets[index]`` (-1: in none)."""
        table = np.zeros((len(sets) + 1, len(self.residence.values)), dtype=np.bool_)
        for i, countries in enumerate(sets):
            table[i] = self.residence.table(countries.__contains__)
        found: Mask = table[index, self.residence.codes[idx]]
        return found

    def residence_in_any(self, sets: Sequence[frozenset[str]]) -> Mask:
        """Tell, per record, whether its residence is in any of ``sets``."""
        test = frozenset().union(*sets)
        found: Mask = self.residence.table(test.__contains__)[self.residence.codes]
        return found

    def coverage(self, idx: Ints) -> tuple[Ints, Mask, list[Agreement]]:
        """The agreements covering records ``idx`` on their dates (``Context.covering``).

        Returns, per record of ``idx``, the index of the first covering agreement in the
        returned list (sorted by id, ties in context order; -1: none), and whether one of the
        covering agreements allows the record's route.
        """
        ags = sorted(self.ctx.agreements, key=lambda a: a.agreement_id)
        first = np.full(len(idx), -1, dtype=np.int64)
        allowed = np.zeros(len(idx), dtype=np.bool_)
        if not ags or not len(idx):
            return first, allowed, ags
        n_dest = len(self.destination.values)
        key = self.residence.codes[idx] * n_dest + self.destination.codes[idx]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        for rank, a in enumerate(ags):
            origin, dest = self.residence.code(a.origin), self.destination.code(a.destination)
            if origin < 0 or dest < 0:
                continue
            pair = origin * n_dest + dest
            lo, hi = np.searchsorted(sorted_key, [pair, pair + 1])
            if lo == hi:
                continue
            pos = order[lo:hi]
            rows = idx[pos]
            ok = (self.on[rows] >= a.valid_from.toordinal()) & (
                self.on[rows] <= (a.valid_to.toordinal() if a.valid_to else date.max.toordinal())
            )
            if a.cadres:
                ok &= self.cadre.table(a.cadres.__contains__)[self.cadre.codes[rows]]
            hit = pos[ok]
            first[hit[first[hit] < 0]] = rank
            if a.routes:
                hit = hit[self.route.table(a.routes.__contains__)[self.route.codes[idx[hit]]]]
            allowed[hit] = True
        return first, allowed, ags

    def days(self, idx: Ints) -> tuple[Ints, list[str]]:
        """Dense codes of the dates of records ``idx``, and each code's date as YYYY-MM-DD."""
        days, inverse = np.unique(self.on[idx], return_inverse=True)
        iso = np.datetime_as_string((days - _EPOCH).astype("datetime64[D]"))  # = isoformat()
        return inverse.reshape(-1).astype(np.int64), iso.tolist()

    def sources(self, rule: Rule, idx: Ints) -> Col:
        """``rule.source`` on each record's date (computed once per edition in force)."""
        index, _ = self.editions(rule.code, idx)
        _, first, inverse = np.unique(index, return_index=True, return_inverse=True)
        texts = [rule.source(self.ctx, date.fromordinal(int(self.on[idx[i]]))) for i in first]
        return inverse.reshape(-1).astype(np.int64), texts


_EPOCH = date(1970, 1, 1).toordinal()  # day 0 of numpy's datetime64


def _in_force(effective: Sequence[int], on: Ints) -> Ints:
    """Index of the latest of ``effective`` on or before each date (ties: the first); -1: none.

    The same choice as ``max(live, key=effective)`` over the items in their order.
    """
    if not effective:
        return np.full(len(on), -1, dtype=np.int64)
    order = sorted(range(len(effective)), key=lambda i: (effective[i], -i))
    pos = np.searchsorted(np.array([effective[i] for i in order], dtype=np.int64), on, "right")
    return np.array([*order, -1], dtype=np.int64)[pos - 1]


def _render(fn: Callable[..., Any], *columns: Ints) -> Col:
    """``fn(*values)`` once per distinct combination of the columns' values, as a column.

    ``fn`` gets plain ints, and reads nothing else per finding: a finding's text or evidence
    is a function of the columns passed, so equal combinations say the same.
    """
    if not len(columns[0]):
        return np.zeros(0, dtype=np.int64), []
    _, first, inverse = np.unique(_combine(*columns), return_index=True, return_inverse=True)
    values = [c[first].tolist() for c in columns]
    return inverse.reshape(-1).astype(np.int64), list(map(fn, *values))


def _size(codes: Ints) -> int:
    """How many values a column of codes may take: its maximum plus one."""
    return int(codes.max(initial=-1)) + 1


def _combine(*columns: Ints) -> Ints:
    """One int64 key from several columns of codes (>= 0), renumbered densely when needed."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    bound = 1
    for codes in columns:
        size = max(_size(codes), 1)
        if bound * size >= 2**62:
            values, inverse = np.unique(key, return_inverse=True)
            key, bound = inverse.reshape(-1).astype(np.int64), len(values)
        key = key * size + codes
        bound *= size
    return key


def _numbers(values: npt.NDArray[np.float64]) -> Col:
    """Codes of distinct values (bit for bit: -0 and NaN apart) and ``f"{v:g}"`` of each."""
    bits, inverse = np.unique(values.view(np.int64), return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), [f"{v:g}" for v in bits.view(np.float64).tolist()]


@dataclass
class Block:
    """The findings of one rule: their records (ascending), severities, texts and evidence.

    Columns are in dictionary form: findings that say the same share one text or evidence.
    """

    idx: Ints
    severity: Col
    text: Col
    evidence: Col


BulkFn = Callable[[Rule, View, Mask], Block]


def _same(idx: Ints, value: Any) -> Col:
    return np.zeros(len(idx), dtype=np.int64), [value]


def _why(route: str, bonus: bool) -> str:
    """``_activeness``'s reading of an uncovered route (one record built per reading)."""
    probe = RecruitmentRecord("", "", "", "", "", "", "", route, bonus, date.min)
    return _activeness(probe, [])[1]


def bulk_ssl(rule: Rule, v: View, live: Mask) -> Block:
    """``check_ssl`` on columns."""
    lists = v.ctx.ssl_lists
    c = np.flatnonzero(live & v.residence_in_any([s.countries for s in lists]))
    si = v.ssl_index(c)
    ei, eds = v.editions(CODE, c)
    kind, bonus = v.kind(c), v.bonus[c]
    listed = v.residence_in([s.countries for s in lists], si, c)
    amber = v.residence_in([e.amber for e in eds], ei, c)
    keep = listed & ~amber & ~((kind == REFERRAL) & ~bonus)
    c, si, kind = c[keep], si[keep], kind[keep]
    direct = kind == DIRECT
    first, _, _ = v.coverage(c)
    keep = direct | (first < 0)  # a covered active recruitment is no finding
    idx, info, si = c[keep], direct[keep], si[keep]
    res, routes, cadres, dests = (
        v.residence.values,
        v.route.values,
        v.cadre.values,
        v.destination.values,
    )
    nat = v.table.coded("candidate_nationality")
    rc, sc, route, nc = v.residence.codes[idx], si, v.route.codes[idx], nat.codes[idx]
    bonus = v.bonus[idx].astype(np.int64)
    dc, days = v.days(idx)
    wc, whys = _render(lambda r, b: _why(routes[r], bool(b)), route, bonus)
    gc, protos = _render(
        lambda r, s, w, rt: {
            "checked_on": "",
            "residence": res[r],
            "ssl_version": lists[s].version,
            "ssl_effective": lists[s].effective.isoformat(),
            "route": routes[rt],
            "route_reading": whys[w],
        },
        rc,
        sc,
        wc,
        route,
    )
    evidence = _render(lambda g, d: {**protos[g], "checked_on": days[d]}, gc, dc)
    notes = _render(
        lambda r, s, w: TEXTS.fill(
            TEXTS.ssl_note, residence=res[r], version=lists[s].version, why=whys[w]
        ),
        rc,
        sc,
        wc,
    )
    pc, parts = _render(  # the text but for its date: before it and after it
        lambda r, s, k, d, w, n: TEXTS.around(
            TEXTS.ssl,
            "on",
            residence=res[r],
            version=lists[s].version,
            effective=lists[s].effective.isoformat(),
            cadre=cadres[k],
            destination=dests[d],
            why=whys[w],
            nat=nat.values[n],
        ),
        rc,
        sc,
        v.cadre.codes[idx],
        v.destination.codes[idx],
        wc,
        nc,
    )
    text = _render(
        lambda i, note, p, d: notes[1][note] if i else parts[p][0] + days[d] + parts[p][1],
        info.astype(np.int64),
        np.where(info, notes[0], 0),
        np.where(info, 0, pc),
        np.where(info, 0, dc),
    )
    return Block(idx, (info.astype(np.int64), [rule.severity, "info"]), text, evidence)


def bulk_amber(rule: Rule, v: View, live: Mask) -> Block:
    """``check_amber`` on columns."""
    eds = [e for e in v.ctx.editions if e.code == CODE]
    c = np.flatnonzero(live & v.residence_in_any([e.amber for e in eds]))
    ei, _ = v.editions(CODE, c)
    kind = v.kind(c)
    passive = (kind == DIRECT) | ((kind == REFERRAL) & ~v.bonus[c])
    keep = v.residence_in([e.amber for e in eds], ei, c) & ~passive
    c, ei = c[keep], ei[keep]
    first, allowed, ags = v.coverage(c)
    idx, first, ei = c[~allowed], first[~allowed], ei[~allowed]
    res, routes, cadres, dests = (
        v.residence.values,
        v.route.values,
        v.cadre.values,
        v.destination.values,
    )
    nat = v.table.coded("candidate_nationality")
    rc, ec, route = v.residence.codes[idx], ei, v.route.codes[idx]
    dc, days = v.days(idx)

    def proto(r: int, e: int, rt: int, a: int) -> dict[str, str]:
        out = {
            "checked_on": "",
            "residence": res[r],
            "edition": eds[e].edition,
            "route": routes[rt],
        }
        if a > 0:
            out["agreement"] = ags[a - 1].agreement_id
        return out

    gc, protos = _render(proto, rc, ec, route, first + 1)
    evidence = _render(lambda g, d: {**protos[g], "checked_on": days[d]}, gc, dc)

    def say(r: int, e: int, rt: int, a: int, k: int, d: int, n: int, day: int) -> str:
        if a > 0:
            agreement = ags[a - 1]
            why = TEXTS.fill(
                TEXTS.amber_routes,
                agreement=agreement.agreement_id,
                routes=", ".join(sorted(agreement.routes)),
                route=routes[rt],
            )
        else:
            why = TEXTS.fill(
                TEXTS.amber_uncovered,
                cadre=cadres[k],
                residence=res[r],
                destination=dests[d],
                on=days[day],
            )
        return TEXTS.fill(
            TEXTS.amber,
            residence=res[r],
            title=eds[e].title,
            edition=eds[e].edition,
            why=why,
            nat=nat.values[n],
        )

    covered = first >= 0  # only the text without an agreement names the cadre and date
    text = _render(
        say,
        rc,
        ec,
        route,
        first + 1,
        np.where(covered, 0, v.cadre.codes[idx]),
        np.where(covered, 0, v.destination.codes[idx]),
        nat.codes[idx],
        np.where(covered, 0, dc),
    )
    return Block(idx, _same(idx, rule.severity), text, evidence)


def bulk_fee(rule: Rule, v: View, live: Mask) -> Block:
    """``check_fee`` on columns (NaN fees are charged fees, as ``not fee <= 0`` reads them)."""
    fee = v.table.number("fee_charged_to_candidate")
    idx = np.flatnonzero(~(fee <= 0))
    idx = idx[live[idx]]
    cur = v.table.coded("fee_currency").values
    fc, amounts = _numbers(fee[idx])
    cc = v.table.coded("fee_currency").codes[idx]
    dc, days = v.days(idx)
    text = _render(
        lambda f, c: TEXTS.fill(TEXTS.fee, fee=amounts[f], currency=cur[c] or TEXTS.no_currency),
        fc,
        cc,
    )
    evidence = _render(
        lambda f, c, d: {"checked_on": days[d], "fee": amounts[f], "currency": cur[c]}, fc, cc, dc
    )
    return Block(idx, _same(idx, rule.severity), text, evidence)


def bulk_repayment(rule: Rule, v: View, live: Mask) -> Block:
    """``check_repayment`` on columns."""
    amount = v.table.number("repayment_clause_amount")
    months = v.table.number("repayment_clause_months")
    idx = np.flatnonzero(~(amount <= 0))
    idx = idx[live[idx]]
    ei, eds = v.editions(CODE, idx)
    caps = [e.repayment_max_months for e in eds]
    has_limit = np.array([c is not None for c in caps] + [False], dtype=np.bool_)[ei]
    limits = np.array([c or 0.0 for c in caps] + [0.0], dtype=np.float64)[ei]
    keep = has_limit & ~(months[idx] <= limits)
    idx, ei, limits = idx[keep], ei[keep], limits[keep]
    cur = v.table.coded("fee_currency").values
    (ac, amounts), (mc, spans) = _numbers(amount[idx]), _numbers(months[idx])
    lc, caps_text = _numbers(limits)
    dc, days = v.days(idx)
    text = _render(
        lambda a, c, m, cap, e: TEXTS.fill(
            TEXTS.repayment,
            amount=amounts[a],
            currency=cur[c] or "",
            months=spans[m],
            limit=caps_text[cap],
            edition=eds[e].edition,
        ).replace("  ", " "),
        ac,
        v.table.coded("fee_currency").codes[idx],
        mc,
        lc,
        ei,
    )
    evidence = _render(
        lambda a, m, cap, d: {
            "checked_on": days[d],
            "amount": amounts[a],
            "months": spans[m],
            "limit_months": caps_text[cap],
        },
        ac,
        mc,
        lc,
        dc,
    )
    return Block(idx, _same(idx, rule.severity), text, evidence)


def bulk_terms(rule: Rule, v: View, live: Mask) -> Block:
    """``check_terms`` on columns (a salary not given is no finding; NaN compares false)."""
    t = v.table
    offered, domestic = t.number("salary_offered"), t.number("domestic_salary")
    idx = np.flatnonzero(offered < domestic)  # False where either is NaN (None is stored as NaN)
    for name in ("salary_offered", "domestic_salary"):
        none = t.missing(name)
        if none is not None:
            idx = idx[~none[idx]]
    idx = idx[live[idx]]
    (oc, o_txt), (dmc, d_txt) = _numbers(offered[idx]), _numbers(domestic[idx])
    with np.errstate(all="ignore"):  # as Python's float subtraction: overflow gives inf
        gc, gaps = _numbers(domestic[idx] - offered[idx])
    dc, days = v.days(idx)
    text = _render(
        lambda o, d, g: TEXTS.fill(TEXTS.terms, offered=o_txt[o], gap=gaps[g], domestic=d_txt[d]),
        oc,
        dmc,
        gc,
    )
    evidence = _render(
        lambda o, d, g, day: {
            "checked_on": days[day],
            "salary_offered": o_txt[o],
            "domestic_salary": d_txt[d],
            "gap": gaps[g],
        },
        oc,
        dmc,
        gc,
        dc,
    )
    return Block(idx, _same(idx, rule.severity), text, evidence)


def bulk_ethical_recruiter(rule: Rule, v: View, live: Mask) -> Block:
    """``check_ethical_recruiter`` on columns: per organisation, its listing periods."""
    org, kind = v.table.coded("organisation"), v.table.coded("organisation_type")
    known = [v.ctx.organisations.get(name) for name in org.values]
    if not any(o is not None and o.kind == "agency" for o in known):
        none = np.zeros(0, np.int64)
        return Block(none, (none, []), (none, []), (none, []))  # no agency to check
    agency = kind.table("agency".__eq__)[kind.codes]
    hit = np.zeros(v.size, dtype=np.bool_)
    for code, o in enumerate(known):
        if o is None or o.kind != "agency":
            continue
        rows = live & agency & (org.codes == code)
        for p in o.listings:
            rows &= ~(
                (v.on >= p.valid_from.toordinal())
                & (v.on <= (p.valid_to.toordinal() if p.valid_to else date.max.toordinal()))
            )
        hit |= rows
    idx = np.flatnonzero(hit)
    oc = org.codes[idx]
    dc, days = v.days(idx)
    parts: dict[int, tuple[str, str, dict[str, str]]] = {}

    def part(code: int) -> tuple[str, str, dict[str, str]]:
        if code not in parts:
            o = known[code]
            assert o is not None  # only known agencies have hits
            periods = "; ".join(
                f"{p.valid_from.isoformat()} to "
                f"{p.valid_to.isoformat() if p.valid_to else 'open'} ({p.source})"
                for p in o.listings
            )
            head, tail = TEXTS.around(
                TEXTS.agency,
                "on",
                name=o.name,
                periods=(
                    TEXTS.fill(TEXTS.agency_periods, periods=periods)
                    if periods
                    else TEXTS.agency_no_period
                ),
                registry=TEXTS.fill(TEXTS.agency_registry, source=o.source) if o.source else "",
            )
            ev = {"checked_on": "", "organisation": o.name, "listed_periods": periods or "none"}
            if o.source:
                ev["registry_source"] = o.source
            parts[code] = (head, tail, ev)
        return parts[code]

    text = _render(
        lambda o, d: part(o)[0] + days[d] + part(o)[1],
        oc,
        dc,
    )
    evidence = _render(lambda o, d: {**part(o)[2], "checked_on": days[d]}, oc, dc)
    return Block(idx, _same(idx, rule.severity), text, evidence)


BULK: dict[Check, BulkFn] = {
    check_ssl: bulk_ssl,
    check_amber: bulk_amber,
    check_fee: bulk_fee,
    check_repayment: bulk_repayment,
    check_terms: bulk_terms,
    check_ethical_recruiter: bulk_ethical_recruiter,
}
"""A rule's check function → the same check on columns."""

MaskFn = Callable[[Rule, View], Mask]
MASKS: dict[str, MaskFn] = {}
"""Rule id → candidate mask (a superset of its hits), for a rule with no bulk check; such a
rule with no mask either is checked on every record in force."""


# --- the findings, in the per-record loop's order ------------------------------------------


def evaluate_table(
    table: RecordTable, rules: Sequence[Rule], context: Context, memo: Context
) -> FindingTable:
    """Return the findings of ``rules`` on ``table``, those of the per-record loop exactly.

    ``memo`` is ``context`` with its look-ups remembered, for the rules checked per record.
    """
    if not len(table) or not rules:
        return FindingTable.empty()
    with _no_cyclic_gc():
        return _evaluate(table, rules, context, memo)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting goes on) while findings are built.

    The findings hold no reference cycles, yet each of them counts towards the collector's
    thresholds, and each full collection walks every live object: over a million records that
    would cost more than building the findings. The collector's state is restored after.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _evaluate(
    table: RecordTable, rules: Sequence[Rule], context: Context, memo: Context
) -> FindingTable:
    v = View(table, context)
    blocks: list[tuple[int, Rule, Block]] = []
    made: list[tuple[int, int, int, Finding]] = []  # record, rule position, sub, finding
    for j, rule in enumerate(rules):
        live = v.live(rule)
        bulk = BULK.get(rule.check)
        if bulk is not None:
            blocks.append((j, rule, bulk(rule, v, live)))
            continue
        mask_fn = MASKS.get(rule.id)
        if mask_fn is not None:
            live = live & mask_fn(rule, v)
        for i in np.flatnonzero(live).tolist():
            for sub, f in enumerate(rule.check(rule, table[i], memo)):
                made.append((i, j, sub, f))
    return _assemble(v, blocks, made)


def _stack(cols: list[Col]) -> Col:
    """One dictionary column from several (their values side by side)."""
    codes: list[Ints] = []
    values: list[Any] = []
    offset = 0
    for c, vals in cols:
        codes.append(c + offset)
        values.extend(vals)
        offset += len(vals)
    return np.concatenate([*codes, np.zeros(0, np.int64)]), values


def _ranked(col: Col) -> Ints:
    """Per item, the rank of its value in Python's string order."""
    codes, values = col
    rank = {s: i for i, s in enumerate(sorted(set(values)))}
    return np.array([rank[s] for s in values] + [0], dtype=np.int64)[codes]


def _assemble(
    v: View, blocks: list[tuple[int, Rule, Block]], made: list[tuple[int, int, int, Finding]]
) -> FindingTable:
    """The findings as columns, sorted by (organisation, record id, rule id, severity).

    Ties keep the per-record loop's order: record, then rule, then the check's own order.
    """
    org = v.table.coded("organisation")
    ids: list[str] = v.table.objects("record_id")
    rows = np.concatenate(
        [b.idx for _, _, b in blocks] + [np.array([m[0] for m in made], np.int64)]
    )
    n_bulk = len(rows) - len(made)
    if not len(rows):
        return FindingTable.empty()
    mine = np.arange(len(made), dtype=np.int64)

    def extra(values: list[Any]) -> list[Col]:
        return [(mine, values)] if made else []

    record_id = (
        (rows, ids)
        if not made
        else _stack([(rows[:n_bulk], ids), (mine, [m[3].record_id for m in made])])
    )
    organisation = _stack(
        [(org.codes[rows[:n_bulk]], list(org.values)), *extra([m[3].organisation for m in made])]
    )
    rule_id = _stack(
        [_same(b.idx, r.id) for _, r, b in blocks] + extra([m[3].rule_id for m in made])
    )
    severity = _stack([b.severity for _, _, b in blocks] + extra([m[3].severity for m in made]))
    text = _stack([b.text for _, _, b in blocks] + extra([m[3].explanation for m in made]))
    source = _stack(
        [v.sources(r, b.idx) for _, r, b in blocks] + extra([m[3].source for m in made])
    )
    evidence = _stack([b.evidence for _, _, b in blocks] + extra([m[3].evidence for m in made]))
    orgs = _ranked(organisation)
    n_rules = 1 + max([j for j, _, _ in blocks] + [m[1] for m in made])
    sub = np.array([m[2] for m in made], np.int64)
    rule_pos = np.concatenate(
        [np.full(len(b.idx), j, np.int64) for j, _, b in blocks]
        + [np.array([m[1] for m in made], np.int64)]
    )
    tie = rows * n_rules + rule_pos  # the loop's order: record, rule, then the check's own
    if made:
        tie = tie * (int(sub.max()) + 1) + np.concatenate([np.zeros(n_bulk, np.int64), sub])
    what = _ranked(rule_id) * (len(severity[1]) + 1) + _ranked(severity)
    id_rank = _id_ranks(orgs, rows, record_id)
    order = np.lexsort((tie, what, orgs * (int(id_rank.max()) + 1) + id_rank))

    cols = (record_id, organisation, rule_id, severity, text, source, evidence)
    ordered = {
        name: (codes[order], values) for name, (codes, values) in zip(FIELDS, cols, strict=True)
    }
    return FindingTable(rows[order], ordered)


def _id_ranks(orgs: Ints, rows: Ints, record_id: Col) -> Ints:
    """Ranks of the record ids that order them within each organisation (``orgs``: ranks).

    When the ids already come in record order within each organisation (files usually do),
    counting changes gives the ranks without sorting strings; otherwise they are sorted.
    """
    codes, values = record_id
    n = len(codes)
    by = np.lexsort((rows, orgs))
    seq = list(map(values.__getitem__, codes[by].tolist()))
    cuts = (np.flatnonzero(np.diff(orgs[by])) + 1).tolist()
    ranks = np.zeros(n, dtype=np.int64)
    rise = np.array(list(map(lt, seq, seq[1:])), dtype=np.bool_).reshape(-1)
    # in order when, within each organisation, every next id is greater or equal
    flat = np.flatnonzero(~rise)
    flat = flat[~np.isin(flat + 1, cuts)].tolist()
    if all(seq[k] == seq[k + 1] for k in flat):
        ranks[by[1:]] = np.cumsum(rise | (np.diff(orgs[by]) != 0))
        return ranks
    ids = list(map(values.__getitem__, codes.tolist()))
    order = sorted(range(n), key=ids.__getitem__)
    ranks[order[1:]] = np.cumsum(
        np.fromiter((ids[a] != ids[b] for a, b in pairwise(order)), np.bool_, count=n - 1)
    )
    return ranks
