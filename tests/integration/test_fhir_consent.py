"""FHIR R4 Consent: the consent history per purpose, exported and imported back unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid
from hrh.ingest.diaspora import PURPOSES
from hrh.ingest.fhir_consent import PURPOSE_SYSTEM, consent_resource, read_consent
from hrh.services import diaspora, diaspora_fhir
from hrh.services.context import AppContext
from hrh.services.diaspora_matching import _candidates
from hrh.store import diaspora as store

CSV = Path(__file__).parents[1] / "data" / "diaspora" / "profiles.csv"


def _history(ctx: AppContext, pid: str) -> list[tuple[str, bool, datetime]]:
    with ctx.unit() as s:
        row = store.get_profile(s, pid)
        assert row is not None
        out = []
        for c in store.consent_history(s, row.id):
            at = c.at if c.at.tzinfo else c.at.replace(tzinfo=UTC)
            out.append((c.purpose, c.granted, at.astimezone(UTC)))
        return out


def _clear(ctx: AppContext) -> None:
    with ctx.engine.begin() as conn:
        for table in ("diaspora_consents", "diaspora_profiles"):
            conn.execute(text(f"DELETE FROM {table}"))


def _import_with_history(ctx: AppContext) -> None:
    diaspora.import_profiles(ctx, LOCAL_ADMIN, CSV)
    diaspora.set_consent_as_admin(ctx, LOCAL_ADMIN, "P001", "contact", True)
    diaspora.set_consent_as_admin(ctx, LOCAL_ADMIN, "P001", "matching", False)  # withdrawn


def test_consents_are_exported_with_status_date_and_coded_purpose(ctx: AppContext) -> None:
    _import_with_history(ctx)
    items = diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    consents = [r for r in items if r["resourceType"] == "Consent"]
    history = _history(ctx, "P001")
    assert len(history) == 5  # 3 at import, then contact given, then matching withdrawn
    assert [c["id"] for c in consents] == [f"P001-consent-{k}" for k in range(1, 6)]
    assert [c["status"] for c in consents] == [
        "active" if granted else "inactive" for _, granted, _ in history
    ]
    last = consents[-1]
    assert last["status"] == "inactive" and last["provision"]["type"] == "deny"
    assert last["provision"]["purpose"] == [
        {"system": PURPOSE_SYSTEM, "code": "matching", "display": "Matching to opportunities"}
    ]
    assert last["performer"] == [{"reference": "Practitioner/P001"}]
    assert datetime.fromisoformat(last["dateTime"]) == history[-1][2]
    assert consents[3]["status"] == "active"  # contact given
    # the resources follow the profile's Practitioner and PractitionerRole
    kinds = [r["resourceType"] for r in items]
    assert kinds == ["Practitioner", "PractitionerRole", *["Consent"] * 5]


def test_round_trip_keeps_the_consent_history(ctx: AppContext, tmp_path: Path) -> None:
    _import_with_history(ctx)
    before = _history(ctx, "P001")
    first = diaspora_fhir.to_ndjson(diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN))
    path = tmp_path / "export.ndjson"
    path.write_text(first, encoding="utf-8")
    _clear(ctx)
    assert diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path).imported == 1
    assert _history(ctx, "P001") == before
    assert diaspora_fhir.to_ndjson(diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)) == first
    # the withdrawal still counts: the profile is not matched
    with ctx.unit() as s:
        candidates = _candidates(s)
    assert [c.consent_matching for c in candidates] == [False]


def test_consent_resources_win_over_the_extension(ctx: AppContext, tmp_path: Path) -> None:
    _import_with_history(ctx)
    items = diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    practitioner = items[0]
    assert {
        "url": "https://hrh-observatory.org/fhir/StructureDefinition/consent-granted",
        "valueCode": "contact",
    } in practitioner["extension"]
    # drop the newest decision: contact is then as first imported (not given)
    kept = items[:-2] + items[-1:]
    path = tmp_path / "some.ndjson"
    path.write_text(diaspora_fhir.to_ndjson(kept), encoding="utf-8")
    _clear(ctx)
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)
    latest = {p: g for p, g, _ in _history(ctx, "P001")}
    assert latest == {"matching": False, "contact": False, "statistics": True}


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        ({"status": "draft"}, "status", "active (consent given) or inactive"),
        ({"dateTime": "2026-03-01"}, "dateTime", "a date and time with a time zone"),
        ({"dateTime": "2026-03-01T10:00:00"}, "dateTime", "a date and time with a time zone"),
        ({"performer": [{"reference": "Practitioner/NOBODY"}]}, "performer", "a Practitioner"),
        (
            {"provision": {"type": "permit", "purpose": [{"system": PURPOSE_SYSTEM, "code": "x"}]}},
            "provision.purpose",
            "matching, contact, statistics",
        ),
        (
            {
                "provision": {
                    "type": "deny",
                    "purpose": [{"system": PURPOSE_SYSTEM, "code": "contact"}],
                }
            },
            "provision.type",
            "permit when status is active",
        ),
    ],
)
def test_a_bad_consent_is_located_and_nothing_is_imported(
    ctx: AppContext, tmp_path: Path, change: dict[str, object], where: str, expected: str
) -> None:
    _import_with_history(ctx)
    items = diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    items[3] = {**items[3], **change}  # P001-consent-2 (contact, not given: inactive)
    if "provision" in change and "type" in change["provision"]:  # type: ignore[operator]
        items[3]["status"] = "active"
    path = tmp_path / "bad.ndjson"
    path.write_text(diaspora_fhir.to_ndjson(items), encoding="utf-8")
    _clear(ctx)
    with pytest.raises(Invalid) as err:
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)
    problems = err.value.problems
    assert [(p.line, p.column) for p in problems] == [(4, where)]
    assert expected in problems[0].expected
    with ctx.unit() as s:
        assert store.count_profiles(s) == 0


@given(
    st.sampled_from(PURPOSES),
    st.booleans(),
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (Hypothesis wants naive bounds)
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_a_decision_reads_back_as_written(purpose: str, granted: bool, at: datetime) -> None:
    res = json.loads(json.dumps(consent_resource("P-1", 1, purpose, granted, at)))
    problems: list[str] = []
    decision = read_consent(
        res,
        lambda path, value, expected: problems.append(path),
        lambda ref: "P-1" if ref == "Practitioner/P-1" else None,
    )
    assert problems == []
    assert decision is not None
    assert (decision.performer, decision.purpose, decision.granted, decision.at) == (
        "P-1",
        purpose,
        granted,
        at,
    )
