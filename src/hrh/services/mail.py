"""Outgoing mail: one small interface, an SMTP sender and a local outbox.

Services build a :class:`Mail` and hand it to :func:`send`; the transport comes from the
settings. With ``HRH_SMTP_URL`` set, messages go to that server (plain, STARTTLS or implicit
TLS); without it they are written to ``<var_dir>/outbox`` as ``.eml`` files, so a fresh
installation works offline and an administrator can read what would have been sent.

Bodies may name a person: they are never logged. Errors name the server, never its password.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from hrh.config import Settings
from hrh.errors import ConfigError, HrhError

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}


class MailError(HrhError):
    """A message could not be handed to the mail server."""

    code = "mail_failed"
    status = 502


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one recipient."""

    to: str
    subject: str
    body: str


class Transport(Protocol):
    """Where messages go."""

    def deliver(self, message: EmailMessage) -> None:
        """Hand one message over (raises :class:`MailError` on failure)."""


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP server, with optional STARTTLS or implicit TLS and login."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 10.0

    def deliver(self, message: EmailMessage) -> None:
        """Send the message; connection or protocol failures become :class:`MailError`."""
        where = f"{self.host}:{self.port}"
        try:
            client: smtplib.SMTP
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"The mail server {where} did not accept the message ({type(exc).__name__}).",
                hint="Check HRH_SMTP_URL (host, port, TLS mode and credentials).",
            ) from None
        log.info("mail handed to %s", where)


@dataclass(frozen=True)
class OutboxTransport:
    """A directory of ``.eml`` files, used when no SMTP server is configured."""

    directory: Path

    def deliver(self, message: EmailMessage) -> None:
        """Write the message atomically as ``<timestamp>-<id>.eml``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        final = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        partial.replace(final)
        log.info("mail written to the outbox %s", self.directory)


def transport_from_settings(settings: Settings) -> Transport:
    """Return the SMTP transport named by ``HRH_SMTP_URL``, or the outbox."""
    if settings.smtp_url is None or not settings.smtp_url.get_secret_value():
        return OutboxTransport(settings.outbox_dir or settings.var_dir / "outbox")
    return parse_smtp_url(settings.smtp_url.get_secret_value())


def parse_smtp_url(url: str) -> SmtpTransport:
    """Parse ``smtp://[user:password@]host[:port][?starttls=true]`` or ``smtps://…``."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ConfigError(
            "HRH_SMTP_URL must look like smtp://user:password@host:587?starttls=true "
            f"or smtps://host:465; got a URL with scheme {parts.scheme!r}.",
        )
    implicit = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[0].lower() in _TRUE
    try:
        port = parts.port or (465 if implicit else 25)
    except ValueError:
        raise ConfigError("HRH_SMTP_URL has a port that is not a number.") from None
    return SmtpTransport(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls,
        implicit_tls=implicit,
    )


def compose(mail: Mail, sender: str) -> EmailMessage:
    """Build the RFC 5322 message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="hrh.invalid")
    message.set_content(mail.body)
    return message


def send(settings: Settings, mail: Mail, transport: Transport | None = None) -> None:
    """Send one message through the configured transport."""
    if "\n" in mail.to or "\r" in mail.to or "@" not in mail.to:
        raise MailError("The recipient is not a single e-mail address.")
    (transport or transport_from_settings(settings)).deliver(compose(mail, settings.mail_from))
