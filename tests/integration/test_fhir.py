"""FHIR R4 import and export of diaspora profiles: mapping, located errors, round trip."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hrh.cli import app
from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Conflict, Forbidden, Invalid
from hrh.services import accounts, diaspora, diaspora_fhir, privacy
from hrh.services.context import AppContext
from hrh.services.diaspora import ProfileView

DATA = Path(__file__).parents[1] / "data" / "fhir"
SECRETS = (
    "Ama Serwaa Mensah",
    "ama.mensah@example.org",
    "+44 113 496 0000",
    "1984-03-12",
    "Prefers Kumasi",
    "MDC/RN/10427",
    "7123456",
)


def _clear(ctx: AppContext) -> None:
    with ctx.engine.begin() as conn:
        for table in ("diaspora_consents", "diaspora_profiles"):
            conn.execute(text(f"DELETE FROM {table}"))


def _views(ctx: AppContext, ids: list[str]) -> list[ProfileView]:
    out = []
    for pid in ids:
        view = privacy.export(ctx, LOCAL_ADMIN, pid).profile
        consents = [dataclasses.replace(c, at=None) for c in view.consents]
        out.append(dataclasses.replace(view, consents=consents))
    return out


def test_bundle_maps_practitioner_role_and_qualifications(ctx: AppContext) -> None:
    summary = diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "bundle.json")
    assert summary.imported == 3 and not summary.dry_run
    ama = privacy.export(ctx, LOCAL_ADMIN, "F001").profile
    assert ama.cadre == "specialist_doctors"  # ISCO-08 2212
    assert (ama.origin, ama.residence) == ("GHA", "GBR")  # iHRIS nationality "GH" (alpha-2)
    assert ama.languages == ["en:C2", "fr:B1"]
    assert ama.licences == ["GBR:2026-06-30", "GHA:2027-12-31"]
    assert ama.specialty == "paediatric surgery"
    assert (ama.available_from, ama.available_to) == ("2026-01-01", "2027-12-31")
    assert ama.modes == ["short", "virtual"]
    assert ama.virtual_hours_per_week == 6.0  # availableTime: tue + thu, 18:00-21:00
    assert ama.preferred_countries == ["GHA"]
    assert ama.personal == {
        "name": "Ama Serwaa Mensah",
        "email": "ama.mensah@example.org",
        "phone": "+44 113 496 0000",
        "birth_date": "1984-03-12",
        "notes": "Prefers Kumasi",
        "licence_numbers": "GBR:7123456;GHA:MDC/RN/10427",
    }
    assert ama.extra == {"country_of_training": "GHA"}
    assert [(c.purpose, c.granted) for c in ama.consents] == [
        ("matching", True),
        ("contact", True),
        ("statistics", True),
    ]
    awa = privacy.export(ctx, LOCAL_ADMIN, "F003").profile
    assert awa.cadre == "midwifery_professionals" and awa.modes == []
    assert awa.languages == ["fr:A1"]  # no proficiency given: nothing assumed
    assert awa.personal == {"name": "Awa Diop", "birth_date": "1990"}


def test_ndjson_dry_run_stores_nothing_then_imports(ctx: AppContext) -> None:
    path = DATA / "practitioners.ndjson"
    dry = diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path, dry_run=True)
    assert (dry.imported, dry.dry_run) == (2, True)
    assert diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN) == []
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)
    kinds = [(r["resourceType"], r["id"]) for r in diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)]
    consents = [("Consent", f"-consent-{k}") for k in (1, 2, 3)]  # one per purpose
    assert kinds == [
        ("Practitioner", "N001"),
        ("PractitionerRole", "N001-role"),
        *((kind, "N001" + suffix) for kind, suffix in consents),
        ("Practitioner", "N002"),
        ("PractitionerRole", "N002-role"),
        *((kind, "N002" + suffix) for kind, suffix in consents),
    ]
    with pytest.raises(Conflict):
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)


def test_round_trip_import_export_import(ctx: AppContext, tmp_path: Path) -> None:
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "bundle.json")
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "practitioners.ndjson")
    ids = ["F001", "F002", "N001", "N002"]  # F003 does not consent to contact: not exported
    before = _views(ctx, ids)
    first = diaspora_fhir.to_ndjson(diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN))
    assert {json.loads(line)["id"] for line in first.splitlines()} == {
        *ids,
        *(f"{i}-role" for i in ids),
        *(f"{i}-consent-{k}" for i in ids for k in (1, 2, 3)),
    }
    out = tmp_path / "export.ndjson"
    out.write_text(first, encoding="utf-8")
    _clear(ctx)
    assert diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, out).imported == 4
    assert _views(ctx, ids) == before
    assert diaspora_fhir.to_ndjson(diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)) == first


def test_csv_profiles_export_to_fhir(ctx: AppContext, tmp_path: Path) -> None:
    csv = Path(__file__).parents[1] / "data" / "diaspora" / "profiles.csv"
    diaspora.import_profiles(ctx, LOCAL_ADMIN, csv)
    for pid in ("P001", "P002"):
        diaspora.set_consent_as_admin(ctx, LOCAL_ADMIN, pid, "contact", True)
    items = diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    assert [r["id"] for r in items if r["resourceType"] == "Practitioner"] == ["P001", "P002"]
    p001 = items[0]
    assert p001["qualification"][0]["code"]["coding"][1]["code"] == "221"
    assert p001["extension"][0]["valueCoding"]["code"] == "GH"  # iHRIS: ISO 3166-1 alpha-2


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("bad_resource_type.ndjson", [(3, "resourceType")]),
        ("bad_missing_code.ndjson", [(3, "qualification[0].code")]),
        ("bad_date.ndjson", [(1, "birthDate"), (4, "period.start")]),
        ("bad_country.ndjson", [(1, "extension[0].valueCoding.code"), (3, "address[0].country")]),
        ("bad_json.ndjson", [(2, None)]),
    ],
)
def test_bad_files_are_located_and_nothing_is_imported(
    ctx: AppContext, name: str, where: list[tuple[int, str | None]]
) -> None:
    with pytest.raises(Invalid) as err:
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / name)
    assert sorted((p.line, p.column) for p in err.value.problems) == where
    assert all(p.file == name for p in err.value.problems)
    assert diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN) == []
    with ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM diaspora_profiles")).scalar() == 0


def test_bundle_problems_name_the_entry_path(ctx: AppContext, tmp_path: Path) -> None:
    bundle = json.loads((DATA / "bundle.json").read_text())
    bundle["entry"][2]["resource"]["qualification"][0]["period"]["end"] = "someday"
    bundle["entry"][1]["resource"]["practitioner"]["reference"] = "Practitioner/nobody"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(Invalid) as err:
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)
    assert sorted(str(p.column) for p in err.value.problems) == [
        "entry[1].resource.practitioner.reference",
        "entry[2].resource.qualification[0].period.end",
    ]


def test_xml_is_refused_with_a_clear_message(ctx: AppContext) -> None:
    with pytest.raises(Invalid, match="only FHIR JSON is read"):
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "practitioner.xml")


def test_personal_values_never_in_errors_logs_or_audit(
    ctx: AppContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bundle = json.loads((DATA / "bundle.json").read_text())
    ama = bundle["entry"][0]["resource"]
    ama["birthDate"] = "1984-03-12T00:00"  # bad, and personal
    ama["telecom"][1]["value"] = 4411349600  # bad type, personal
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(Invalid) as err:
        diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, path)
    shown = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert "entry[0].resource.birthDate" in shown and "1984-03-12" not in shown
    assert "4411349600" not in shown
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "bundle.json")
    diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    with ctx.engine.connect() as conn:
        dump = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM diaspora_profiles"))], default=str
        )
        trail = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM audit_events"))], default=str
        )
    assert "diaspora.import_fhir" in trail and "diaspora.export_fhir" in trail
    for secret in SECRETS:
        assert secret not in logged and secret not in trail and secret not in dump


def _member(ctx: AppContext, username: str) -> Principal:
    reg = diaspora.Registration(
        username=username,
        password="a-long-password-1",
        cadre="nursing_professionals",
        origin="KEN",
        residence="GBR",
        modes=["virtual"],
        languages="en:C1;sw:native",
        personal={"name": f"Nurse {username}", "email": f"{username}@example.org"},
    )
    diaspora.register(ctx, LOCAL_ADMIN, reg)
    return accounts.login(ctx, username, "a-long-password-1")


def test_a_member_exports_only_their_own_profile(ctx: AppContext) -> None:
    diaspora_fhir.import_fhir(ctx, LOCAL_ADMIN, DATA / "bundle.json")
    wanjiru = _member(ctx, "wanjiru")
    items = diaspora_fhir.export_fhir(ctx, wanjiru)
    assert [r["resourceType"] for r in items] == ["Practitioner", "PractitionerRole"] + [
        "Consent"
    ] * 3
    assert items[0]["name"] == [{"text": "Nurse wanjiru"}]
    assert items[0]["communication"][1]["coding"][0]["code"] == "sw"
    with pytest.raises(Forbidden):
        diaspora_fhir.import_fhir(ctx, wanjiru, DATA / "bundle.json")
    # the member did not consent to contact: the administrator's export leaves them out
    admin_ids = {r["id"] for r in diaspora_fhir.export_fhir(ctx, LOCAL_ADMIN)}
    assert items[0]["id"] not in admin_ids


def test_cli_import_and_export(ctx: AppContext, tmp_path: Path) -> None:
    env = {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}
    runner = CliRunner()
    shutil.copy(DATA / "bundle.json", tmp_path / "bundle.json")
    r = runner.invoke(
        app, ["diaspora", "import-fhir", str(tmp_path / "bundle.json"), "--dry-run"], env=env
    )
    assert r.exit_code == 0, r.output
    assert "Would import 3 profile(s)" in r.output
    r = runner.invoke(app, ["diaspora", "import-fhir", str(tmp_path / "bundle.json")], env=env)
    assert r.exit_code == 0, r.output
    out = tmp_path / "out.ndjson"
    r = runner.invoke(app, ["diaspora", "export-fhir", "--out", str(out)], env=env)
    assert r.exit_code == 0, r.output
    assert len(out.read_text().splitlines()) == 10  # F001, F002, their roles and 3 consents each
    r = runner.invoke(app, ["diaspora", "import-fhir", str(DATA / "bad_date.ndjson")], env=env)
    assert r.exit_code != 0
    assert "bad_date.ndjson:1" in r.output and "1980-13-45" not in r.output
