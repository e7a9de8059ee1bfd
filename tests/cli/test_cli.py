from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.services.context import AppContext

runner = CliRunner()
CSV = (
    "country,cadre,year,sex,age_band,basis,measure,value,source\n"
    "GHA,medical_doctors,2019,T,total,all,per_10k,1.6,Ghana MoH\n"
    "GHA,medical_doctors,2020,T,total,all,per_10k,1.7,Ghana MoH\n"
    "GHA,nursing_midwifery,2020,T,total,all,per_10k,35.7,Ghana MoH\n"
)


@pytest.fixture
def env(ctx: AppContext) -> dict[str, str]:
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def test_help_everywhere() -> None:
    for cmd in (
        [],
        ["import"],
        ["series"],
        ["indicators"],
        ["ssl", "compute"],
        ["corridors"],
        ["db", "upgrade"],
        ["load", "reference"],
        ["serve"],
        ["token", "create"],
    ):
        r = runner.invoke(app, [*cmd, "--help"])
        assert r.exit_code == 0, (cmd, r.output)
        assert "Usage" in r.output


def test_import_then_series_in_three_formats(env: dict[str, str], tmp_path: Path) -> None:
    p = tmp_path / "gha.csv"
    p.write_text(CSV)
    r = runner.invoke(app, ["import", "tidy", str(p), "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["inserted"] == 3
    r = runner.invoke(
        app, ["series", "--country", "GHA", "--cadre", "221", "--format", "json"], env=env
    )
    rows = json.loads(r.stdout)
    assert [(x["year"], x["value"]) for x in rows] == [(2019, 1.6), (2020, 1.7)]
    r = runner.invoke(app, ["series", "-c", "GHA", "--cadre", "221", "-f", "csv"], env=env)
    assert r.stdout.splitlines()[0].startswith("country,cadre,measure,year,value,source")
    r = runner.invoke(app, ["indicators", "GHA", "--format", "json"], env=env)
    dnm = next(x for x in json.loads(r.stdout) if x["id"] == "dnm_density_per_10k")
    assert dnm["value"] == pytest.approx(37.4)
    assert dnm["source"].startswith("tidy:ghana-moh@")


def test_bad_file_exits_non_zero_with_located_rows(env: dict[str, str], tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(CSV + "GHA,medical_doctors,2021,T,total,all,per_10k,abc,Ghana MoH\n")
    r = runner.invoke(app, ["import", "tidy", str(p)], env=env)
    assert r.exit_code == 1
    assert "bad.csv:5, column 'value': got 'abc'" in r.output
    assert "nothing was imported" in r.output
    r = runner.invoke(app, ["series", "-c", "GHA", "--cadre", "221", "-f", "json"], env=env)
    assert json.loads(r.stdout) == []


def test_unknown_things_get_one_paragraph_errors(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["indicators", "XYZ"], env=env)
    assert r.exit_code == 1 and "Unknown country 'XYZ'" in r.output
    r = runner.invoke(app, ["import", "nope", "x.csv"], env=env)
    assert r.exit_code == 1 and "Known formats" in r.output
    r = runner.invoke(app, ["ssl", "compute", "--version", "1999"], env=env)
    assert r.exit_code == 1 and "Known editions" in r.output


def test_missing_schema_is_explained(tmp_path: Path) -> None:
    env = {"HRH_DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite"}
    r = runner.invoke(app, ["sources"], env=env)
    assert r.exit_code == 1 and "hrh db upgrade" in r.output
    r = runner.invoke(app, ["db", "upgrade"], env=env)
    assert r.exit_code == 0
    assert runner.invoke(app, ["sources", "-f", "json"], env=env).stdout.strip() == "[]"


def test_users_tokens_and_audit_from_the_cli(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["user", "add", "amina", "--role", "programme_officer"], env=env)
    assert r.exit_code == 1 and "scoped to countries" in r.output
    r = runner.invoke(
        app, ["user", "add", "amina", "--role", "programme_officer", "--country", "gha"], env=env
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "rec", "--role", "recruiter", "--org", "acme"], env=env)
    assert r.exit_code == 0
    users = json.loads(runner.invoke(app, ["user", "list", "-f", "json"], env=env).stdout)
    assert [(u["username"], u["countries"]) for u in users] == [("amina", ["GHA"]), ("rec", [])]
    r = runner.invoke(app, ["token", "create", "amina", "--days", "7"], env=env)
    assert r.exit_code == 0
    assert r.stdout.strip().startswith("hrh_")
    r = runner.invoke(app, ["token", "create", "amina", "--scope", "data.import"], env=env)
    assert r.exit_code == 1 and "not actions role 'programme_officer' may perform" in r.output
    tokens = json.loads(runner.invoke(app, ["token", "list", "-f", "json"], env=env).stdout)
    r = runner.invoke(app, ["token", "revoke", str(tokens[0]["id"])], env=env)
    assert r.exit_code == 0
    assert runner.invoke(app, ["user", "disable", "rec"], env=env).exit_code == 0
    r = runner.invoke(app, ["audit", "verify"], env=env)
    assert r.exit_code == 0 and "intact" in r.stdout
    events = json.loads(runner.invoke(app, ["audit", "list", "-f", "json"], env=env).stdout)
    assert [e["action"] for e in events] == [
        "user.add",
        "user.add",
        "token.create",
        "token.revoke",
        "user.disable",
    ]
    assert {e["actor"] for e in events} == {"local:cli"}
    csv_out = runner.invoke(app, ["audit", "list", "-f", "csv"], env=env).stdout
    assert csv_out.splitlines()[0] == "id,at,actor,action,target,detail,hash"


def test_email_roles_and_sign_out_from_the_cli(env: dict[str, str]) -> None:
    r = runner.invoke(
        app, ["user", "add", "ama", "--role", "analyst", "--email", "ama@example.org"], env=env
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "kofi", "--role", "analyst", "--email", "nope"], env=env)
    assert r.exit_code == 1 and "not an e-mail address" in r.output
    users = json.loads(runner.invoke(app, ["user", "list", "-f", "json"], env=env).stdout)
    assert [(u["username"], u["email"]) for u in users] == [("ama", "ama@example.org")]
    r = runner.invoke(app, ["user", "set-email", "ama", "ama.mensah@example.org"], env=env)
    assert r.exit_code == 0 and "set" in r.output
    r = runner.invoke(app, ["user", "set-role", "ama", "--role", "recruiter"], env=env)
    assert r.exit_code == 1 and "organisation" in r.output
    r = runner.invoke(
        app, ["user", "set-role", "ama", "--role", "recruiter", "--org", "acme"], env=env
    )
    assert r.exit_code == 0 and "recruiter (acme)" in r.output
    r = runner.invoke(app, ["user", "sign-out", "ama"], env=env)
    assert r.exit_code == 0 and "ended" in r.output
    r = runner.invoke(app, ["user", "set-email", "ama", ""], env=env)
    assert r.exit_code == 0 and "removed" in r.output
    r = runner.invoke(app, ["user", "reset-link", "ama"], env=env)
    assert r.exit_code == 0 and "/reset-password?token=hrhreset_" in r.output
    events = json.loads(runner.invoke(app, ["audit", "list", "-f", "json"], env=env).stdout)
    assert [e["action"] for e in events] == [
        "user.add",
        "user.update",
        "user.update",
        "user.sessions_revoked",
        "user.update",
        "user.password_reset_issued",
    ]
    assert "ama@" not in json.dumps(events) and "mensah" not in json.dumps(events)
