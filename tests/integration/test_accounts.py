from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from hrh.domain.policy import ANONYMOUS, LOCAL_ADMIN
from hrh.errors import Conflict, Forbidden, Invalid, Unauthorized
from hrh.services import accounts, audit, imports
from hrh.services.context import AppContext

PASSWORD = "correct horse battery"


def test_users_need_their_scope(ctx: AppContext) -> None:
    with pytest.raises(Invalid, match="organisation"):
        accounts.add_user(ctx, LOCAL_ADMIN, "r", "recruiter")
    with pytest.raises(Invalid, match="Unknown country"):
        accounts.add_user(ctx, LOCAL_ADMIN, "p", "programme_officer", countries=["XYZ"])
    with pytest.raises(Invalid, match="Unknown role"):
        accounts.add_user(ctx, LOCAL_ADMIN, "p", "superuser")
    with pytest.raises(Invalid, match="12 characters"):
        accounts.add_user(ctx, LOCAL_ADMIN, "p", "analyst", password="short")
    accounts.add_user(ctx, LOCAL_ADMIN, "p", "analyst")
    with pytest.raises(Conflict):
        accounts.add_user(ctx, LOCAL_ADMIN, "p", "analyst")
    with pytest.raises(Unauthorized):
        accounts.add_user(ctx, ANONYMOUS, "q", "admin")


