"""The columnar engine (``RecordTable`` + ``hrh.compliance.vector``) against the per-record loop.

The engine must return exactly the per-record loop's findings: same records, rule ids,
severities, explanations, sources and evidence (keys in the same order), in the same order,
on random records whose dates fall on the days lists, editions and agreements start and end.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.compliance import vector
from hrh.compliance.engine import evaluate, evaluate_columns, evaluate_per_record
from hrh.compliance.rules import RULES, Context, Rule
from hrh.domain import finding_table, recruitment_table
from hrh.domain.finding_table import FIELDS, FindingTable
from hrh.domain.recruitment import (
    Agreement,
    CodeEdition,
    Finding,
    Listing,
    Organisation,
    RecruitmentRecord,
    SafeguardList,
)
from hrh.domain.recruitment_table import RecordTable
from hrh.params.codes_of_practice import load_editions

EDITIONS = load_editions()
COUNTRIES = ["GHA", "KEN", "NPL", "IND", "GBR", "NGA", "PHL"]
CADRES = ["nursing_professionals", "medical_doctors", "midwifery_professionals"]
ROUTES = ["active", "direct_application", "referral", "g2g", "secondment"]  # one unknown
SSL_DAYS = [date(2020, 11, 17), date(2023, 3, 14)]
# the days a list, an edition or an agreement starts, and the days either side
BOUNDARIES = sorted(
    {
        d + timedelta(days=k)
        for d in [*SSL_DAYS, *(e.effective for e in EDITIONS), date(2022, 1, 1), date(2024, 12, 31)]
        for k in (-1, 0, 1)
    }
)
days = st.one_of(
    st.sampled_from(BOUNDARIES), st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))
)
amounts = st.one_of(
    st.sampled_from([0.0, -0.0, 0.01, 150.0, 2000.0, 1e21, float("nan"), float("inf")]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def records(draw: st.DrawFn) -> RecruitmentRecord:
    return RecruitmentRecord(
        record_id=draw(
            st.sampled_from(["R1", "R2", "r10", "R\x00", "R", "Ä1"]) | st.text(max_size=4)
        ),
        organisation=draw(st.sampled_from(["acme", "beta", "Zeta", "gamma"])),
        organisation_type=draw(st.sampled_from(["agency", "employer"])),
        destination=draw(st.sampled_from(["GBR", "IRL"])),
        candidate_residence=draw(st.sampled_from(COUNTRIES)),
        candidate_nationality=draw(st.sampled_from(COUNTRIES)),
        cadre=draw(st.sampled_from(CADRES)),
        route=draw(st.sampled_from(ROUTES)),
        referral_bonus_paid=draw(st.booleans()),
        recruitment_date=draw(days),
        fee_charged_to_candidate=draw(amounts),
        fee_currency=draw(st.sampled_from(["", "GBP", "KES", " X"])),
        repayment_clause_amount=draw(amounts),
        repayment_clause_months=draw(st.sampled_from([0.0, 12.0, 24.0, 24.5, 36.0]) | amounts),
        contract_start=draw(st.none() | days),
        extra=draw(st.sampled_from([{}, {"country_of_training": "GHA"}])),
        salary_offered=draw(st.none() | st.sampled_from([30000.0, 35000.0, -0.0]) | amounts),
        domestic_salary=draw(st.none() | st.sampled_from([35000.0, 0.0]) | amounts),
    )


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda d: d >= start)))
    return Agreement(
        draw(st.sampled_from(["A1", "A2", "B"])),  # ids repeat: ties keep the context order
        draw(st.sampled_from([*COUNTRIES, "USA"])),
        draw(st.sampled_from(["GBR", "IRL", "AUS"])),
        frozenset(draw(st.sets(st.sampled_from(CADRES), max_size=2))),
        start,
        end,
        draw(st.sampled_from(["g2g", "mou"])),
        "test",
        frozenset(draw(st.sets(st.sampled_from(ROUTES), max_size=2))),
    )


lists = st.lists(
    st.builds(
        SafeguardList,
        st.sampled_from(["2020", "2023", "x"]),
        st.sampled_from(SSL_DAYS) | days,  # equal dates: the first in context order wins
        st.frozensets(st.sampled_from(COUNTRIES)),
    ),
    max_size=3,
)
editions = st.one_of(
    st.just(EDITIONS),
    st.permutations(EDITIONS).map(tuple),
    st.builds(
        lambda eds, extra: (*eds, extra),
        st.just(EDITIONS),
        st.builds(
            CodeEdition,
            st.sampled_from(["uk_code", "who_global_code"]),
            st.just("Test code"),
            st.sampled_from(["2023", "late"]),
            st.sampled_from([date(2023, 3, 23), date(2024, 6, 1)]),  # may tie with 2023
            st.frozensets(st.sampled_from(COUNTRIES)),
            st.none() | st.sampled_from([12.0, 24.0, float("inf")]),
        ),
    ),
)
organisations = st.sampled_from(
    [
        {},
        {
            "acme": Organisation(
                "acme",
                "GBR",
                "agency",
                (Listing(date(2022, 1, 1), date(2023, 6, 30), "NHS"),),
                "NHS",
            ),
            "beta": Organisation("Beta Ltd", "GBR", "agency"),
            "gamma": Organisation("gamma", "GBR", "employer"),
        },
    ]
)


def _same(got: list[Finding], want: list[Finding]) -> None:
    assert got == want
    # evidence keys in the same order too (JSON output stays byte for byte the same)
    assert [list(f.evidence) for f in got] == [list(f.evidence) for f in want]
    assert [type(f) for f in got] == [Finding] * len(want)


def _same_columns(got: FindingTable, want: list[Finding], rs: list[RecruitmentRecord]) -> None:
    """The columns say what the loop's findings say, read one by one, by column or at once."""
    assert len(got) == len(want)
    for name in FIELDS:
        assert got.column(name) == [getattr(f, name) for f in want]
    assert [got[i] for i in range(len(got))] == want  # one at a time, before building all
    assert [(rs[i].organisation, rs[i].record_id) for i in got.rows.tolist()] == [
        (f.organisation, f.record_id) for f in want
    ]
    _same(got.to_list(), want)
    assert got == want and list(got) == want and got[:3] == want[:3]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(records(), max_size=40),
    st.lists(agreements(), max_size=5),
    lists,
    editions,
    st.none() | days,
    organisations,
)
def test_columnar_engine_equals_the_per_record_loop(
    rs: list[RecruitmentRecord],
    ags: list[Agreement],
    ssl: list[SafeguardList],
    eds: tuple[CodeEdition, ...],
    as_of: date | None,
    orgs: dict[str, Organisation],
) -> None:
    ctx = Context(tuple(ssl), tuple(ags), eds, as_of, orgs)
    table = RecordTable.from_records(rs)
    want = evaluate_per_record(rs, RULES, ctx)
    _same_columns(evaluate_columns(table, RULES, ctx), want, rs)
    _same(evaluate(table, RULES, ctx), want)
    _same(evaluate(rs, RULES, ctx), want)
    for rule in RULES:
        _same(evaluate(table, [rule], ctx), evaluate_per_record(rs, [rule], ctx))
    shifted = [replace(r, valid_from=date(2023, 3, 14), valid_to=date(2024, 12, 31)) for r in RULES]
    _same(evaluate(table, shifted[::-1], ctx), evaluate_per_record(rs, shifted[::-1], ctx))


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), max_size=30))
def test_a_table_gives_back_its_records(rs: list[RecruitmentRecord]) -> None:
    rs = [replace(r, personal={"candidate_name": r.record_id}) for r in rs]
    table = RecordTable.from_records(rs)
    assert len(table) == len(rs)
    assert list(map(repr, table)) == list(map(repr, rs))  # NaN is not equal to itself
    assert [r.personal for r in table] == [r.personal for r in rs]  # not compared by ==
    if rs:
        assert repr(table[-1]) == repr(rs[-1]) and repr(table[:2]) == repr(rs[:2])


