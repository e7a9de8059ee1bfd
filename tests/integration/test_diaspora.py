"""Diaspora registry end to end: import, encryption at rest, consent, matching, privacy."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hrh.cli import app
from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.errors import Conflict, Forbidden, Invalid, NotFound
from hrh.services import accounts, audit, diaspora, diaspora_matching, privacy
from hrh.services.context import AppContext

DATA = Path(__file__).parents[1] / "data" / "diaspora"
PERSONAL = ("Ama Mensah", "ama.mensah@example.org", "Prefers Kumasi", "NHS Leeds", "Awa Diop")
HEADER = (DATA / "profiles.csv").read_text().splitlines()[0]


def _load(ctx: AppContext) -> None:
    diaspora.import_profiles(ctx, LOCAL_ADMIN, DATA / "profiles.csv")
    diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, DATA / "opportunities.csv")


def _csv(tmp_path: Path, rows: list[str], name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _row(pid: str, origin: str = "GHA", cadre: str = "medical_doctors", stats: str = "true") -> str:
    return (
        f"{pid},{cadre},surgery,{origin},GBR,en:C1,,3,,,short,,true,{stats},"
        f"Name {pid},{pid}@example.org,,"
    )


def test_import_matches_and_explains(ctx: AppContext) -> None:
    _load(ctx)
    result = diaspora_matching.match(ctx, LOCAL_ADMIN)
    got = [(a.profile_id, a.opportunity_id) for a in result.assignments]
    assert got == [("P001", "O-GHA-1"), ("P003", "O-GHA-2"), ("P002", "O-NGA-1")]
    first = result.assignments[0]
    assert [c.name for c in first.components] == [
        "specialty",
        "language",
        "experience",
        "origin",
        "preference",
    ]
    assert first.components[3].reason == "return to country of origin"
    assert result.total_score == pytest.approx(sum(a.score for a in result.assignments))


def test_personal_fields_are_encrypted_at_rest(ctx: AppContext) -> None:
    _load(ctx)
    with ctx.engine.connect() as conn:
        dump = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM diaspora_profiles"))], default=str
        )
        audit = json.dumps(
            [list(r) for r in conn.execute(text("SELECT * FROM audit_events"))], default=str
        )
    assert "P001" in dump
    for secret in PERSONAL:
        assert secret not in dump
        assert secret not in audit
    assert "v1:" in dump


def test_extra_columns_are_kept_and_exported(ctx: AppContext) -> None:
    _load(ctx)
    data = privacy.export(ctx, LOCAL_ADMIN, "P001")
    assert data.profile.personal["name"] == "Ama Mensah"
    assert data.profile.personal["notes"] == "Prefers Kumasi"
    assert data.profile.extra == {"employer": "NHS Leeds"}
    assert [c["purpose"] for c in data.consent_history] == ["matching", "contact", "statistics"]
    assert data.audit_events == []  # the import is audited per file, not per person
    with pytest.raises(NotFound):
        privacy.export(ctx, LOCAL_ADMIN, "nobody")


def test_bad_rows_are_located_and_nothing_is_imported(ctx: AppContext, tmp_path: Path) -> None:
    bad = _row("X2").replace(",GHA,GBR,", ",XXX,GBR,").replace(",short,", ",teleport,")
    path = _csv(tmp_path, [_row("X1"), bad, _row("X1")])
    with pytest.raises(Invalid) as err:
        diaspora.import_profiles(ctx, LOCAL_ADMIN, path)
    where = sorted((p.line, p.column) for p in err.value.problems)
    assert where == [(3, "modes"), (3, "origin"), (4, "profile_id")]
    assert diaspora_matching.statistics(ctx, LOCAL_ADMIN).cells == []
    _load(ctx)
    with pytest.raises(Conflict):
        diaspora.import_profiles(ctx, LOCAL_ADMIN, DATA / "profiles.csv")


def test_problems_never_echo_personal_fields(ctx: AppContext, tmp_path: Path) -> None:
    row = _row("X1").replace(",3,", ",lots,")
    with pytest.raises(Invalid) as err:
        diaspora.import_profiles(ctx, LOCAL_ADMIN, _csv(tmp_path, [row]))
    shown = str(err.value) + " ".join(str(p) for p in err.value.problems)
    assert "Name X1" not in shown and "X1@example.org" not in shown


def _member(ctx: AppContext, username: str, **kw: object) -> Principal:
    reg = diaspora.Registration(
        username=username,
        password="a-long-password-1",
        cadre="medical_doctors",
        origin="GHA",
        residence="GBR",
        modes=["short"],
        languages="en:C2",
        licences="GHA:2030-01-01",
        consent_matching=True,
        consent_statistics=True,
        personal={"name": f"Dr {username}"},
        **kw,  # type: ignore[arg-type]
    )
    diaspora.register(ctx, LOCAL_ADMIN, reg)
    return accounts.login(ctx, username, "a-long-password-1")


def test_withdrawing_consent_removes_from_matching_at_once(ctx: AppContext) -> None:
    _load(ctx)
    kofi = _member(ctx, "kofi", experience_years=30.0, specialty="paediatric surgery")
    me = diaspora.my_profile(ctx, kofi)
    assigned = {a.profile_id for a in diaspora_matching.match(ctx, LOCAL_ADMIN).assignments}
    assert me.profile_id in assigned
    diaspora.set_consent(ctx, kofi, "matching", False)
    assigned = {a.profile_id for a in diaspora_matching.match(ctx, LOCAL_ADMIN).assignments}
    pairs = {e.profile_id for e in diaspora_matching.scores(ctx, LOCAL_ADMIN)}
    assert me.profile_id not in assigned | pairs
    assert "P001" in assigned  # the next best takes the slot


def test_members_reach_only_their_own_profile(ctx: AppContext) -> None:
    _load(ctx)
    ama, kofi = _member(ctx, "ama"), _member(ctx, "kofi")
    mine = diaspora.my_profile(ctx, ama)
    assert mine.personal == {"name": "Dr ama"}
    with pytest.raises(NotFound):
        diaspora.my_profile(ctx, kofi, mine.profile_id)
    with pytest.raises(NotFound):
        privacy.export(ctx, kofi, mine.profile_id)
    with pytest.raises(NotFound):
        privacy.erase(ctx, kofi, "P001")


def test_programme_officers_see_only_their_countries(ctx: AppContext) -> None:
    _load(ctx)
    accounts.add_user(ctx, LOCAL_ADMIN, "po", "programme_officer", countries=["GHA"])
    po = Principal("user", "po", "programme_officer", countries=frozenset({"GHA"}), user_id=999)
    assert [o.opportunity_id for o in diaspora_matching.list_opportunities(ctx, po)] == [
        "O-GHA-1",
        "O-GHA-2",
    ]
    got = {a.opportunity_id for a in diaspora_matching.match(ctx, po).assignments}
    assert got == {"O-GHA-1", "O-GHA-2"}
    with pytest.raises(NotFound):
        diaspora_matching.match(ctx, po, "O-NGA-1")
    cells = {
        "opportunity_id": "O-NGA-9",
        "country": "NGA",
        "facility": "X",
        "cadre": "medical_doctors",
        "specialty": "",
        "mode": "short",
        "start": "2026-01-01",
        "end": "2026-02-01",
        "language": "",
        "language_level": "",
        "licence_required": "false",
        "slots": "1",
    }
    with pytest.raises(Forbidden):
        diaspora_matching.add_opportunity(ctx, po, cells)
    assert diaspora_matching.add_opportunity(ctx, po, {**cells, "country": "GHA"}).country == "GHA"


def test_erasure_keeps_aggregates_unchanged(ctx: AppContext, tmp_path: Path) -> None:
    rows = [_row(f"G{i}") for i in range(6)] + [_row("N1", origin="NGA")]
    rows.append(_row("S0", stats="false"))
    diaspora.import_profiles(ctx, LOCAL_ADMIN, _csv(tmp_path, rows))
    before = diaspora_matching.statistics(ctx, LOCAL_ADMIN)
    published = {(c.origin, c.residence): c.count for c in before.cells}
    # a cell of 1 is suppressed, and the 6 beside it too: else 1 = GBR's total − 6
    assert published == {("GHA", "GBR"): None, ("NGA", "GBR"): None}
    for pid in ("G0", "G3", "N1", "S0"):
        privacy.erase(ctx, LOCAL_ADMIN, pid)
    assert diaspora_matching.statistics(ctx, LOCAL_ADMIN) == before
    with ctx.engine.connect() as conn:
        left = {r[0] for r in conn.execute(text("SELECT profile_id FROM diaspora_profiles"))}
    assert left == {"G1", "G2", "G4", "G5"}
    assert audit.verify(ctx).ok  # erasure never touches the audit chain
    with pytest.raises(NotFound):
        privacy.export(ctx, LOCAL_ADMIN, "G0")


def test_erasing_a_member_deletes_the_account(ctx: AppContext) -> None:
    ama = _member(ctx, "ama")
    pid = diaspora.my_profile(ctx, ama).profile_id
    done = privacy.erase(ctx, ama, pid)
    assert done.account_deleted and done.kept_in_statistics
    assert "ama" not in [u.username for u in accounts.list_users(ctx, LOCAL_ADMIN)]


def test_logs_hold_no_personal_field(
    ctx: AppContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _load(ctx)
    bad = _csv(tmp_path, [_row("X1").replace(",3,", ",lots,")])
    with pytest.raises(Invalid):
        diaspora.import_profiles(ctx, LOCAL_ADMIN, bad)
    diaspora_matching.match(ctx, LOCAL_ADMIN)
    privacy.export(ctx, LOCAL_ADMIN, "P001")
    privacy.erase(ctx, LOCAL_ADMIN, "P004")
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (*PERSONAL, "Name X1", "X1@example.org"):
        assert secret not in logged


def test_cli(ctx: AppContext, tmp_path: Path) -> None:
    env = {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}
    runner = CliRunner()
    for name in ("profiles.csv", "opportunities.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    r = runner.invoke(app, ["diaspora", "import-profiles", str(tmp_path / "profiles.csv")], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["diaspora", "import-opportunities", str(tmp_path / "opportunities.csv")], env=env
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["diaspora", "match", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [a["opportunity_id"] for a in doc["assignments"]] == ["O-GHA-1", "O-GHA-2", "O-NGA-1"]
    assert doc["total_score"] == pytest.approx(sum(a["score"] for a in doc["assignments"]))
    r = runner.invoke(app, ["diaspora", "scores", "--format", "json"], env=env)
    assert json.loads(r.stdout)["count"] == 3
    r = runner.invoke(app, ["diaspora", "stats", "--format", "json"], env=env)
    assert all(c["suppressed"] for c in json.loads(r.stdout)["cells"])
    r = runner.invoke(app, ["privacy", "export", "P001"], env=env)
    assert r.exit_code == 0 and json.loads(r.stdout)["profile"]["personal"]["name"] == "Ama Mensah"
    r = runner.invoke(app, ["privacy", "erase", "P001", "--yes"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["privacy", "export", "P001"], env=env)
    assert r.exit_code == 1


def test_opportunity_rows_are_checked_and_scoped(ctx: AppContext, tmp_path: Path) -> None:
    lines = (DATA / "opportunities.csv").read_text().splitlines()
    bad = lines[1].replace(",short,", ",cruise,").replace(",1,travel", ",0,travel")
    path = tmp_path / "o.csv"
    path.write_text("\n".join([lines[0], bad, lines[2]]) + "\n")
    with pytest.raises(Invalid) as err:
        diaspora_matching.import_opportunities(ctx, LOCAL_ADMIN, path)
    assert sorted((p.line, p.column) for p in err.value.problems) == [(2, "mode"), (2, "slots")]
    accounts.add_user(ctx, LOCAL_ADMIN, "po", "programme_officer", countries=["GHA"])
    po = Principal("user", "po", "programme_officer", countries=frozenset({"GHA"}), user_id=999)
    with pytest.raises(Forbidden):
        diaspora_matching.import_opportunities(ctx, po, DATA / "opportunities.csv")
    assert diaspora_matching.list_opportunities(ctx, LOCAL_ADMIN) == []
