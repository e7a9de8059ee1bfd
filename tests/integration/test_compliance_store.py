"""Compliance import through the services: atomic, idempotent per id, scoped, audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Forbidden, Invalid, NotFound
from hrh.services import compliance as svc
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "compliance"
ACME = Principal("user", "r", "recruiter", organisation="acme")
OFFICER = Principal("user", "p", "programme_officer", countries=frozenset({"GHA"}))


def test_import_is_all_or_nothing_and_replaces_by_id(ctx: AppContext) -> None:
    with pytest.raises(Invalid) as err:
        svc.import_file(ctx, LOCAL_ADMIN, DATA / "bad_records.csv")
    assert {p.line for p in err.value.problems} == {3}
    everything = svc.FindingFilter(include_info=True)
    assert svc.list_findings(ctx, LOCAL_ADMIN, everything).count == 0
    first = svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    again = svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    assert (first.records, first.replaced, again.replaced) == (10, 0, 10)
    page = svc.list_findings(ctx, LOCAL_ADMIN, svc.FindingFilter())
    assert page.count == first.findings == 3  # fee, repayment, amber (no SSL list here)
    view = svc.get_record(ctx, LOCAL_ADMIN, "acme", "R1")
    assert view.record.extra == {"internal_ref": "A-17"}
    assert view.record.cadre == "nursing_professionals"


def test_scope_is_enforced_in_the_service(ctx: AppContext) -> None:
    svc.import_file(ctx, LOCAL_ADMIN, DATA / "records.csv")
    assert {f.organisation for f in svc.list_findings(ctx, ACME, svc.FindingFilter()).data} == {
        "acme"
    }
    with pytest.raises(NotFound):
        svc.get_record(ctx, ACME, "nhs-trust", "E1")
    assert [r.group for r in svc.scorecard(ctx, ACME, "source")] == [
        "GHA",
        "IND",
        "KEN",
        "NGA",
        "PHL",
    ]
    assert sum(r.records for r in svc.scorecard(ctx, ACME, "destination")) == 8
    with pytest.raises(Forbidden):
        svc.list_findings(ctx, OFFICER, svc.FindingFilter())
    with pytest.raises(Invalid):
        svc.import_file(ctx, ACME, DATA / "records.csv")  # holds nhs-trust rows
