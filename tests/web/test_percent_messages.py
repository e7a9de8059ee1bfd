"""What the reader typed reaches the pages' messages only as placeholder values.

Jinja's new-style ``_()`` always applies ``%`` formatting to the translated message, so a
message that carried the reader's text (or a service's English message) with a ``%`` in it
would fail with a 500. The pages pass fixed ``N_`` messages to ``_()`` and the reader's text as
``%(code)s`` values or as plain text beside them; these requests pin that down.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(reference_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(reference_app) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/countries/50%25", 404),
        ("/countries/50%25/projection", 404),
        ("/countries/%25s/chart.png", 404),
        ("/corridors?year=5%25", 400),
        ("/corridors?cadre=%25(x)s", 400),
        ("/library?year=%25d", 400),
        ("/scenarios?training=%25", 400),
        ("/?indicator=%25s&year=%25", 400),
        ("/ssl.%25s", 400),
        ("/no/such/%25page", 404),
    ],
)
def test_a_percent_sign_in_what_the_reader_typed_never_breaks_a_page(
    client: TestClient, path: str, status: int
) -> None:
    """Messages go through gettext's ``%`` formatting: what the reader typed must not."""
    r = client.get(path)
    assert r.status_code == status, r.text[:300]
    assert "<h1>" in r.text
