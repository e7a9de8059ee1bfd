"""The master key and what is derived from it: session signing, field cipher, blind indexes.

The key comes from ``HRH_SECRET_KEY`` or a key file (``HRH_KEY_FILE``, default
``var/secret.key``). When neither exists, a key file is created on first use (mode 0600)
with a warning: back it up, since encrypted personal fields cannot be read without it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hrh.config import Settings
from hrh.errors import ConfigError

log = logging.getLogger(__name__)
_PREFIX = "v1:"


def _decode(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise ConfigError(f"{where} is not URL-safe base64.", hint=_HINT) from exc
    if len(raw) != 32:
        raise ConfigError(f"{where} must decode to 32 bytes, got {len(raw)}.", hint=_HINT)
    return raw


_HINT = (
    'Generate one with: python -c "import base64,os;'
    'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
)


def master_key(settings: Settings) -> bytes:
    """Return the 32-byte master key, creating a key file when none is configured."""
    if settings.secret_key is not None:
        return _decode(settings.secret_key.get_secret_value(), "HRH_SECRET_KEY")
    path = settings.key_file or settings.var_dir / "secret.key"
    if path.exists():
        return _decode(path.read_text(encoding="ascii"), str(path))
    if settings.key_file is not None:
        raise ConfigError(f"Key file {path} does not exist.", hint=_HINT)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(base64.urlsafe_b64encode(key).decode() + "\n")
    log.warning(
        "No HRH_SECRET_KEY or HRH_KEY_FILE configured: created a new key file at %s. "
        "Back it up: personal fields encrypted with it cannot be read without it.",
        path,
    )
    return key


def derive(master: bytes, purpose: str) -> bytes:
    """Derive an independent 32-byte key for ``purpose`` (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        master
    )


@dataclass(frozen=True)
class FieldCipher:
    """Encrypts personal fields at rest with AES-256-GCM (random nonce, versioned text).

    >>> c = FieldCipher(bytes(32))
    >>> token = c.encrypt("Ama Mensah")
    >>> token.startswith("v1:"), "Ama" in token, c.decrypt(token)
    (True, False, 'Ama Mensah')
    """

    key: bytes

    def encrypt(self, plain: str, context: str = "") -> str:
        """Return ``v1:<base64(nonce + ciphertext)>``; ``context`` binds it to a field."""
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.key).encrypt(nonce, plain.encode(), context.encode() or None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, context: str = "") -> str:
        """Return the plain text.

        Raises:
            ConfigError: when the text was not encrypted with this key (or was altered).
        """
        if not token.startswith(_PREFIX):
            raise ConfigError("Not an encrypted field (missing version prefix).")
        raw = base64.urlsafe_b64decode(token[len(_PREFIX) :].encode())
        try:
            plain = AESGCM(self.key).decrypt(raw[:12], raw[12:], context.encode() or None)
        except InvalidTag:
            raise ConfigError(
                "An encrypted field cannot be read with the configured key (or was altered).",
                hint="Check HRH_SECRET_KEY / HRH_KEY_FILE.",
            ) from None
        return plain.decode()


def field_cipher(settings: Settings) -> FieldCipher:
    """Return the cipher for personal fields."""
    return FieldCipher(derive(master_key(settings), "hrh field encryption v1"))


def session_key(settings: Settings) -> bytes:
    """Return the key that signs web session cookies and CSRF tokens."""
    return derive(master_key(settings), "hrh web sessions v1")


@dataclass(frozen=True)
class BlindIndex:
    """A keyed hash (HMAC-SHA256) of a personal field, to look it up without storing it.

    Equal inputs give equal indexes under one key; without the key an index reveals nothing
    and cannot be checked against guesses.

    >>> index = BlindIndex(bytes(32))
    >>> index.of("ama@example.org") == index.of("ama@example.org"), len(index.of("x"))
    (True, 64)
    >>> index.of("ama@example.org") == BlindIndex(bytes(31) + b"1").of("ama@example.org")
    False
    """

    key: bytes

    def of(self, text: str) -> str:
        """Return the hex HMAC-SHA256 of ``text``."""
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()


def email_index(settings: Settings) -> BlindIndex:
    """Return the blind index of account e-mail addresses."""
    return BlindIndex(derive(master_key(settings), "hrh email index v1"))


def throttle_index(settings: Settings) -> BlindIndex:
    """Return the keyed hash that names rate-limit buckets (no client address is stored)."""
    return BlindIndex(derive(master_key(settings), "hrh throttle buckets v1"))
