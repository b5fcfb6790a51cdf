"""Staff passwords: Argon2id at OWASP's parameters, length rules only, common passwords refused."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from app.questionnaire import N_

# OWASP Password Storage Cheat Sheet, Argon2id first row: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def problems(password: str, email: str = "") -> list[str]:
    """Why a new password is refused (empty when acceptable). No composition rules, per NIST 800-63B."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(N_("Use at least 8 characters (15 or more is better)."))
    if len(password) > MAX_LENGTH:
        found.append(N_("Use at most 128 characters."))
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        found.append(N_("This password is too common or too easy to guess; choose another."))
    return found


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with weaker parameters than today's."""
    return HASHER.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash to verify against for unknown accounts, so they take as long as known ones."""
    return HASHER.hash("no account has this password")
