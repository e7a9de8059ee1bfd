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

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to ``sqlite:///<var_dir>/hrh.sqlite``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'hrh.sqlite').as_posix()}"
