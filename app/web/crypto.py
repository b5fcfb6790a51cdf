"""Field-level authenticated encryption and keyed hashes for personal data at rest.

Keys come from configuration: ``ENCRYPTION_KEYS`` (Fernet keys, comma-separated, newest first; older keys still
decrypt until ``flask keys rotate`` has re-encrypted every row) and ``HASH_KEY`` (HMAC key for exact-match search).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


def _keys() -> MultiFernet:
    raw = current_app.config["ENCRYPTION_KEYS"]
    keys = [k.strip() for k in raw.split(",") if k.strip()] if isinstance(raw, str) else list(raw)
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(text: str) -> bytes:
    return _keys().encrypt(text.encode())


def decrypt(token: bytes) -> str:
    return _keys().decrypt(token).decode()


def rotate(token: bytes) -> bytes:
    """Re-encrypt with the newest key (a no-op in meaning; the ciphertext changes)."""
    return _keys().rotate(token)


def keyed_hash(value: str) -> str:
    """A stable, keyed digest for exact-match search without storing the value in clear."""
    key = current_app.config["HASH_KEY"]
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def development_key(secret: str, purpose: str) -> str:
    """A deterministic key for development and tests only; production refuses to start without real keys."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()
