"""``/api/v1/economics/…``: literal JSON for the Kirigia case, corridors, sharing, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.services import imports
from hrh.services.context import AppContext

WFMI = (
    "COU,Country,VAR,Variable,CO2,Country of origin,YEA,Year,Value,Flag Codes,Flags\n"
    "GBR,United Kingdom,FTDS,Foreign-trained doctors - Stock,KEN,Kenya,2018,2018,1000,,\n"
    "USA,United States,FTDS,Foreign-trained doctors - Stock,KEN,Kenya,2016,2016,500,,\n"
    "GBR,United Kingdom,FTNS,Foreign-trained nurses - Stock,KEN,Kenya,2018,2018,200,,\n"
)
KIRIGIA = "Kirigia JM et al. The cost of health professionals' brain drain in Kenya. "
BASE = "/api/v1/economics"


@pytest.fixture
def client(ctx: AppContext, tmp_path: Path) -> Iterator[TestClient]:
    p = tmp_path / "wfmi.csv"
    p.write_text(WFMI)
    imports.import_file(ctx, "oecd-wfmi", p, principal=LOCAL_ADMIN)
    with TestClient(create_app(ctx.settings)) as c:
        yield c


def test_lost_investment_literal(client: TestClient) -> None:
    r = client.get(f"{BASE}/lost-investment", params={"cost": 100, "rate": "10%", "years": 2})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "country": None,
        "cadre": None,
        "cost": {
            "total": 100.0,
            "primary": None,
            "secondary": None,
            "professional": None,
            "currency": "as supplied",
            "price_year": None,
            "source": "supplied by the user",
        },
        "years": 2.0,
        "results": [
            {
                "scenario": "central",
                "rate": 0.1,
                "years": 2.0,
                "cost": 100.0,
                "future_value": pytest.approx(121.0),
                "returns_forgone": pytest.approx(21.0),
            }
        ],
        "inputs": [
            {
                "name": "education_cost.worker",
                "value": 100.0,
                "unit": "as supplied",
                "source": "supplied by the user",
            },
            {
                "name": "interest_rates",
                "value": {"central": 0.1},
                "unit": "fraction",
                "source": "supplied by the user",
            },
            {
                "name": "years_compounded",
                "value": 2.0,
                "unit": "years",
                "source": "supplied by the user",
            },
        ],
    }


def test_lost_investment_kirigia_from_bundled_parameters(client: TestClient) -> None:
    r = client.get(f"{BASE}/lost-investment", params={"country": "KEN", "cadre": "medical_doctors"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert [round(x["future_value"]) for x in doc["results"]] == [314_472, 517_931, 6_902_125]
    assert doc["cost"]["primary"] == 10_963 and doc["cost"]["professional"] == 48_169
    assert doc["inputs"][1]["source"].startswith(KIRIGIA)


def test_corridors(client: TestClient) -> None:
    r = client.get(f"{BASE}/corridors", params={"origin": "KEN", "limit": 1})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["count"] == 3 and len(doc["data"]) == 1
    assert doc["data"][0]["destination"] == "GBR" and doc["data"][0]["stock"] == 1000
    assert round(doc["total_loss_central"]) == round(1500 * 517_930.7635 + 200 * 338_867.6814)
    r = client.get(
        f"{BASE}/corridors",
        params={"origin": "KEN", "destination": "USA", "cadre": "221", "destination_cost": 1e5},
    )
    assert r.json()["total_destination_savings"] == 50_000_000


def test_cost_sharing(client: TestClient) -> None:
    r = client.get(
        f"{BASE}/cost-sharing",
        params={"origin": "KEN", "destination": "GBR", "refund_share": "10%", "rate": "0.0665"},
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["recruits"] == 1000 and doc["training_place_cost"] == 48_169
    (o,) = doc["options"]
    assert round(o["refund_total"]) == 51_793_076 and o["whole_training_places"] == 1075


def test_parameters(client: TestClient) -> None:
    doc = client.get(f"{BASE}/parameters").json()
    assert doc["count"] == len(doc["data"]) == 4
    assert doc["data"][0]["values"] == {
        "primary": 10963.0,
        "secondary": 6865.0,
        "professional": 48169.0,
        "total": 65997.0,
    }


@pytest.mark.parametrize(
    ("path", "params", "status", "named"),
    [
        ("lost-investment", {"cost": -5, "rate": "0.05", "years": 3}, 422, "-5"),
        ("lost-investment", {"cost": 5, "rate": "-1.5", "years": 3}, 422, "-1.5"),
        ("lost-investment", {"cost": 5, "rate": "0.05", "years": -3}, 422, "-3"),
        ("lost-investment", {"cost": "nan", "rate": "0.05", "years": 3}, 422, "nan"),
        ("lost-investment", {"cost": 1e300, "rate": "0.9", "years": 1e6}, 422, "too large"),
        ("corridors", {"origin": "XXX"}, 404, "'XXX'"),
        ("corridors", {"origin": "KEN", "cadre": "surgeons"}, 422, "'surgeons'"),
        ("cost-sharing", {"origin": "KEN", "destination": "XXX", "refund_share": "1%"}, 404, "XXX"),
        ("cost-sharing", {"origin": "KEN", "destination": "GBR", "refund_share": "x"}, 422, "'x'"),
        (
            "cost-sharing",
            {"origin": "KEN", "destination": "GBR", "refund_share": "1", "recruits": "inf"},
            422,
            "inf",
        ),
    ],
)
def test_bad_input_gets_the_error_envelope(
    client: TestClient, path: str, params: dict[str, object], status: int, named: str
) -> None:
    r = client.get(f"{BASE}/{path}", params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["status"] == status
    assert named in body["error"]
