"""Outgoing mail against a real local SMTP server (aiosmtpd) and the offline outbox."""

from __future__ import annotations

import email
import logging
import socket
from email import policy
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from hrh.config import Settings
from hrh.errors import ConfigError
from hrh.services import mail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sends_through_a_real_smtp(
    smtp: tuple[Any, int], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler, port = smtp
    settings = Settings(var_dir=tmp_path, smtp_url=SecretStr(f"smtp://127.0.0.1:{port}"))
    caplog.set_level(logging.DEBUG, logger="hrh")
    mail.send(settings, mail.Mail("ama.mensah@example.org", "Your reset link", "Hello Ama"))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("hrh"))
    assert len(handler.messages) == 1
    got = handler.messages[0]
    assert got["To"] == "ama.mensah@example.org"
    assert got["Subject"] == "Your reset link"
    assert "Hello Ama" in got.get_payload()
    assert "mail handed to" in ours
    assert "Hello Ama" not in ours
    assert "ama.mensah" not in ours
    assert not (tmp_path / "outbox").exists()


def test_without_smtp_mail_goes_to_the_outbox(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    mail.send(settings, mail.Mail("kofi@example.org", "Assignment proposed", "Dear Kofi"))
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "kofi@example.org"
    assert parsed.get_body().get_content().strip() == "Dear Kofi"  # type: ignore[union-attr]
    assert not list((tmp_path / "outbox").glob("*.part"))


def test_unreachable_server_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    port = _free_port()
    settings = Settings(
        var_dir=tmp_path, smtp_url=SecretStr(f"smtp://bob:s3cr3t-pw@127.0.0.1:{port}")
    )
    with pytest.raises(mail.MailError) as info:
        mail.send(settings, mail.Mail("a@example.org", "s", "b"))
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "s3cr3t-pw" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, None, False, False)),
        ("smtp://u%40x:p@h:587?starttls=true", ("h", 587, "u@x", True, False)),
        ("smtps://h", ("h", 465, None, False, True)),
    ],
)
def test_smtp_url_forms(url: str, expected: tuple[object, ...]) -> None:
    t = mail.parse_smtp_url(url)
    assert (t.host, t.port, t.username, t.starttls, t.implicit_tls) == expected


@pytest.mark.parametrize("url", ["http://h", "smtp://", "smtp://h:port"])
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        mail.parse_smtp_url(url)


def test_header_injection_in_the_recipient_is_refused(tmp_path: Path) -> None:
    with pytest.raises(mail.MailError):
        mail.send(Settings(var_dir=tmp_path), mail.Mail("a@b.org\nBcc: x@y.org", "s", "b"))
