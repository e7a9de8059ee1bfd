"""Editing and deleting registry entries, and yearly scorecards, through the services.

Real database (SQLite, and PostgreSQL when configured). Every change is audited; a deleted or
edited bundled agreement survives ``load_bundled_agreements``; stored findings are history.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.domain.recruitment import Agreement, Listing, Organisation
from hrh.errors import Forbidden, Invalid, NotFound
from hrh.services import compliance as svc
from hrh.services import compliance_registry as registry
from hrh.services import compliance_scorecards as scorecards
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
ACME = Principal("user", "r", "recruiter", organisation="acme")
ANALYST = Principal("user", "a", "analyst")
ADMIN = Principal("user", "root", "admin")


def _audit(ctx: AppContext, action: str) -> list[tuple[str, dict[str, object]]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT target, detail FROM audit_events WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()
    return [(t, json.loads(d)) for t, d in rows]


def _kenya(ctx: AppContext) -> Agreement | None:
    return next(
        (a for a in registry.list_agreements(ctx) if a.agreement_id == "GBR-KEN-2021"), None
    )


def test_an_agreement_is_ended_by_an_analyst_and_the_edit_is_audited(ctx: AppContext) -> None:
    registry.load_bundled_agreements(ctx)
    ended = registry.update_agreement(ctx, ANALYST, "GBR-KEN-2021", {"valid_to": "2025-06-30"})
    assert ended.valid_to == date(2025, 6, 30)
    stored = _kenya(ctx)
    assert stored is not None and stored.valid_to == date(2025, 6, 30)
    assert stored.origin == "KEN" and stored.kind == "g2g"  # the other fields are kept
    [(target, detail)] = _audit(ctx, "agreements.update")
    assert target == "agreement:GBR-KEN-2021"
    assert detail == {"fields": ["valid_to"], "before": {"valid_to": ""}}
    same = registry.update_agreement(ctx, ANALYST, "GBR-KEN-2021", {"valid_to": "2025-06-30"})
    assert same == ended and len(_audit(ctx, "agreements.update")) == 1  # nothing changed


def test_bad_edits_name_the_field_the_value_and_what_was_expected(ctx: AppContext) -> None:
    registry.load_bundled_agreements(ctx)
    with pytest.raises(Invalid) as err:
        registry.update_agreement(
            ctx, ANALYST, "GBR-KEN-2021", {"valid_to": "2020-01-01", "kind": "treaty"}
        )
    got = {(p.column, p.value) for p in err.value.problems}
    assert got == {("valid_to", "2020-01-01"), ("kind", "treaty")}
    assert all(p.expected for p in err.value.problems)
    assert _kenya(ctx) is not None and _kenya(ctx).valid_to is None  # type: ignore[union-attr]
    with pytest.raises(Invalid) as unknown:
        registry.update_agreement(ctx, ANALYST, "GBR-KEN-2021", {"agreement_id": "X"})
    [p] = unknown.value.problems
    assert (p.column, p.value) == ("agreement_id", "X") and "valid_to" in p.expected
    with pytest.raises(NotFound):
        registry.update_agreement(ctx, ANALYST, "NOPE", {"terms": "x"})
    with pytest.raises(Forbidden):
        registry.update_agreement(ctx, ACME, "GBR-KEN-2021", {"terms": "x"})


def test_deleted_and_edited_bundled_agreements_survive_a_reference_load(ctx: AppContext) -> None:
    registry.load_bundled_agreements(ctx)
    with pytest.raises(Forbidden):
        registry.delete_agreement(ctx, ANALYST, "GBR-KEN-2021")  # admins only
    gone = registry.delete_agreement(ctx, ADMIN, "GBR-KEN-2021", reason="entered twice")
    assert gone.agreement_id == "GBR-KEN-2021" and _kenya(ctx) is None
    registry.update_agreement(ctx, ANALYST, "GBR-IND-2022", {"terms": "edited here"})

    again = registry.load_bundled_agreements(ctx)
    assert (again.added, again.replaced, again.unchanged, again.kept) == (0, 0, 4, 2)
    assert _kenya(ctx) is None  # not resurrected
    india = next(a for a in registry.list_agreements(ctx) if a.agreement_id == "GBR-IND-2022")
    assert india.terms == "edited here"  # not reverted
    [(target, detail)] = _audit(ctx, "agreements.delete")
    assert target == "agreement:GBR-KEN-2021"
    assert detail["reason"] == "entered twice"
    assert detail["was"]["origin"] == "KEN"  # type: ignore[index]

    restored = registry.import_agreements(ctx, LOCAL_ADMIN, registry.AGREEMENTS_FILE)
    assert (restored.added, restored.replaced) == (1, 1)  # an explicit import restores both
    assert _kenya(ctx) is not None
    assert registry.load_bundled_agreements(ctx).kept == 0
    with pytest.raises(NotFound):
        registry.delete_agreement(ctx, ADMIN, "NOPE")


def test_findings_stored_before_a_deletion_stay_and_a_new_check_reads_the_registry(
    ctx: AppContext, tmp_path: Path
) -> None:
    registry.load_bundled_agreements(ctx)
    kenya = tmp_path / "kenya.csv"
    kenya.write_text(
        (DATA / "records.csv").read_text().splitlines()[0]
        + "\nK1,acme,agency,GBR,KEN,KEN,2221,g2g,false,2024-01-10,0,,0,0,,\n"
    )
    svc.import_file(ctx, LOCAL_ADMIN, kenya)
    before = svc.list_findings(ctx, ANALYST, svc.FindingFilter(include_info=True))
    registry.delete_agreement(ctx, ADMIN, "GBR-KEN-2021")
    after = svc.list_findings(ctx, ANALYST, svc.FindingFilter(include_info=True))
    assert [f.rule_id for f in after.data] == [f.rule_id for f in before.data]
    assert "amber_outside_agreement" not in {f.rule_id for f in after.data}
    assert [f.rule_id for f in svc.check_file(ctx, kenya).findings] == ["amber_outside_agreement"]


def test_an_organisation_is_edited_delisted_and_deleted(ctx: AppContext) -> None:
    registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    periods = [
        {"valid_from": "2022-01-01", "valid_to": "2023-06-30", "source": "NHS list 2022"},
        {"valid_from": "2024-03-01", "valid_to": "2025-01-31", "source": "NHS list 2024"},
    ]
    org = registry.update_organisation(ctx, ANALYST, "acme", {"source": "regulator"}, periods)
    assert [(p.valid_from, p.valid_to) for p in org.listings] == [
        (date(2022, 1, 1), date(2023, 6, 30)),
        (date(2024, 3, 1), date(2025, 1, 31)),
    ]
    assert registry.status_on(org, date(2025, 2, 1)).status == "not_listed"
    [(target, detail)] = _audit(ctx, "organisations.update")
    assert target == "organisation:acme"
    assert detail["fields"] == ["source", "listings"]

    with pytest.raises(Invalid) as err:
        registry.update_organisation(
            ctx,
            ANALYST,
            "acme",
            {"country": "XXX"},
            [{"valid_from": "2024-05-01", "valid_to": "2024-01-01", "source": "x"}],
        )
    got = {(p.column, p.value) for p in err.value.problems}
    assert ("country", "XXX") in got
    with pytest.raises(Invalid) as listing:
        registry.update_organisation(
            ctx, ANALYST, "acme", {}, [{"valid_from": "2024-05-01", "valid_to": "2024-01-01"}]
        )
    assert {p.column for p in listing.value.problems} >= {"ethical_recruiter_to"}
    with pytest.raises(Forbidden):
        registry.update_organisation(ctx, ACME, "acme", {"source": "mine"})
    with pytest.raises(NotFound):
        registry.update_organisation(ctx, ANALYST, "nobody", {"source": "x"})

    with pytest.raises(Forbidden):
        registry.delete_organisation(ctx, ANALYST, "beta")
    registry.delete_organisation(ctx, ADMIN, "beta", reason="duplicate")
    assert [o.name for o in registry.list_organisations(ctx, ADMIN)] == ["acme", "nhs-trust"]
    [(target, detail)] = _audit(ctx, "organisations.delete")
    assert (target, detail["reason"]) == ("organisation:beta", "duplicate")


def test_scorecards_give_each_year_and_the_status_that_year(ctx: AppContext) -> None:
    registry.import_organisations(ctx, LOCAL_ADMIN, DATA / "organisations.csv")
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "personal_records.csv")
    cards = {r.group: r for r in scorecards.scorecard(ctx, ANALYST, "agency", on=date(2024, 5, 1))}
    acme = cards["acme"]
    assert [(y.year, y.records, y.flagged_records) for y in acme.years] == [
        (2023, 1, 1),
        (2024, 1, 0),
    ]
    assert acme.trend == {2023: 1.0, 2024: 0.0}
    # listed 2022-01-01..2023-06-30, then again from 2024-03-01: part of each year
    assert [y.status.status for y in acme.years if y.status] == ["partly_listed", "partly_listed"]
    assert "2022 edition" in acme.years[0].status.source  # type: ignore[union-attr]
    assert acme.status is not None and acme.status.status == "listed"  # on 2024-05-01
    assert [y.status.status for y in cards["beta"].years if y.status] == ["not_listed"]
    assert [y.status.status for y in cards["gamma"].years if y.status] == ["not_in_registry"]
    assert (acme.records, acme.flagged_records) == (
        sum(y.records for y in acme.years),
        sum(y.flagged_records for y in acme.years),
    )
    source = scorecards.scorecard(ctx, ANALYST, "source")
    assert all(y.status is None for r in source for y in r.years)
    assert [r.group for r in scorecards.scorecard(ctx, ACME, "agency")] == ["acme"]
    with pytest.raises(Invalid):
        scorecards.scorecard(ctx, ANALYST, "city")


def test_status_in_a_year_follows_the_listing_periods() -> None:
    org = Organisation(
        "acme",
        "GBR",
        "agency",
        (
            Listing(date(2020, 1, 1), date(2021, 12, 31), "A"),
            Listing(date(2022, 1, 1), None, "B"),
        ),
    )
    today = date(2024, 5, 1)
    got = [scorecards.status_in_year(org, y, today) for y in (2019, 2021, 2022, 2024)]
    assert [s.status for s in got] == ["not_listed", "listed", "listed", "listed"]
    assert got[1].source == "A" and got[2].source == "B"
    both = scorecards.status_in_year(
        Organisation(
            "x",
            "GBR",
            "agency",
            (
                Listing(date(2021, 1, 1), date(2021, 6, 30), "A"),
                Listing(date(2021, 7, 1), date(2021, 12, 31), "B"),
            ),
        ),
        2021,
        today,
    )
    assert (both.status, both.source) == ("listed", "A; B")  # two periods, no gap
    assert scorecards.status_in_year(None, 2021, today).status == "not_in_registry"
