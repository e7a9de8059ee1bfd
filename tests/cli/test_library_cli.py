"""``hrh library``: load (idempotent), search with filters, submit a draft, publish, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.services.context import AppContext

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "library"


@pytest.fixture
def env(ctx: AppContext) -> dict[str, str]:
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def _json(args: list[str], env: dict[str, str]) -> object:
    r = runner.invoke(app, [*args, "-f", "json"], env=env)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_load_search_submit_publish(env: dict[str, str]) -> None:
    first = _json(["library", "load"], env)
    again = _json(["library", "load"], env)
    assert isinstance(first, dict) and isinstance(again, dict)
    assert (first["created"], again["created"], again["unchanged"]) == (18, 0, 18)

    found = _json(["library", "search", "return of diaspora doctors to Ghana"], env)
    assert isinstance(found, dict)
    assert found["data"][0]["id"] == "iom-mida-ghana-health"
    assert found["data"][0]["countries"][0]["url"] == "/countries/GHA"

    filtered = _json(["library", "search", "--type", "bilateral agreement", "-c", "VNM"], env)
    assert isinstance(filtered, dict)
    assert [e["id"] for e in filtered["data"]] == ["germany-vietnam-nurses"]
    in_2005 = _json(["library", "search", "--year", "2005", "--country", "LKA"], env)
    assert isinstance(in_2005, dict)
    assert [e["id"] for e in in_2005["data"]] == ["sri-lanka-hmdp"]

    (draft,) = _json(["library", "submit", str(DATA / "draft.yaml")], env)  # type: ignore[misc]
    assert draft["status"] == "draft"
    published = _json(["library", "search", "hardship"], env)
    assert isinstance(published, dict) and published["count"] == 0
    drafts = _json(["library", "search", "hardship", "--status", "draft"], env)
    assert isinstance(drafts, dict) and drafts["count"] == 1
    done = _json(["library", "publish", draft["id"]], env)
    assert isinstance(done, dict) and done["status"] == "published"

    wide = {**env, "COLUMNS": "250"}
    r = runner.invoke(app, ["library", "search", "nurse ratios"], env=wide)
    assert r.exit_code == 0, r.output
    assert "nurse-to-patient-ratios" in r.stdout
    assert "/countries/AUS" in r.stdout
    r = runner.invoke(app, ["library", "show", "nurse-to-patient-ratios"], env=wide)
    assert r.exit_code == 0, r.output
    assert "Results:" in r.stdout


def test_errors_name_the_file_and_key(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["library", "submit", str(DATA / "bad_type.yaml")], env=env)
    assert r.exit_code == 1
    assert "bad_type.yaml" in r.output
    assert "practices[0].type" in r.output
    r = runner.invoke(app, ["library", "search", "--type", "treaty"], env=env)
    assert r.exit_code == 1
    assert "Unknown practice type" in r.output
    r = runner.invoke(app, ["library", "publish", "no-such-entry"], env=env)
    assert r.exit_code == 1
    assert "No library entry" in r.output
