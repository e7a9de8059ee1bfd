"""The practice library's pages: search, filters, entry pages, drafts invisible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hrh.domain.policy import LOCAL_ADMIN, Principal
from hrh.services import accounts, library
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parents[1] / "data" / "library"


@pytest.fixture
def client(density_ctx: AppContext, web_app: FastAPI) -> TestClient:
    library.load_seed(density_ctx)
    return TestClient(web_app)


def result_ids(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/library/([a-z0-9-]+)">', html)


def test_mida_comes_first(client: TestClient) -> None:
    response = client.get("/library", params={"q": "return of diaspora doctors to Ghana"})
    assert response.status_code == 200
    ids = result_ids(response.text)
    assert ids[0] == "iom-mida-ghana-health"
    assert 'href="/countries/GHA"' in response.text
    assert 'aria-current="page"' in response.text and 'href="/library"' in response.text


def test_filters_and_entry_page(client: TestClient) -> None:
    all_ids = result_ids(client.get("/library").text)
    assert len(all_ids) > 10
    by_type = result_ids(client.get("/library?type=code+of+practice").text)
    assert by_type and set(by_type) < set(all_ids)
    phl = result_ids(client.get("/library?country=PHL").text)
    assert phl and set(phl) < set(all_ids)
    in_2000 = result_ids(client.get("/library?year=2000").text)
    assert "sri-lanka-hmdp" in in_2000
    page = client.get("/library/iom-mida-ghana-health")
    assert page.status_code == 200
    assert "MIDA" in page.text and 'href="/countries/GHA"' in page.text
    assert "<h2>Sources</h2>" in page.text
    fr = client.get("/library/iom-mida-ghana-health?lang=fr")
    assert "Bibliothèque de pratiques" in fr.text


@pytest.mark.parametrize("query", ["year=abc", "country=G1", "type=unknown-kind", "year=3000"])
def test_bad_filters_give_a_400_page(client: TestClient, query: str) -> None:
    response = client.get(f"/library?{query}")
    assert response.status_code == 400
    assert "Filter not understood" in response.text


def test_drafts_are_invisible(density_ctx: AppContext, client: TestClient) -> None:
    view = accounts.add_user(density_ctx, LOCAL_ADMIN, "lib-ana", "analyst")
    author = Principal("user", "lib-ana", "analyst", user_id=view.id)
    (draft,) = library.submit_file(density_ctx, author, DATA / "draft.yaml")
    assert draft.status == "draft"
    assert draft.id not in result_ids(client.get("/library").text)
    assert draft.id not in client.get(f"/library?q={draft.title.split()[0]}").text
    assert client.get(f"/library/{draft.id}").status_code == 404
    assert client.get("/library/no-such-entry").status_code == 404
