"""``hrh compliance organisations|agreements``, Excel files, and what exports leave out."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from hrh.cli import app
from hrh.services.context import AppContext

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data" / "compliance"


def _env(ctx: AppContext) -> dict[str, str]:
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def test_organisations_import_and_list(ctx: AppContext) -> None:
    env = _env(ctx)
    r = runner.invoke(
        app, ["compliance", "organisations", "import", str(DATA / "bad_organisations.csv")], env=env
    )
    assert r.exit_code == 1
    assert "bad_organisations.csv:2, column 'ethical_recruiter_to'" in r.output
    r = runner.invoke(
        app,
        ["compliance", "organisations", "import", str(DATA / "organisations.csv"), "-f", "json"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["added"] == 3
    r = runner.invoke(app, ["compliance", "organisations", "list", "-f", "json"], env=env)
    rows = {o["name"]: o for o in json.loads(r.stdout)}
    assert rows["acme"]["status_today"] == "listed"  # open-ended since 2024-03-01
    assert rows["beta"]["status_today"] == "not_listed"
    assert rows["acme"]["listings"].startswith("2022-01-01..2023-06-30 (NHS Employers")
    r = runner.invoke(app, ["compliance", "organisations", "-f", "csv"], env=env)
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("name,country,type")


def test_agreements_import_list_and_check_against_them(ctx: AppContext, tmp_path: Path) -> None:
    env = _env(ctx)
    r = runner.invoke(
        app, ["compliance", "agreements", "import", str(DATA / "bad_agreements.csv")], env=env
    )
    assert r.exit_code == 1 and "bad_agreements.csv:3, column 'origin'" in r.output
    r = runner.invoke(
        app,
        ["compliance", "agreements", "import", str(DATA / "agreements_more.csv"), "-f", "json"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["added"] == 2
    r = runner.invoke(app, ["compliance", "agreements", "-f", "json"], env=env)
    assert [a["agreement_id"] for a in json.loads(r.stdout)] == ["GBR-GHA-2024", "IRL-PHL-2023"]
    records = tmp_path / "r.csv"
    records.write_text(
        (DATA / "records.csv").read_text().splitlines()[0]
        + "\nK1,acme,agency,GBR,KEN,KEN,2221,g2g,false,2024-06-01,0,,0,0,,\n"
    )
    kenya = tmp_path / "kenya.csv"
    kenya.write_text(
        "agreement_id,origin,destination,cadres,valid_from,valid_to,kind,source,routes\n"
        "K-1,KEN,GBR,,2021-07-26,,g2g,test,g2g\n"
    )

    def flagged(*extra: str) -> list[str]:
        r = runner.invoke(app, ["compliance", "check", str(records), "-f", "json", *extra], env=env)
        assert r.exit_code == 0, r.output
        return [f["rule_id"] for f in json.loads(r.stdout)["findings"]]

    assert flagged() == ["amber_outside_agreement"]  # Kenya is amber; no stored agreement
    assert flagged("--agreements", str(kenya)) == []  # covered for this check
    assert flagged() == ["amber_outside_agreement"]  # ... and for this check only


def test_excel_check_and_exports_leave_personal_fields_out(ctx: AppContext, tmp_path: Path) -> None:
    env = _env(ctx)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Records"
    header = (DATA / "personal_records.csv").read_text().splitlines()[0].split(",")
    ws.append(header)
    personal = ["Ama Mensah", "ama.mensah@example.org", date(1990, 5, 17), "Prefers night shifts"]
    ws.append(["P1", "acme", "agency", "GBR", "IND", "IND", 2221, "active", False,
               date(2023, 9, 1), 100, "GBP", 0, 0, None, 28000, 35000, *personal,
               "X-1"])  # fmt: skip
    book = tmp_path / "q.xlsx"
    wb.save(book)
    r = runner.invoke(app, ["compliance", "check", str(book), "-f", "csv"], env=env)
    assert r.exit_code == 0, r.output
    rules = {row["rule_id"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert rules == {"candidate_fee", "terms_below_domestic"}
    assert "Ama" not in r.stdout and "example.org" not in r.stdout

    r = runner.invoke(app, ["compliance", "import", str(book)], env=env)
    assert r.exit_code == 0, r.output
    # the local administrator is entitled to the fields, yet bulk exports never carry them
    r = runner.invoke(app, ["compliance", "findings", "-f", "csv"], env=env)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 2 and set(rows[0]) == {
        "organisation", "record_id", "rule_id", "severity", "explanation",
    }  # fmt: skip
    assert "Ama" not in r.stdout and "1990-05-17" not in r.stdout and "night" not in r.stdout
    r = runner.invoke(app, ["compliance", "report", "--as-of", "2024-12-31", "-f", "json"], env=env)
    assert r.exit_code == 0 and "Ama" not in r.stdout and "example.org" not in r.stdout

    ws.append(["P2", "acme", "agency", "GBR", "IND", "IND", 2221, "active", "maybe",
               date(2023, 9, 1), 0, "", 0, 0, None, *[None] * 7])  # fmt: skip
    wb.save(book)
    r = runner.invoke(app, ["compliance", "check", str(book)], env=env)
    assert r.exit_code == 1
    assert "q.xlsx (sheet Records):3, column 'referral_bonus_paid'" in r.output
