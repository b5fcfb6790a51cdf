"""Flask's signed-cookie session, with its signing serializer built once per key rather than twice per request."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """The same cookies as Flask's default (same salt, serializer and key order); only the serializer is reused.

    Flask builds a ``URLSafeTimedSerializer`` when it opens the session and again when it saves it, and building one
    serializes a probe value to tell text from bytes: about 6% of the cost of a bare page here. The serializer holds
    no per-request state, so one per set of keys serves every request and thread.
    """

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
        return self._serializer(app.secret_key, fallbacks)

    @lru_cache(maxsize=8)  # noqa: B019 - one interface per app, alive as long as the app; a handful of keys at most
    def _serializer(self, secret_key: str | bytes, fallbacks: tuple[str | bytes, ...]) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            [*fallbacks, secret_key],  # itsdangerous expects the current key last
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
