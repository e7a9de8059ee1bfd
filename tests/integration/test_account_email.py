"""Account e-mail addresses, session versions, password changes and forgot-password requests."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from hrh.domain.policy import ANONYMOUS, LOCAL_ADMIN, Principal
from hrh.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from hrh.services import accounts, audit, diaspora, privacy
from hrh.services.context import AppContext

PASSWORD = "correct horse battery"
ADDRESS = "Ama.Mensah@Example.org"


def _raw_user(ctx: AppContext, username: str) -> dict[str, object]:
    with ctx.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT email_cipher, email_index, session_version FROM users WHERE username = :u"
            ),
            {"u": username},
        ).one()
    return dict(row._mapping)


def _version(ctx: AppContext, username: str) -> int:
    version = _raw_user(ctx, username)["session_version"]
    assert isinstance(version, int)
    return version


def _token_of(ctx: AppContext, username: str) -> Principal:
    return accounts.authenticate_token(
        ctx, accounts.create_token(ctx, LOCAL_ADMIN, username, "t").secret
    )


def test_email_is_encrypted_at_rest_with_a_keyed_index(ctx: AppContext) -> None:
    view = accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=f"  {ADDRESS} ")
    assert view.email == ADDRESS
    raw = _raw_user(ctx, "ama")
    cipher, index = str(raw["email_cipher"]), str(raw["email_index"])
    assert cipher.startswith("v1:")
    assert "Mensah" not in cipher and "example" not in cipher.lower()
    assert len(index) == 64
    # a keyed index: not the plain hash of the address, so it cannot be checked by guessing
    for guess in (ADDRESS, ADDRESS.lower()):
        assert index != hashlib.sha256(guess.encode()).hexdigest()
    assert accounts.email_of(ctx, view.id) == ADDRESS
    with ctx.unit() as s:
        assert accounts.email_of(ctx, view.id, session=s) == ADDRESS
    assert [u.email for u in accounts.list_users(ctx, LOCAL_ADMIN)] == [ADDRESS]
    # the audit trail says an address was given, never which
    events = audit.list_events(ctx, LOCAL_ADMIN)
    assert events[-1].detail["email"] is True
    assert "mensah" not in json.dumps([e.detail for e in events]).lower()


def test_email_rules(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    for bad in ("ama", "ama@example", "a b@example.org", "ama@@example.org", "x@y.org\nBcc: z"):
        with pytest.raises(Invalid, match="not an e-mail address"):
            accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst", email=bad)
    with pytest.raises(Conflict, match="already has this e-mail"):  # case does not matter
        accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst", email=ADDRESS.upper())
    kofi = accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst")
    assert kofi.email is None and accounts.email_of(ctx, kofi.id) is None
    assert accounts.set_email(ctx, LOCAL_ADMIN, "kofi", "kofi@example.org").email
    assert accounts.set_email(ctx, LOCAL_ADMIN, "kofi", "").email is None
    assert _raw_user(ctx, "kofi")["email_index"] is None
    with pytest.raises(NotFound):
        accounts.set_email(ctx, LOCAL_ADMIN, "nobody", "n@example.org")
    assert accounts.email_of(ctx, 999_999) is None


def test_only_admins_and_the_user_see_an_address(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst")
    ama, kofi = _token_of(ctx, "ama"), _token_of(ctx, "kofi")
    assert accounts.my_account(ctx, ama).email == ADDRESS
    assert accounts.my_account(ctx, kofi).email is None
    with pytest.raises(Forbidden):
        accounts.list_users(ctx, kofi)
    with pytest.raises(Forbidden):
        accounts.set_email(ctx, ama, "ama", "other@example.org")  # administrators set it


def test_a_disabled_account_gets_no_mail(ctx: AppContext) -> None:
    view = accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    accounts.set_disabled(ctx, LOCAL_ADMIN, "ama", True)
    assert accounts.email_of(ctx, view.id) is None


@pytest.mark.parametrize(
    "event",
    ["password", "reset", "disable", "role", "organisation", "countries", "revoke", "own_revoke"],
)
def test_each_event_bumps_the_session_version(ctx: AppContext, event: str) -> None:
    view = accounts.add_user(
        ctx, LOCAL_ADMIN, "ana", "recruiter", organisation="acme", password=PASSWORD
    )
    signed_in = accounts.sign_in(ctx, "ana", PASSWORD)
    assert accounts.principal_for_session(ctx, view.id, signed_in.session_version) is not None
    before = _version(ctx, "ana")
    if event == "password":
        accounts.set_password(ctx, LOCAL_ADMIN, "ana", PASSWORD + "!")
    elif event == "reset":
        issued = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ana")
        accounts.reset_password(ctx, issued.secret, PASSWORD + "!")
    elif event == "disable":
        accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", True)
        accounts.set_disabled(ctx, LOCAL_ADMIN, "ana", False)  # re-enabling revives nothing
    elif event == "role":
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="analyst")
    elif event == "organisation":
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", organisation="other-agency")
    elif event == "countries":
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="programme_officer", countries=["GHA"])
        before = _version(ctx, "ana")
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", countries=["GHA", "NGA"])
    elif event == "revoke":
        accounts.revoke_sessions(ctx, LOCAL_ADMIN, "ana")
    else:
        accounts.revoke_sessions(ctx, _token_of(ctx, "ana"))
    assert _version(ctx, "ana") > before
    assert accounts.principal_for_session(ctx, view.id, signed_in.session_version) is None


def test_changes_that_keep_the_scope_keep_the_sessions(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "recruiter", organisation="acme")
    accounts.update_user(ctx, LOCAL_ADMIN, "ana", organisation=" acme ", email=ADDRESS)
    assert _version(ctx, "ana") == 0
    [event] = audit.list_events(ctx, LOCAL_ADMIN, action="user.update")
    assert event.detail == {"email": True}


def test_a_new_role_starts_with_a_new_scope(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "recruiter", organisation="acme")
    with pytest.raises(Invalid, match="scoped to countries"):
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="programme_officer")
    view = accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="analyst")
    assert (view.role, view.organisation, view.countries) == ("analyst", "", [])
    with pytest.raises(Invalid, match="Unknown role"):
        accounts.update_user(ctx, LOCAL_ADMIN, "ana", role="superuser")
    with pytest.raises(Unauthorized):
        accounts.update_user(ctx, ANONYMOUS, "ana", role="admin")


def test_changing_ones_own_password(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst", password=PASSWORD)
    me = accounts.login(ctx, "ana", PASSWORD)
    with pytest.raises(Invalid, match="12 characters"):
        accounts.change_password(ctx, me, PASSWORD, "short")
    with pytest.raises(Invalid, match="not right"):
        accounts.change_password(ctx, me, "not my password", "a brand new passphrase")
    issued = accounts.create_password_reset(ctx, LOCAL_ADMIN, "ana")
    before = _version(ctx, "ana")
    version = accounts.change_password(ctx, me, PASSWORD, "a brand new passphrase")
    assert version == _version(ctx, "ana") == before + 1
    assert accounts.login(ctx, "ana", "a brand new passphrase").name == "ana"
    with pytest.raises(Unauthorized):
        accounts.login(ctx, "ana", PASSWORD)
    with pytest.raises(Unauthorized):  # a reset link issued before the change is void
        accounts.reset_password(ctx, issued.secret, "yet another passphrase")
    actions = [e.action for e in audit.list_events(ctx, LOCAL_ADMIN)]
    assert "user.password_change_failed" in actions and "user.password_change" in actions
    with pytest.raises(Invalid, match="no password"):
        accounts.change_password(ctx, LOCAL_ADMIN, PASSWORD, "a brand new passphrase")


def test_wrong_current_passwords_lock_the_account(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ana", "analyst", password=PASSWORD)
    me = accounts.login(ctx, "ana", PASSWORD)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(Invalid):
            accounts.change_password(ctx, me, "guess guess guess", "a brand new passphrase")
    with pytest.raises(Invalid, match="locked"):
        accounts.change_password(ctx, me, PASSWORD, "a brand new passphrase")
    with pytest.raises(Unauthorized, match="locked"):
        accounts.login(ctx, "ana", PASSWORD)


def _request(ctx: AppContext, login: str, client: str = "198.51.100.7") -> accounts.ResetRequest:
    return accounts.request_password_reset(ctx, login, client=client)


def test_forgot_password_mails_only_active_accounts_with_an_address(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    accounts.add_user(ctx, LOCAL_ADMIN, "kofi", "analyst")
    accounts.add_user(ctx, LOCAL_ADMIN, "gone", "analyst", email="gone@example.org")
    accounts.set_disabled(ctx, LOCAL_ADMIN, "gone", True)
    by_name = _request(ctx, "ama").mail
    assert by_name is not None and by_name.to == ADDRESS
    assert "ama" in by_name.body and "60 minutes" in by_name.body
    link = by_name.body.split("\n\n")[2]
    assert link.startswith(ctx.settings.public_url + "/reset-password?token=hrhreset_")
    by_address = _request(ctx, " ama.mensah@EXAMPLE.org ").mail
    assert by_address is not None and by_address.to == ADDRESS
    for nothing in ("kofi", "gone", "gone@example.org", "nobody", "nobody@example.org", ""):
        assert _request(ctx, nothing).mail is None, nothing
    outcomes = [
        (e.target != "", e.detail["outcome"])
        for e in audit.list_events(ctx, LOCAL_ADMIN, action="auth.password_reset_requested")
    ]
    assert outcomes == [
        (True, "mailed"),
        (True, "mailed"),
        (True, "no_email"),
        (True, "disabled"),
        (True, "disabled"),
        (False, "unknown"),
        (False, "unknown"),
        (False, "unknown"),
    ]
    secret = link.rsplit("=", 1)[1]
    trail = json.dumps([(e.target, e.detail) for e in audit.list_events(ctx, LOCAL_ADMIN)])
    assert secret not in trail and "mensah" not in trail.lower()
    # the mailed link sets a new password once
    assert accounts.reset_link_valid(ctx, secret)
    accounts.reset_password(ctx, secret, "a brand new passphrase")
    assert not accounts.reset_link_valid(ctx, secret)
    with pytest.raises(Unauthorized):
        accounts.reset_password(ctx, secret, "another new passphrase")


def test_forgot_password_is_limited_per_account_and_per_client(ctx: AppContext) -> None:
    accounts.add_user(ctx, LOCAL_ADMIN, "ama", "analyst", email=ADDRESS)
    sent = [
        _request(ctx, login, client=f"192.0.2.{i}").mail is not None
        for i, login in enumerate(["ama", ADDRESS, "AMA.mensah@example.org", "ama", "ama"])
    ]
    assert sent == [True, True, True, False, False]  # silently: the answer is the same
    for i in range(accounts.RESETS_PER_CLIENT):
        _request(ctx, f"nobody-{i}", client="203.0.113.9")
    with pytest.raises(TooManyRequests):
        _request(ctx, "nobody-else", client="203.0.113.9")
    with pytest.raises(TooManyRequests):  # the same refusal whatever the account
        _request(ctx, "ama", client="203.0.113.9")
    with ctx.engine.connect() as conn:
        buckets = conn.execute(text("SELECT bucket FROM auth_throttle")).scalars().all()
    assert all(len(b) == 64 for b in buckets)
    assert not any("203.0.113" in b or "ama" in b for b in buckets)  # keyed hashes only


def test_a_members_address_is_exported_and_erased(ctx: AppContext) -> None:
    view = diaspora.register(
        ctx,
        ANONYMOUS,
        diaspora.Registration(
            username="kwame",
            password=PASSWORD,
            cadre="nursing_midwifery",
            origin="GHA",
            residence="GBR",
            modes=["virtual"],
        ),
    )
    accounts.set_email(ctx, LOCAL_ADMIN, "kwame", "kwame@example.org")
    exported = privacy.export(ctx, LOCAL_ADMIN, view.profile_id)
    assert exported.account is not None and exported.account["email"] == "kwame@example.org"
    assert _request(ctx, "kwame").mail is not None  # a reset link is pending
    assert privacy.erase(ctx, LOCAL_ADMIN, view.profile_id).account_deleted
    with ctx.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM password_resets")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