def test_passwords_are_argon2id_and_lock_out(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst", password=PASSWORD)
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.login(ctx, "ana", PASSWORD).role == "analyst"
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(Unauthorized, match="Wrong username or password"):
            accounts.login(ctx, "ana", "wrong password!!")
    with pytest.raises(Unauthorized, match="locked"):
        accounts.login(ctx, "ana", PASSWORD)
    with pytest.raises(Unauthorized, match="Wrong username or password"):
        accounts.login(ctx, "nobody", PASSWORD)
    accounts.set_password(ctx, LOCAL_ADMIN, "ana", PASSWORD + "!")  # an admin unlocks
    assert accounts.login(ctx, "ana", PASSWORD + "!").name == "ana"


def test_tokens_expire_are_revocable_and_scoped(ctx: AppContext, tmp_path: Path) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst")
    full = accounts.create_token(ctx, LOCAL_ADMIN, "ana", "full")
    narrow = accounts.create_token(ctx, LOCAL_ADMIN, "ana", "read", scopes=["aggregates.read"])
    p = accounts.authenticate_token(ctx, narrow.secret)
    assert p.scopes == frozenset({"aggregates.read"})
    csv = tmp_path / "x.csv"
    csv.write_text("country,cadre,year,measure,value,source\nGHA,221,2020,per_10k,1,T\n")
    with pytest.raises(Forbidden, match="scopes"):
        imports.import_file(ctx, "tidy", csv, principal=p)
    imports.import_file(ctx, "tidy", csv, principal=accounts.authenticate_token(ctx, full.secret))
    with ctx.engine.begin() as conn:
        conn.execute(
            text("UPDATE api_tokens SET expires_at = :t WHERE id = :i"),
            {"t": datetime.now(UTC) - timedelta(minutes=1), "i": full.id},
        )
    with pytest.raises(Unauthorized, match="expired"):
        accounts.authenticate_token(ctx, full.secret)
    accounts.revoke_token(ctx, LOCAL_ADMIN, narrow.id)
    with pytest.raises(Unauthorized, match="revoked"):
        accounts.authenticate_token(ctx, narrow.secret)
    again = accounts.create_token(ctx, LOCAL_ADMIN, "ana", "again")
    accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", True)
    with pytest.raises(Unauthorized, match="disabled"):
        accounts.authenticate_token(ctx, again.secret)
    with ctx.engine.connect() as conn:
        hashes = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert all(len(h) == 64 for h in hashes)
    assert full.secret not in hashes


def test_users_manage_only_their_own_tokens(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "a", "analyst")
    accounts.add_user(ctx, LOCAL_ADMIN, "b", "diaspora_member")
    a = accounts.authenticate_token(ctx, accounts.create_token(ctx, LOCAL_ADMIN, "a", "t").secret)
    own = accounts.create_token(ctx, a, "a", "mine")
    with pytest.raises(Forbidden):
        accounts.create_token(ctx, a, "b", "theirs")
    b_token = accounts.create_token(ctx, LOCAL_ADMIN, "b", "b")
    with pytest.raises(Forbidden):
        accounts.revoke_token(ctx, a, b_token.id)
    accounts.revoke_token(ctx, a, own.id)
    assert {t.name for t in accounts.list_tokens(ctx, a)} == {"t", "mine"}


def test_audit_chain_detects_tampering(ctx: AppContext) -> None:
    for name in ("u1", "u2", "u3"):
        accounts.add_user(ctx, LOCAL_ADMIN, name, "analyst")
    assert audit.verify(ctx).ok
    with ctx.engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM audit_events ORDER BY id")).scalars().all()
        conn.execute(
            text("UPDATE audit_events SET detail = :d WHERE id = :i"),
            {"d": '{"role":"admin"}', "i": ids[1]},
        )
    bad = audit.verify(ctx)
    assert (bad.ok, bad.first_bad_id) == (False, ids[1])
    assert "detail was changed" in bad.problem


def test_audit_chain_detects_deletion_and_actor_edits(ctx: AppContext) -> None:
    for name in ("u1", "u2", "u3"):
        accounts.add_user(ctx, LOCAL_ADMIN, name, "analyst")
    with ctx.engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM audit_events ORDER BY id")).scalars().all()
        conn.execute(text("UPDATE audit_events SET actor = 'user:x' WHERE id = :i"), {"i": ids[0]})
    assert audit.verify(ctx).first_bad_id == ids[0]
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": ids[0]})
    bad = audit.verify(ctx)
    assert bad.first_bad_id == ids[1]
    assert "deleted, inserted or reordered" in bad.problem


def test_audit_is_for_admins_only(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst")
    ana = accounts.authenticate_token(
        ctx, accounts.create_token(ctx, LOCAL_ADMIN, "ana", "t").secret
    )
    with pytest.raises(Forbidden):
        audit.list_events(ctx, ana)
    assert len(audit.list_events(ctx, LOCAL_ADMIN)) == 2


def test_one_time_password_reset(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", password=PASSWORD)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(Unauthorized):
            accounts.login(ctx, "ama", "not the password")
    issued = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ama", hours=2)
    with pytest.raises(Invalid, match="12 characters"):
        accounts.reset_password(ctx, issued.secret, "short")
    accounts.reset_password(ctx, issued.secret, "a brand new passphrase")
    assert accounts.login(ctx, "ama", "a brand new passphrase").name == "ama"  # unlocked too
    with pytest.raises(Unauthorized, match="invalid, used or expired"):
        accounts.reset_password(ctx, issued.secret, "another new passphrase")  # one time only
    late = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ama")
    with ctx.engine.begin() as conn:
        conn.execute(
            text("UPDATE password_resets SET expires_at = :t WHERE used_at IS NULL"),
            {"t": datetime.now(UTC) - timedelta(minutes=1)},
        )
    with pytest.raises(Unauthorized, match="invalid, used or expired"):
        accounts.reset_password(ctx, late.secret, "another new passphrase")
    with ctx.engine.connect() as conn:
        hashes = conn.execute(text("SELECT token_hash FROM password_resets")).scalars().all()
    assert issued.secret not in hashes and len(hashes) == 2
    ana = accounts.authenticate_token(
        ctx, accounts.create_token(ctx, LOCAL_ADMIN, "ama", "t").secret
    )
    with pytest.raises(Forbidden):
        accounts.create_password_reset(ctx, ana, "ama")
