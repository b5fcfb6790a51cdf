"""Where a ``?next=`` may send someone: back to this site only (sign-in, a patient's return to their page)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit


def safe_next(target: str | None, default: Callable[[], str] | None = None) -> str | None:
    """Only a path on this site: never another host, a scheme-relative //host, or /\\host.

    Browsers read a backslash as a slash and drop tabs and line breaks inside URLs, so ``/\\evil`` and
    ``/<tab>/evil`` would both lead to another site: any backslash, space or control character is refused.
    """
    if target:
        parts = urlsplit(target)
        plain = all(char.isprintable() and not char.isspace() and char != "\\" for char in target)
        local = plain and target.startswith("/") and not target.startswith("//")
        if local and not parts.scheme and not parts.netloc:
            return target.rstrip("?") or "/"
    return default() if default else None
