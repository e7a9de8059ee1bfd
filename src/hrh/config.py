"""Settings, read from ``HRH_*`` environment variables; built once and passed in."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration.

    Attributes:
        database_url: SQLAlchemy URL; SQLite file under ``var/`` by default.
        var_dir: where the embedded database and other local state live.
        host: address ``hrh serve`` binds to.
        port: port ``hrh serve`` listens on.
        lookback_years: default look-back window for "latest value" queries.
        max_upload_mb: largest file accepted over the API.
        secure_cookies: send session cookies with the Secure flag (on behind HTTPS).
        secret_key: master key (URL-safe base64 of 32 bytes) for sessions and encryption of
            personal fields; never in the repository.
        key_file: where to read the master key when ``secret_key`` is not set (default
            ``<var_dir>/secret.key``, created on first use with a warning).
        smtp_url: outgoing mail server, ``smtp://[user:password@]host[:port][?starttls=true]``
            or ``smtps://…`` for implicit TLS; when unset, mail is written to ``outbox_dir``.
        mail_from: the sender address of every message.
        outbox_dir: where messages go when no SMTP server is configured (default
            ``<var_dir>/outbox``), one RFC 5322 ``.eml`` file each.
        public_url: the address users reach the web observatory at, used in links sent by mail.
        projection_workers: threads of the web server computing queued projection runs (0:
            none; run ``hrh project worker`` processes instead).
    """

    model_config = SettingsConfigDict(env_prefix="HRH_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    lookback_years: int = 7
    max_upload_mb: int = 100
    secure_cookies: bool = False
    secret_key: SecretStr | None = None
    key_file: Path | None = None
    smtp_url: SecretStr | None = None
    mail_from: str = "HRH Observatory <no-reply@localhost>"
    outbox_dir: Path | None = None
    public_url: str = "http://127.0.0.1:8000"
    projection_workers: int = 1

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to ``sqlite:///<var_dir>/hrh.sqlite``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'hrh.sqlite').as_posix()}"
