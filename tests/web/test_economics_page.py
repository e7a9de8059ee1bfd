"""The economics page over the bundled reference data: Kirigia's figures, corridors, sharing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import imports
from hrh.services.context import AppContext


@pytest.fixture
def client(reference_app: FastAPI) -> TestClient:
    return TestClient(reference_app)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_default_page_reproduces_kirigia_for_kenyan_doctors(client: TestClient) -> None:
    response = client.get("/economics")
    assert response.status_code == 200
    text = _text(response.text)
    # Kirigia et al. 2006 table 3: C = 65,997 USD, n = 32 → FV at 5 %, 6.65 %, 15.64 %
    assert "C = 65,997 USD" in text
    for fv in ("314,472", "517,931", "6,902,125"):
        assert fv in text
    assert 'aria-current="page">Economics<' in response.text


def test_corridor_losses_list_destinations_with_sources(client: TestClient) -> None:
    response = client.get("/economics", params={"origin": "KEN", "cadre": "medical_doctors"})
    html = response.text
    section = html.split('id="corridor-losses"')[1].split("</section>")[0]
    rows = re.findall(r'<th scope="row"><a href="/countries/([A-Z]{3})">', section)
    assert rows, "expected Kenyan doctors abroad in the OECD data"
    assert "KEN" not in rows
    assert "oecd" in section.lower()


def test_one_rate_from_the_user_replaces_the_range(client: TestClient) -> None:
    response = client.get("/economics", params={"rate": "5", "years": "32", "cost": "43180"})
    text = _text(response.text)
    assert "205,750" in text  # Kirigia's nurse figure at 5 %
    assert "517,931" not in text


def test_cost_sharing_appears_with_a_destination(client: TestClient) -> None:
    response = client.get(
        "/economics", params={"origin": "KEN", "destination": "GBR", "share": "10"}
    )
    assert response.status_code == 200
    section = response.text.split('id="cost-sharing"')[1].split("</section>")[0]
    # 10 % of 517,931 at the central rate
    assert "51,793" in _text(section)


def test_country_without_a_bundled_cost_asks_for_one(client: TestClient) -> None:
    response = client.get("/economics", params={"origin": "GHA"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "cost" in _text(response.text).lower()
    ok = client.get(
        "/economics", params={"origin": "GHA", "cost": "50000", "rate": "5", "years": "30"}
    )
    assert ok.status_code == 200
    assert "50,000" in _text(ok.text)


@pytest.mark.parametrize(
    "params", [{"cost": "lots"}, {"rate": "-150"}, {"years": "-3"}, {"origin": "ZZZ"}]
)
def test_bad_input_is_a_400_page_naming_the_problem(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/economics", params=params)
    assert response.status_code == 400
    assert "Input not understood" in response.text
    assert "Traceback" not in response.text


def test_french_page(client: TestClient) -> None:
    response = client.get("/economics", params={"lang": "fr"})
    assert response.status_code == 200
    assert "Économie des migrations" in response.text
    assert "517 931" in response.text.replace("\u202f", " ").replace("\xa0", " ")


def test_remittances_shown_beside_the_loss(density_ctx: AppContext, web_app: FastAPI) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "wdi"
    oecd = density_ctx.settings.var_dir / "wfmi.csv"
    oecd.write_text(
        "COU,Country,VAR,Variable,CO2,Country of origin,YEA,Year,Value,Flag Codes,Flags\n"
        "GBR,United Kingdom,FTDS,Foreign-trained doctors - Stock,KEN,Kenya,2018,2018,1000,,\n",
        encoding="utf-8",
    )
    imports.import_file(density_ctx, "oecd-wfmi", oecd, principal=LOCAL_ADMIN)
    imports.import_file(
        density_ctx, "wdi", data / "API_BX.TRF.PWKR.CD.DT_constructed.csv", principal=LOCAL_ADMIN
    )
    response = TestClient(web_app).get("/economics", params={"origin": "KEN"})
    assert response.status_code == 200
    text = _text(response.text)
    assert "Remittances received in 2018" in text
    assert "2,000,000,000 USD" in text
    # 1,000 doctors × 517,930.76 = 517,930,764 → 0.26 years of 2e9
    assert "0.26 years" in text
