"""A full run with every logger at DEBUG: no password, token or key reaches the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hrh.asgi import create_app
from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Unauthorized
from hrh.services import accounts
from hrh.services.context import AppContext
from hrh.services.keys import master_key

PASSWORD = "Akwaaba-2026-secret"


def test_logs_hold_no_secrets(
    ctx: AppContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst", password=PASSWORD)
    accounts.login(ctx, "kofi", PASSWORD)
    with pytest.raises(Unauthorized):
        accounts.login(ctx, "kofi", PASSWORD + "x")
    token = accounts.create_token(ctx, LOCAL_ADMIN, "kofi", "t").secret
    with TestClient(create_app(ctx.settings)) as client:
        auth = {"Authorization": f"Bearer {token}"}
        csv = b"country,cadre,year,measure,value,source\nGHA,221,2020,per_10k,1.7,T\n"
        r = client.post("/api/v1/imports/tidy", files={"file": ("g.csv", csv)}, headers=auth)
        assert r.status_code == 200
        assert client.get("/api/v1/me", headers=auth).json()["name"] == "kofi"
        bad = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"})
        assert bad.status_code == 401
        assert token not in bad.text
    key = master_key(ctx.settings).hex()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert len(caplog.records) > 0
    for secret in (PASSWORD, token, token[4:], key):
        assert secret not in logged
    assert "$argon2id$" not in logged
