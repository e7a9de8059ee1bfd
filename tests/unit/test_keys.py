from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from hrh.config import Settings
from hrh.errors import ConfigError
from hrh.services.keys import FieldCipher, field_cipher, master_key, session_key


def test_key_file_is_created_once_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s = Settings(var_dir=tmp_path)
    with caplog.at_level(logging.WARNING):
        first = master_key(s)
    assert "created a new key file" in caplog.text
    key_path = tmp_path / "secret.key"
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    assert master_key(s) == first
    assert session_key(s) != field_cipher(s).key


def test_key_from_environment_and_bad_keys(tmp_path: Path) -> None:
    key = base64.urlsafe_b64encode(bytes(range(32))).decode()
    s = Settings(var_dir=tmp_path, secret_key=key)
    assert master_key(s) == bytes(range(32))
    assert not (tmp_path / "secret.key").exists()
    with pytest.raises(ConfigError, match="32 bytes"):
        master_key(Settings(var_dir=tmp_path, secret_key="c2hvcnQ="))
    with pytest.raises(ConfigError, match="does not exist"):
        master_key(Settings(var_dir=tmp_path, key_file=tmp_path / "missing.key"))


def test_cipher_detects_wrong_key_tampering_and_context() -> None:
    c = FieldCipher(bytes(32))
    token = c.encrypt("+233 20 000 0000", "profile.phone")
    assert c.decrypt(token, "profile.phone") == "+233 20 000 0000"
    assert c.encrypt("same", "x") != c.encrypt("same", "x")  # random nonce
    with pytest.raises(ConfigError):
        FieldCipher(bytes([1]) * 32).decrypt(token, "profile.phone")
    with pytest.raises(ConfigError):
        c.decrypt(token, "profile.name")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(ConfigError):
        c.decrypt(flipped, "profile.phone")
