"""``hrh cost``: lost-investment, corridor, share and parameters in table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hrh.cli import app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import imports
from hrh.services.context import AppContext

runner = CliRunner()
WFMI = (
    "COU,Country,VAR,Variable,CO2,Country of origin,YEA,Year,Value,Flag Codes,Flags\n"
    "GBR,United Kingdom,FTDS,Foreign-trained doctors - Stock,KEN,Kenya,2018,2018,1000,,\n"
    "USA,United States,FTDS,Foreign-trained doctors - Stock,KEN,Kenya,2016,2016,500,,\n"
    "GBR,United Kingdom,FTNS,Foreign-trained nurses - Stock,KEN,Kenya,2018,2018,200,,\n"
)


@pytest.fixture
def env(ctx: AppContext, tmp_path: Path) -> dict[str, str]:
    p = tmp_path / "wfmi.csv"
    p.write_text(WFMI)
    imports.import_file(ctx, "oecd-wfmi", p, principal=LOCAL_ADMIN)
    return {"HRH_DATABASE_URL": ctx.settings.database_url, "HRH_VAR_DIR": str(ctx.settings.var_dir)}


def test_help() -> None:
    for cmd in (["cost"], ["cost", "lost-investment"], ["cost", "corridor"], ["cost", "share"]):
        r = runner.invoke(app, [*cmd, "--help"])
        assert r.exit_code == 0, r.output
        assert "Usage" in r.output


def test_lost_investment_reproduces_kirigia_with_both_rate_spellings() -> None:
    args = ["cost", "lost-investment", "--cost", "65997", "--years", "32", "-f", "json"]
    for rate in ("0.0665", "6.65%"):
        r = runner.invoke(app, [*args, "--rate", rate])
        assert r.exit_code == 0, r.output
        (row,) = json.loads(r.stdout)["results"]
        assert round(row["future_value"]) == 517_931
        assert row["rate"] == 0.0665


def test_lost_investment_from_bundled_parameters_in_csv() -> None:
    r = runner.invoke(
        app, ["cost", "lost-investment", "-c", "KEN", "--cadre", "nurses", "-f", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["scenario"] for row in rows] == ["low", "central", "high"]
    assert [round(float(row["future_value"])) for row in rows] == [205_750, 338_868, 4_515_869]


def test_lost_investment_table_shows_rates_as_percentages() -> None:
    r = runner.invoke(app, ["cost", "lost-investment", "-c", "KEN", "--cadre", "221"])
    assert r.exit_code == 0, r.output
    assert "6.65%" in r.stdout and "15.64%" in r.stdout
    assert "517,931" in r.stdout
    assert "Kirigia" in r.stdout


def test_corridor_json_and_table(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["cost", "corridor", "--origin", "KEN", "-f", "json"], env=env)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["count"] == 3
    assert round(doc["total_loss_central"]) == 844_669_682
    assert doc["rates"] == {"low": 0.05, "central": 0.0665, "high": 0.1564}
    r = runner.invoke(
        app,
        [
            "cost",
            "corridor",
            "--origin",
            "KEN",
            "--destination",
            "GBR",
            "--cadre",
            "221",
            "--destination-cost",
            "250000",
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert "Destination savings: 250,000,000." in r.stdout  # 1,000 doctors × 250,000
    assert "Total for 1,000 workers: 517,930,764 USD at 6.65%" in r.stdout
    assert "517.9" in r.stdout  # the table is in millions


def test_share(env: dict[str, str]) -> None:
    args = ["cost", "share", "--origin", "KEN", "--destination", "GBR", "--refund-share", "10%"]
    r = runner.invoke(app, [*args, "--rate", "6.65%", "-f", "json"], env=env)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    (o,) = doc["options"]
    assert doc["recruits"] == 1000
    assert round(o["refund_total"]) == 51_793_076
    assert o["whole_training_places"] == 1075
    r = runner.invoke(app, args, env=env)
    assert r.exit_code == 0, r.output
    assert "One training place: 48,169 USD." in r.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["lost-investment", "--cost", "-5", "--rate", "0.05", "--years", "3"], "-5"),
        (["lost-investment", "--cost", "5", "--rate", "-1.5", "--years", "3"], "-1.5"),
        (["lost-investment", "--cost", "5", "--rate", "0.05", "--years", "-3"], "-3"),
        (["lost-investment", "--cost", "5", "--rate", "6.65", "--years", "3"], "6.65%"),
        (["corridor", "--origin", "XXX"], "Unknown country 'XXX'"),
        (["corridor", "--origin", "KEN", "--cadre", "surgeons"], "Unknown cadre 'surgeons'"),
        (["share", "--origin", "KEN", "--destination", "XXX", "-x", "0.1"], "'XXX'"),
        (["share", "--origin", "KEN", "--destination", "GBR", "-x", "3"], "'3'"),
    ],
)
def test_bad_input_exits_1_naming_the_value(
    env: dict[str, str], args: list[str], named: str
) -> None:
    r = runner.invoke(app, ["cost", *args], env=env)
    assert r.exit_code == 1, r.output
    assert "Error:" in r.output
    assert named in r.output
    assert "Traceback" not in r.output


def test_parameters_list_their_sources() -> None:
    r = runner.invoke(app, ["cost", "parameters", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert {(x["kind"], x["country"], x["cadre"]) for x in rows} >= {
        ("education_cost", "KEN", "medical_doctors"),
        ("education_cost", "KEN", "nurses"),
        ("interest_rates", "KEN", None),
        ("years_compounded", "KEN", None),
    }
    assert all(x["references"] for x in rows)
