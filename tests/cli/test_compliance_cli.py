"""``hrh compliance``: check (no storing), import, findings and scorecards."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from hrh.cli import app
from hrh.services.compliance_registry import load_bundled_agreements
from hrh.services.context import AppContext

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data" / "compliance"


def _env(ctx: AppContext) -> dict[str, str]:
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def test_check_json_against_the_bundled_lists(reference_ctx: AppContext) -> None:
    r = runner.invoke(
        app,
        ["compliance", "check", str(DATA / "records.csv"), "-f", "json"],
        env=_env(reference_ctx),
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    got = {(f["record_id"], f["rule_id"], f["severity"]) for f in doc["findings"]}
    assert got == {
        ("R1", "ssl_active_recruitment", "high"),  # active from Ghana (red)
        ("R2", "ssl_active_recruitment", "info"),  # direct application: recorded why
        ("R3", "ssl_active_recruitment", "high"),  # referral with bonus
        ("R6", "amber_outside_agreement", "high"),  # Kenya, outside the g2g channel
        ("R8", "candidate_fee", "high"),
        ("E1", "repayment_clause", "medium"),
        ("E2", "ssl_active_recruitment", "high"),  # g2g with no agreement
    }
    assert doc["summary"]["records"] == 10
    assert doc["warnings"] == []
    assert doc["summary"]["findings"] == 6
    assert all(f["explanation"] for f in doc["findings"])


def test_check_with_more_agreements_and_as_of(reference_ctx: AppContext, tmp_path: Path) -> None:
    extra = tmp_path / "ag.csv"
    extra.write_text(
        "agreement_id,origin,destination,cadres,valid_from,valid_to,kind,source\n"
        "GBR-GHA-X,GHA,GBR,2221,2023-01-01,,g2g,test\n"
    )
    r = runner.invoke(
        app,
        [
            *("compliance", "check", str(DATA / "records.csv")),
            *("--agreements", str(extra), "--as-of", "2024-06-01", "-f", "csv"),
        ],
        env=_env(reference_ctx),
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    flagged = {(x["record_id"], x["rule_id"]) for x in rows if x["severity"] != "info"}
    assert ("R1", "ssl_active_recruitment") not in flagged  # now covered
    assert ("R3", "ssl_active_recruitment") in flagged  # doctors not covered


def test_bad_file_names_lines_and_exits_1(ctx: AppContext) -> None:
    r = runner.invoke(app, ["compliance", "check", str(DATA / "bad_records.csv")], env=_env(ctx))
    assert r.exit_code == 1
    assert "bad_records.csv:3, column 'route'" in r.output
    r = runner.invoke(app, ["compliance", "check", "x.csv", "--as-of", "soon"], env=_env(ctx))
    assert r.exit_code == 1 and "--as-of" in r.output


def test_import_findings_scorecard(ctx: AppContext) -> None:
    load_bundled_agreements(ctx)
    env = _env(ctx)
    r = runner.invoke(
        app, ["compliance", "import", str(DATA / "records.csv"), "--org", "acme"], env=env
    )
    assert r.exit_code == 1 and "records.csv:10, column 'organisation'" in r.output
    r = runner.invoke(
        app, ["compliance", "import", str(DATA / "records.csv"), "-f", "json"], env=env
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["records"] == 10
    assert "No WHO safeguards list is stored" in r.stderr
    r = runner.invoke(
        app, ["compliance", "findings", "--rule", "candidate_fee", "-f", "json"], env=env
    )
    doc = json.loads(r.stdout)
    assert doc["count"] == 1 and doc["data"][0]["record_id"] == "R8"
    r = runner.invoke(app, ["compliance", "findings", "--org", "nhs-trust", "-f", "json"], env=env)
    assert {f["record_id"] for f in json.loads(r.stdout)["data"]} == {"E1"}  # no SSL list loaded
    r = runner.invoke(app, ["compliance", "scorecard", "--by", "employer", "-f", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [
        {
            "group": "nhs-trust",
            "records": 2,
            "flagged_records": 1,
            "findings": 1,
            "rate": 0.5,
            "trend": {"2023": 0.5},
            "years": [
                {
                    "year": 2023,
                    "records": 2,
                    "flagged_records": 1,
                    "findings": 1,
                    "rate": 0.5,
                    "status": {"status": "not_in_registry", "source": ""},
                }
            ],
            "status": {"status": "not_in_registry", "source": ""},
        }
    ]
    r = runner.invoke(app, ["compliance", "scorecard", "--by", "planet"], env=env)
    assert r.exit_code == 1
    r = runner.invoke(app, ["compliance", "agreements", "-f", "json"], env=env)
    assert len(json.loads(r.stdout)) == 6


def test_report_json_csv_and_excel(ctx: AppContext, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    env = _env(ctx)
    r = runner.invoke(
        app, ["compliance", "import", str(DATA / "report_records.csv"), "-f", "json"], env=env
    )
    assert r.exit_code == 0, r.output
    out = tmp_path / "who.xlsx"
    r = runner.invoke(
        app,
        ["compliance", "report", "--as-of", "2024-12-31", "-f", "json", "--out", str(out)],
        env=env,
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    got = [
        (x["destination"], x["country_of_training"], x["records"]) for x in doc["inflows_records"]
    ]
    assert got == [("GBR", "GHA", 2), ("GBR", "KEN", 1), ("GBR", "NGA", 1), ("IRL", "NGA", 1)]
    assert sum(x["records"] for x in doc["inflows_records"]) == 5
    assert doc["ssl_recruitment"] == []  # no safeguards list stored here
    assert "No WHO safeguards list is stored" in r.stderr
    wb = load_workbook(out, read_only=True)
    assert "Sources" in wb.sheetnames
    r = runner.invoke(
        app,
        ["compliance", "report", "--as-of", "2024-12-31", "--destination", "IRL", "-f", "csv"],
        env=env,
    )
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    inflows = [x for x in rows if x["section"] == "inflows_records"]
    assert [(x["country_of_training"], x["cadre"], x["records"]) for x in inflows] == [
        ("NGA", "medical_doctors", "1")
    ]
    r = runner.invoke(app, ["compliance", "report", "--as-of", "2024-13-01"], env=env)
    assert r.exit_code == 1 and "--as-of" in r.output
    r = runner.invoke(
        app, ["compliance", "report", "--as-of", "2024-12-31", "--out", "x.csv"], env=env
    )
    assert r.exit_code == 1 and ".xlsx" in r.output
