"""The economics page's tables download as CSV and Excel, for the same inputs as the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

QUERY = "origin=KEN&cadre=medical_doctors&destination=GBR&share=20"


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


def test_the_page_links_each_table_with_its_inputs(client: TestClient) -> None:
    html = client.get(f"/economics?{QUERY}").text
    for section in ("lost-investment", "corridors", "cost-sharing"):
        assert f'href="/economics/{section}.csv?{QUERY.replace("&", "&amp;")}"' in html
        assert f'href="/economics/{section}.xlsx?{QUERY.replace("&", "&amp;")}"' in html


def test_the_corridor_losses_download_every_corridor_with_the_page_totals(
    client: TestClient,
) -> None:
    query = "origin=IND&cadre=medical_doctors&cost=30000&rate=5&years=30"
    r = client.get(f"/economics/corridors.csv?{query}")
    assert r.status_code == 200
    assert "hrh-corridor-losses-IND-medical_doctors.csv" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["origin"] for row in rows} == {"IND"}
    assert len(rows) > 15  # all corridors, not only the 15 the page shows
    api_query = "origin=IND&cadre=medical_doctors&cost=30000&rate=5%25&years=30&limit=1000"
    api = client.get(f"/api/v1/economics/corridors?{api_query}")
    assert api.status_code == 200  # the API computes the same losses
    assert api.json()["count"] == len(rows)
    total = sum(float(row["loss_central"]) for row in rows)
    assert total == pytest.approx(api.json()["total_loss_central"])


def test_the_excel_has_the_data_its_sources_and_the_inputs(client: TestClient) -> None:
    r = client.get(f"/economics/cost-sharing.xlsx?{QUERY}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Data", "Sources", "Inputs"]
    header = [c.value for c in wb["Data"][1]]
    assert header[:4] == ["origin", "destination", "cadre", "refund_share"]
    data = list(wb["Data"].iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in data] == ["low", "central", "high"]
    assert all(row[3] == 0.2 for row in data)
    inputs = {row[0]: row for row in wb["Inputs"].iter_rows(min_row=2, values_only=True)}
    assert inputs and all(row[3] for row in inputs.values())  # each figure says its source
    lost = load_workbook(io.BytesIO(client.get(f"/economics/lost-investment.xlsx?{QUERY}").content))
    fv = [row[8] for row in lost["Data"].iter_rows(min_row=2, values_only=True)]
    assert fv == sorted(fv) and fv[0] > 0  # low, central, high rates: growing future values


def test_bad_inputs_and_unknown_tables_are_refused_clearly(client: TestClient) -> None:
    bad = client.get("/economics/corridors.csv?origin=GHA&cost=abc")
    assert bad.status_code == 400
    assert "is not a number" in bad.text and "<form" in bad.text  # the page, with its form
    for path in ("/economics/salaries.csv", "/economics/corridors.pdf"):
        r = client.get(f"{path}?{QUERY}")
        assert r.status_code == 404
        assert "lost-investment, corridors or cost-sharing" in r.text