def _twice(rule: Rule, record: RecruitmentRecord, ctx: Context) -> list[Finding]:
    """A rule the columnar engine has no bulk form of: two findings, in a set order."""
    if record.route != "active":
        return []
    return [
        rule.finding(record, ctx, f"second look at {record.record_id}", {"n": "2"}, "low"),
        rule.finding(record, ctx, f"first look at {record.record_id}", {"n": "1"}),
    ]


def test_a_rule_without_a_bulk_form_runs_its_own_check() -> None:
    custom = Rule("zz_custom", "Custom", "uk_code", "high", date(2021, 1, 1), None, _twice)
    assert custom.check not in vector.BULK
    rs = [
        RecruitmentRecord(
            f"R{i % 7}",
            ("acme", "beta")[i % 2],
            "agency",
            "GBR",
            c,
            c,
            "medical_doctors",
            ROUTES[i % 5],
            i % 3 == 0,
            date(2021, 1, 1) + timedelta(days=97 * i),
            10.0 * (i % 4),
        )
        for i, c in enumerate(COUNTRIES * 6)
    ]
    ctx = Context(
        (SafeguardList("2023", date(2023, 3, 14), frozenset(COUNTRIES[:3])),), (), EDITIONS
    )
    rules = (custom, *RULES)
    want = evaluate_per_record(rs, rules, ctx)
    assert any(f.rule_id == "zz_custom" for f in want)
    _same(evaluate(RecordTable.from_records(rs), rules, ctx), want)
    _same_columns(evaluate_columns(rs, rules, ctx), want, rs)
    try:  # a candidate mask narrows the records the check runs on, never the findings
        vector.MASKS["zz_custom"] = lambda rule, view: (
            view.kind(np.arange(view.size)) == vector.OTHER
        )
        _same(evaluate(rs, rules, ctx), want)
    finally:
        del vector.MASKS["zz_custom"]


