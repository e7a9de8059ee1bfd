"""``hrh compliance organisations|agreements edit|delete`` and ``scorecard --by-year``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from hrh.cli import app
from hrh.services.context import AppContext

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data" / "compliance"


def _env(ctx: AppContext) -> dict[str, str]:
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def _agreements(env: dict[str, str]) -> dict[str, dict[str, object]]:
    r = runner.invoke(app, ["compliance", "agreements", "-f", "json"], env=env)
    assert r.exit_code == 0, r.output
    return {a["agreement_id"]: a for a in json.loads(r.stdout)}


def test_agreements_edit_end_and_delete(ctx: AppContext) -> None:
    env = _env(ctx)
    more = str(DATA / "agreements_more.csv")
    assert runner.invoke(app, ["compliance", "agreements", "import", more], env=env).exit_code == 0
    r = runner.invoke(
        app,
        ["compliance", "agreements", "edit", "GBR-GHA-2024", "--valid-to", "2025-12-31"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert _agreements(env)["GBR-GHA-2024"]["valid_to"] == "2025-12-31"
    r = runner.invoke(
        app,
        ["compliance", "agreements", "edit", "GBR-GHA-2024", "--valid-to", "", "-f", "json"],
        env=env,
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["valid_to"] == ""  # open-ended again

    r = runner.invoke(
        app, ["compliance", "agreements", "edit", "GBR-GHA-2024", "--kind", "treaty"], env=env
    )
    assert r.exit_code == 1
    assert "column 'kind': got 'treaty'; expected" in r.output
    r = runner.invoke(app, ["compliance", "agreements", "edit", "GBR-GHA-2024"], env=env)
    assert r.exit_code == 1 and "Nothing to change" in r.output
    r = runner.invoke(app, ["compliance", "agreements", "edit", "NOPE", "--terms", "x"], env=env)
    assert r.exit_code == 1 and "There is no agreement 'NOPE'" in r.output

    r = runner.invoke(
        app, ["compliance", "agreements", "delete", "IRL-PHL-2023"], env=env, input="n\n"
    )
    assert r.exit_code == 1 and "IRL-PHL-2023" in _agreements(env)  # not confirmed
    r = runner.invoke(
        app,
        ["compliance", "agreements", "delete", "IRL-PHL-2023", "--reason", "wrong", "--yes"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert list(_agreements(env)) == ["GBR-GHA-2024"]


def test_organisations_edit_and_delete(ctx: AppContext) -> None:
    env = _env(ctx)
    orgs = str(DATA / "organisations.csv")
    assert (
        runner.invoke(app, ["compliance", "organisations", "import", orgs], env=env).exit_code == 0
    )
    r = runner.invoke(
        app,
        [
            "compliance",
            "organisations",
            "edit",
            "beta",
            "--listing",
            "2023-01-01..2023-12-31=NHS list 2023",
            "--listing",
            "2024-06-01..=NHS list 2024",
            "-f",
            "json",
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    listings = json.loads(r.stdout)["listings"]
    assert [(p["valid_from"], p["valid_to"]) for p in listings] == [
        ("2023-01-01", "2023-12-31"),
        ("2024-06-01", None),
    ]
    r = runner.invoke(
        app, ["compliance", "organisations", "edit", "beta", "--listing", "2023-01-01"], env=env
    )
    assert r.exit_code == 1 and "FROM..[TO]=SOURCE" in r.output
    r = runner.invoke(
        app, ["compliance", "organisations", "edit", "beta", "--country", "ZZZ"], env=env
    )
    assert r.exit_code == 1 and "column 'country': got 'ZZZ'" in r.output
    r = runner.invoke(
        app, ["compliance", "organisations", "edit", "beta", "--no-listings", "-f", "json"], env=env
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["listings"] == []
    r = runner.invoke(app, ["compliance", "organisations", "delete", "beta", "-y"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["compliance", "organisations", "-f", "json"], env=env)
    assert [o["name"] for o in json.loads(r.stdout)] == ["acme", "nhs-trust"]


def test_scorecard_by_year(ctx: AppContext) -> None:
    env = _env(ctx)
    orgs = str(DATA / "organisations.csv")
    assert (
        runner.invoke(app, ["compliance", "organisations", "import", orgs], env=env).exit_code == 0
    )
    records = str(DATA / "personal_records.csv")
    assert runner.invoke(app, ["compliance", "import", records], env=env).exit_code == 0
    r = runner.invoke(
        app, ["compliance", "scorecard", "--by", "agency", "--by-year", "-f", "csv"], env=env
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    acme = [(x["year"], x["records"], x["status"]) for x in rows if x["group"] == "acme"]
    assert acme == [("2023", "1", "partly_listed"), ("2024", "1", "partly_listed")]
    r = runner.invoke(app, ["compliance", "scorecard", "--by", "agency", "-f", "json"], env=env)
    acme_json = next(x for x in json.loads(r.stdout) if x["group"] == "acme")
    assert [y["year"] for y in acme_json["years"]] == [2023, 2024]
    assert acme_json["years"][0]["status"]["status"] == "partly_listed"
