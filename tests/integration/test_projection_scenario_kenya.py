"""The bundled `kenya-bonding-and-chw` scenario: it runs from the CLI in both modes, and each
of its levers, applied alone on the baseline, moves the result the way it should.

On SQLite and PostgreSQL (``HRH_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from hrh.cli import app
from hrh.projection.results import ProjectionResult
from hrh.projection.scenarios import BUNDLED
from hrh.services import projections as svc
from hrh.services.context import AppContext

runner = CliRunner()
NAME = "kenya-bonding-and-chw"
DOC: dict[str, Any] = yaml.safe_load((BUNDLED / f"{NAME}.yaml").read_text(encoding="utf-8"))
NURSES = "nursing_midwifery"


def _lever(kind: str) -> dict[str, Any]:
    return next(x for x in DOC["levers"] if x["lever"] == kind)


def _alone(tmp: Path, name: str, **parts: Any) -> str:
    """A scenario file on the baseline with only some parts of the bundled scenario."""
    f = tmp / f"{name}.yaml"
    doc = {"name": name, "description": f"Only {name}.", "base": "baseline", **parts}
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(f)


def _run(ctx: AppContext, scenario: str, **kw: Any) -> ProjectionResult:
    return svc.run_projection(ctx, scenario, countries=["KEN"], until=2040, **kw)


@pytest.fixture(scope="module")
def base(reference_ctx: AppContext) -> ProjectionResult:
    return _run(reference_ctx, "baseline")


def test_it_is_bundled_documented_and_uses_the_new_levers() -> None:
    assert {x["lever"] for x in DOC["levers"]} == {"training_intake", "bonding", "new_cadre"}
    assert "intake" in _lever("training_intake") and _lever("bonding")["buyout_share"] == 0.2
    assert DOC["need"] == {"method": "utilisation"} and set(DOC["uncertainty"]) == {
        "emigration.annual_rate",
        "attrition.annual_rate",
    }
    text = (BUNDLED / f"{NAME}.yaml").read_text(encoding="utf-8")
    assert text.count("ASSUMPTION") >= 5  # illustrative numbers are marked as such
    listed = runner.invoke(app, ["project", "scenarios", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert NAME in {s["name"] for s in json.loads(listed.stdout)}


def test_it_runs_from_the_cli_deterministic_and_stochastic(reference_ctx: AppContext) -> None:
    env = {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }
    args = ["project", "run", NAME, "-c", "KEN", "--until", "2032", "--format", "json"]
    det = runner.invoke(app, [*args, "--no-store"], env=env)
    assert det.exit_code == 0, det.output
    doc = json.loads(det.stdout)
    assert doc["need_method"] == "utilisation" and doc["mode"] == "deterministic"
    assert {r["cadre"] for r in doc["rows"]} == {
        "medical_doctors",
        NURSES,
        "community_health_workers",
    }
    sto = [*args, "--mode", "stochastic", "-n", "8", "--seed", "2027", "--no-store"]
    a, b = runner.invoke(app, sto, env=env), runner.invoke(app, sto, env=env)
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    rows = json.loads(a.stdout)["rows"]
    assert rows == json.loads(b.stdout)["rows"]  # the same seed, the same numbers
    last = next(r for r in rows if r["cadre"] == NURSES and r["year"] == 2032)
    assert last["p05"] < last["p50"] < last["p95"]


def test_compare_shows_the_new_cadre_against_none(reference_ctx: AppContext) -> None:
    env = {
        "HRH_DATABASE_URL": reference_ctx.settings.database_url,
        "HRH_VAR_DIR": str(reference_ctx.settings.var_dir),
    }
    args = ["project", "compare", "baseline", NAME, "-c", "KEN", "--until", "2030"]
    result = runner.invoke(app, [*args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = doc["rows"] if isinstance(doc, dict) else doc
    chw = [r for r in rows if r["cadre"] == "community_health_workers"]
    assert [r["year"] for r in chw] == list(range(2025, 2031))
    assert all(r["supply_a"] == 0 and r["gap_a"] is None for r in chw)  # not in the baseline
    assert chw[-1]["supply_b"] > 0 and chw[-1]["supply_diff"] == chw[-1]["supply_b"]
    nurses = [r for r in rows if r["cadre"] == NURSES and r["year"] == 2030]
    assert len(nurses) == 1 and nurses[0]["supply_a"] > 0  # cadres of both runs compared


def test_absolute_intake_adds_graduates_and_nurses(
    reference_ctx: AppContext, base: ProjectionResult, tmp_path: Path
) -> None:
    run = _run(reference_ctx, _alone(tmp_path, "intake", levers=[_lever("training_intake")]))
    got, was = run.value("graduates", "KEN", NURSES), base.value("graduates", "KEN", NURSES)
    years = list(run.years)
    before, after = years.index(2029), years.index(2030)  # 3 years' training from 2027
    assert got[before] == pytest.approx(was[before])
    assert got[after] > was[after] * 1.3  # 7,000 trainees vs ~4,900
    assert run.value("supply", "KEN", NURSES)[-1] > base.value("supply", "KEN", NURSES)[-1]


def test_bonding_keeps_new_graduates_at_home(
    reference_ctx: AppContext, base: ProjectionResult, tmp_path: Path
) -> None:
    run = _run(reference_ctx, _alone(tmp_path, "bonding", levers=[_lever("bonding")]))
    years = list(run.years)
    i = years.index(2030)
    emi, was = run.value("emigration", "KEN", NURSES), base.value("emigration", "KEN", NURSES)
    assert emi[i] < was[i]
    assert run.value("supply", "KEN", NURSES)[i] > base.value("supply", "KEN", NURSES)[i]
    # doctors are not bonded
    assert run.value("emigration", "KEN", "medical_doctors")[i] == pytest.approx(
        base.value("emigration", "KEN", "medical_doctors")[i]
    )


def test_community_health_workers_appear_from_the_levers_year(
    reference_ctx: AppContext, base: ProjectionResult, tmp_path: Path
) -> None:
    run = _run(reference_ctx, _alone(tmp_path, "chw", levers=[_lever("new_cadre")]))
    assert "community_health_workers" not in base.cadres
    chw = run.value("supply", "KEN", "community_health_workers")
    years = list(run.years)
    assert chw[years.index(2025)] == 0 and chw[years.index(2030)] > 20_000
    assert chw[-1] > chw[years.index(2030)]


def test_uncertainty_widens_the_fan(reference_ctx: AppContext, tmp_path: Path) -> None:
    kw = {"mode": "stochastic", "replicates": 12, "seed": 99}
    plain = _run(reference_ctx, "baseline", **kw)
    wide = _run(reference_ctx, _alone(tmp_path, "ranges", uncertainty=DOC["uncertainty"]), **kw)

    def spread(r: ProjectionResult) -> float:
        row = [x for x in r.document()["rows"] if x["cadre"] == NURSES][-1]
        return float(row["p95"] - row["p05"])

    assert spread(wide) > spread(plain)


def test_need_by_utilisation_grows_faster_than_by_head_count(
    reference_ctx: AppContext, base: ProjectionResult, tmp_path: Path
) -> None:
    run = _run(reference_ctx, _alone(tmp_path, "need", need=DOC["need"]))
    got, was = run.value("need", "KEN", NURSES), base.value("need", "KEN", NURSES)
    assert got[0] == pytest.approx(was[0], rel=1e-12)  # the same level in the base year
    assert got[-1] > was[-1]  # Kenya's older age groups grow fastest
    assert run.value("supply", "KEN", NURSES) == pytest.approx(base.value("supply", "KEN", NURSES))