def test_an_empty_table_and_no_rules_give_nothing() -> None:
    empty = RecordTable.from_records([])
    assert len(empty) == 0 and list(empty) == []
    assert evaluate(empty, RULES, Context(editions=EDITIONS)) == []
    none = evaluate_columns(empty, RULES, Context(editions=EDITIONS))
    assert len(none) == 0 and none == [] and none.column("explanation") == []
    rec = RecruitmentRecord(
        "R", "acme", "agency", "GBR", "GHA", "GHA", "medical_doctors", "active", False,
        date(2024, 1, 1), 5.0,
    )  # fmt: skip
    assert evaluate([rec], [], Context(editions=EDITIONS)) == []


def _key(f: Finding) -> tuple[Any, ...]:
    return (f.organisation, f.record_id, f.rule_id, f.severity)


def test_findings_come_sorted_when_ids_are_not_in_record_order() -> None:
    ids = ["R9", "R10", "R1", "a", "R1"]  # not in order; a duplicate
    rs = [
        RecruitmentRecord(
            i,
            "acme",
            "agency",
            "GBR",
            "IND",
            "IND",
            "medical_doctors",
            "active",
            False,
            date(2024, 1, 1),
            5.0 + k,
            "GBP",
            1.0,
            99.0,
        )
        for k, i in enumerate(ids)
    ]
    ctx = Context(editions=EDITIONS)
    got = evaluate(RecordTable.from_records(rs), RULES, ctx)
    assert [_key(f) for f in got] == sorted(_key(f) for f in got)
    _same(got, evaluate_per_record(rs, RULES, ctx))


def test_findings_are_plain_findings_either_way(monkeypatch: Any) -> None:
    rs = [
        RecruitmentRecord(
            f"R{i}",
            "acme",
            "agency",
            "GBR",
            c,
            c,
            "medical_doctors",
            ROUTES[i % 5],
            True,
            date(2023, 3, 14),
            10.0 * (i % 2),
        )
        for i, c in enumerate(COUNTRIES)
    ]
    ctx = Context((SafeguardList("2023", date(2023, 3, 14), frozenset(COUNTRIES)),), (), EDITIONS)
    fast = evaluate(rs, RULES, ctx)
    monkeypatch.setattr(finding_table, "_FAST", False)  # built through Finding.__init__
    slow = evaluate(rs, RULES, ctx)
    assert fast and fast == slow == evaluate_per_record(rs, RULES, ctx)
    assert [vars(f) for f in fast] == [vars(f) for f in slow]


def test_a_finding_table_is_a_sequence_of_findings() -> None:
    f = Finding("R1", "acme", "candidate_fee", "high", "A fee.", "code", {"fee": "5"})
    g = Finding("R2", "acme", "candidate_fee", "high", "A fee.", "code", {"fee": "5"})
    table = FindingTable.of([f, g], rows=[4, 7])
    assert len(table) == 2 and table[-1] == g and table[0] == f and table.rows.tolist() == [4, 7]
    assert table == [f, g] and table == (f, g) and table != [g, f] and table != [f]
    assert table == FindingTable.of([f, g]) and table != "findings"
    assert list(table) == [f, g] and table.to_list() is not table.to_list()
    with pytest.raises(IndexError):
        table[2]
    with pytest.raises(ValueError, match="columns"):
        FindingTable(table.rows, {"record_id": table.coded("record_id")})


def test_tables_of_many_records_read_in_chunks_give_them_back() -> None:
    n = 3 * recruitment_table._CHUNK + 7  # chunks of records, the last one short
    rs = [
        RecruitmentRecord(
            f"R{(n - i) * 7919 % n:05d}",  # ids out of record order
            ("acme", "beta", "Zeta")[i % 3],
            ("agency", "employer")[i % 2],
            "GBR",
            COUNTRIES[i % 7],
            COUNTRIES[i * 3 % 7],
            CADRES[i % 3],
            ROUTES[i % 5],
            i % 4 == 0,
            date(2021, 1, 1) + timedelta(days=3 * i),
            (0.0, 150.0, float("nan"))[i % 3],
            ("", "GBP", "KES")[i % 3],
            (0.0, 2000.0)[i % 2],
            (12.0, 36.0)[i % 2],
            None if i % 5 else date(2022, 1, 1),
            {"n": str(i)} if i % 11 == 0 else {},
            None if i % 2 else 30000.0,
            None if i % 3 else 35000.0,
        )
        for i in range(n)
    ]
    table = RecordTable.from_records(rs)
    assert list(map(repr, table)) == list(map(repr, rs))  # NaN is not equal to itself
    assert table.coded("candidate_residence").values == tuple(dict.fromkeys(COUNTRIES))
    ctx = Context(
        (SafeguardList("2023", date(2023, 3, 14), frozenset(COUNTRIES[:3])),), (), EDITIONS
    )
    want = evaluate_per_record(rs, RULES, ctx)
    assert len({f.rule_id for f in want}) >= 4
    _same_columns(evaluate_columns(table, RULES, ctx), want, rs)
