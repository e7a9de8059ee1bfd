"""Compliance rules: YAML golden cases per rule, and properties of the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hrh.compliance.engine import evaluate, evaluate_per_record, summarise
from hrh.compliance.rules import RULES, RULES_BY_ID, Context
from hrh.domain.recruitment import (
    Agreement,
    Listing,
    Organisation,
    RecruitmentRecord,
    SafeguardList,
)
from hrh.params.codes_of_practice import load_editions

CASES = Path(__file__).parents[1] / "cases" / "compliance"
EDITIONS = load_editions()


def _context(raw: dict[str, Any]) -> Context:
    lists = tuple(
        SafeguardList(s["version"], s["effective"], frozenset(s["countries"]))
        for s in raw.get("ssl", [])
    )
    agreements = tuple(
        Agreement(
            a["agreement_id"],
            a["origin"],
            a["destination"],
            frozenset(a["cadres"]),
            a["valid_from"],
            a["valid_to"],
            a["kind"],
            "test",
            frozenset(a["routes"]),
        )
        for a in raw.get("agreements", [])
    )
    organisations = {
        o["name"]: Organisation(
            o["name"],
            o["country"],
            o["kind"],
            tuple(Listing(p["valid_from"], p["valid_to"], p["source"]) for p in o["listings"]),
            o["source"],
        )
        for o in raw.get("organisations", [])
    }
    return Context(lists, agreements, EDITIONS, organisations=organisations)


def _golden() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(doc, case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize(("doc", "case"), _golden())
def test_golden_case(doc: dict[str, Any], case: dict[str, Any]) -> None:
    record = RecruitmentRecord(**{**doc["record"], **case.get("record", {})})
    rule = RULES_BY_ID[doc["rule"]]
    found = evaluate([record], [rule], _context(doc["context"]))
    assert [f"{f.rule_id}/{f.severity}" for f in found] == case["expect"]
    for f in found:
        assert f.explanation and f.source and f.evidence["checked_on"]


def test_every_rule_has_golden_cases() -> None:
    assert {p.stem for p in CASES.glob("*.yaml")} == set(RULES_BY_ID)


def test_explanations_say_residence_decides() -> None:
    rec = RecruitmentRecord(
        "R",
        "acme",
        "agency",
        "GBR",
        "GHA",
        "IND",
        "nursing_professionals",
        "active",
        False,
        date(2024, 1, 1),
    )
    ctx = Context((SafeguardList("2023", date(2023, 3, 14), frozenset({"GHA"})),), (), EDITIONS)
    (f,) = evaluate([rec], RULES, ctx)
    assert "Residence decides" in f.explanation and "IND" in f.explanation
    assert f.evidence["ssl_version"] == "2023"


def test_as_of_reads_the_codes_in_force_on_that_day() -> None:
    rec = RecruitmentRecord(
        "R",
        "acme",
        "agency",
        "GBR",
        "BEN",
        "BEN",
        "nursing_professionals",
        "active",
        False,
        date(2022, 1, 1),
    )
    lists = (SafeguardList("2023", date(2023, 3, 14), frozenset({"BEN"})),)
    assert evaluate([rec], RULES, Context(lists, (), EDITIONS)) == []
    later = Context(lists, (), EDITIONS, as_of=date(2023, 3, 14))
    assert [f.rule_id for f in evaluate([rec], RULES, later)] == ["ssl_active_recruitment"]


# --- properties -------------------------------------------------------------------------

COUNTRIES = ["GHA", "KEN", "NPL", "IND", "GBR", "NGA"]
CADRES = ["nursing_professionals", "medical_doctors"]
LISTS = (
    SafeguardList("2020", date(2020, 11, 17), frozenset({"GHA", "NGA", "NPL"})),
    SafeguardList("2023", date(2023, 3, 14), frozenset({"GHA", "NGA", "NPL", "KEN"})),
)
ORGANISATIONS = {
    "acme": Organisation(
        "acme", "GBR", "agency", (Listing(date(2022, 1, 1), date(2023, 6, 30), "NHS"),), "NHS"
    ),
    "beta": Organisation("beta", "GBR", "employer"),
}
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def records(draw: st.DrawFn, i: int = 0) -> RecruitmentRecord:
    return RecruitmentRecord(
        record_id=f"R{draw(st.integers(0, 10_000))}",
        organisation=draw(st.sampled_from(["acme", "beta"])),
        organisation_type=draw(st.sampled_from(["agency", "employer"])),
        destination=draw(st.sampled_from(["GBR", "IRL"])),
        candidate_residence=draw(st.sampled_from(COUNTRIES)),
        candidate_nationality=draw(st.sampled_from(COUNTRIES)),
        cadre=draw(st.sampled_from(CADRES)),
        route=draw(st.sampled_from(["active", "direct_application", "referral", "g2g"])),
        referral_bonus_paid=draw(st.booleans()),
        recruitment_date=draw(days),
        fee_charged_to_candidate=draw(st.sampled_from([0.0, 0.01, 500.0])),
        fee_currency=draw(st.sampled_from(["", "GBP", "KES"])),
        repayment_clause_amount=draw(st.sampled_from([0.0, 2000.0])),
        repayment_clause_months=draw(st.sampled_from([0.0, 24.0, 36.0])),
        salary_offered=draw(st.sampled_from([None, 30000.0, 35000.0])),
        domestic_salary=draw(st.sampled_from([None, 35000.0])),
    )


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda d: d >= start)))
    return Agreement(
        f"A{draw(st.integers(0, 999))}",
        draw(st.sampled_from(COUNTRIES)),
        draw(st.sampled_from(["GBR", "IRL"])),
        frozenset(draw(st.sets(st.sampled_from(CADRES), max_size=2))),
        start,
        end,
        draw(st.sampled_from(["g2g", "mou"])),
        "test",
        frozenset(draw(st.sets(st.sampled_from(["g2g", "active", "referral"]), max_size=2))),
    )


def _key(rs: list[RecruitmentRecord]) -> list[RecruitmentRecord]:
    # record ids unique per organisation, as the importer guarantees
    seen: dict[tuple[str, str], RecruitmentRecord] = {}
    for r in rs:
        seen.setdefault((r.organisation, r.record_id), r)
    return list(seen.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), max_size=30), st.lists(agreements(), max_size=4), agreements())
def test_adding_an_agreement_never_adds_a_finding(
    rs: list[RecruitmentRecord], base: list[Agreement], extra: Agreement
) -> None:
    rs = _key(rs)
    before = evaluate(rs, RULES, Context(LISTS, tuple(base), EDITIONS))
    after = evaluate(rs, RULES, Context(LISTS, (*base, extra), EDITIONS))
    real_before = {(f.organisation, f.record_id, f.rule_id) for f in before if f.severity != "info"}
    real_after = {(f.organisation, f.record_id, f.rule_id) for f in after if f.severity != "info"}
    assert real_after <= real_before


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), max_size=30), st.lists(agreements(), max_size=4), st.randoms())
def test_record_order_never_changes_results(
    rs: list[RecruitmentRecord], ags: list[Agreement], rnd: Any
) -> None:
    rs = _key(rs)
    ctx = Context(LISTS, tuple(ags), EDITIONS)
    shuffled = list(rs)
    rnd.shuffle(shuffled)
    assert evaluate(rs, RULES, ctx) == evaluate(shuffled, RULES, ctx)
    assert summarise(rs, evaluate(rs, RULES, ctx)) == summarise(
        shuffled, evaluate(shuffled, RULES, ctx)
    )


def test_fee_is_currency_independent() -> None:
    base = RecruitmentRecord(
        "R",
        "acme",
        "agency",
        "GBR",
        "IND",
        "IND",
        "nursing_professionals",
        "direct_application",
        False,
        date(2024, 1, 1),
        1.0,
    )
    for cur in ("", "GBP", "USD", "INR", "PHP", "XOF"):
        found = evaluate([replace(base, fee_currency=cur)], RULES, Context(editions=EDITIONS))
        assert [f.rule_id for f in found] == ["candidate_fee"]


def test_every_rule_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "compliance.md").read_text()
    assert [r.id for r in RULES if f"`{r.id}`" not in text] == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("codes: {uk: {title: x}}", "codes.uk"),
        ("codes: {uk: {editions: {'1': {effective: soon}}}}", "editions.1.effective"),
        ("codes: {uk: {editions: {'1': {effective: 2021-01-01, amber: [KENYA]}}}}", "amber"),
        (
            "codes: {uk: {editions: {'1': {effective: 2021-01-01,"
            " repayment_max_months: {value: 24}}}}}",
            "repayment_max_months",
        ),
        ("nothing: here", "'codes'"),
    ],
)
def test_bad_code_editions_name_the_file_and_key(tmp_path: Path, text: str, where: str) -> None:
    from hrh.errors import ConfigError

    path = tmp_path / "codes.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=where) as err:
        load_editions(path)
    assert "codes.yaml" in str(err.value)


# --- vectorised engine == per-record loop -------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(records(), max_size=40),  # duplicate ids kept: ties must keep the loop's order
    st.lists(agreements(), max_size=4),
    st.sampled_from([(), LISTS[:1], LISTS, LISTS[::-1]]),
    st.one_of(st.none(), days),
    st.sampled_from([{}, ORGANISATIONS]),
)
def test_vectorised_engine_matches_the_per_record_loop(
    rs: list[RecruitmentRecord],
    ags: list[Agreement],
    lists: tuple[SafeguardList, ...],
    as_of: date | None,
    orgs: dict[str, Organisation],
) -> None:
    ctx = Context(lists, tuple(ags), EDITIONS, as_of, orgs)
    assert evaluate(rs, RULES, ctx) == evaluate_per_record(rs, RULES, ctx)
    for rule in RULES:
        assert evaluate(rs, [rule], ctx) == evaluate_per_record(rs, [rule], ctx)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            replace,
            records(),
            fee_charged_to_candidate=st.floats(allow_nan=True, allow_infinity=True),
            repayment_clause_amount=st.floats(allow_nan=True),
            repayment_clause_months=st.floats(allow_nan=True, allow_infinity=True),
            salary_offered=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            domestic_salary=st.one_of(st.none(), st.floats(allow_nan=True)),
        ),
        max_size=20,
    )
)
def test_vectorised_engine_matches_on_odd_numbers(rs: list[RecruitmentRecord]) -> None:
    ctx = Context(LISTS, (), EDITIONS)
    assert evaluate(rs, RULES, ctx) == evaluate_per_record(rs, RULES, ctx)


def test_vectorised_engine_without_editions_or_records() -> None:
    rec = RecruitmentRecord(
        "R", "acme", "agency", "GBR", "GHA", "GHA", "nursing_professionals", "active",
        False, date(2024, 1, 1), 10.0, "GBP", 100.0, 99.0,
    )  # fmt: skip
    bare = Context(LISTS)
    assert evaluate([rec], RULES, bare) == evaluate_per_record([rec], RULES, bare)
    assert evaluate([], RULES, bare) == []
