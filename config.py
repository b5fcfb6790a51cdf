"""Configuration classes, chosen by ``APP_CONFIG`` or passed to ``create_app``.

Secrets and the database come from the environment. With nothing set the app runs on a SQLite file in the
instance folder with a development key, so a fresh clone works without any set-up.
"""

from __future__ import annotations

import base64
import logging
import os
from datetime import timedelta
from typing import ClassVar

# Public on purpose: good enough for a development machine, refused by production.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


def _flag(name: str) -> bool:
    """An on/off setting from the environment: 1, true, yes or on (any case) mean on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # None means "a SQLite file in the instance folder", resolved by the factory once the path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # Keep bound values (names, contact details, answers) out of SQL error messages, which end up in logs.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"hide_parameters": True}
    MAX_CONTENT_LENGTH = 256 * 1024  # the largest honest questionnaire is a few kilobytes
    MAX_FORM_PARTS = 500
    # A slow patient must never lose answers to an expired CSRF token: the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_Hans")
    DRAFT_LIFETIME = timedelta(days=int(os.environ.get("DRAFT_LIFETIME_DAYS", "30")))
    # Intake (app/intake/views.py): phone numbers without a country code are read as this region's (ISO 3166 code).
    PHONE_REGION = os.environ.get("PHONE_REGION", "GB")
    # Retention, enforced by `flask purge`: plain self-checks, and intake after its case is closed (or sent).
    SCREEN_RETENTION_DAYS = int(os.environ.get("SCREEN_RETENTION_DAYS", "30"))
    INTAKE_RETENTION_DAYS = int(os.environ.get("INTAKE_RETENTION_DAYS", "365"))
    # Public forms, per client address; a person refused by a limit keeps what they typed.
    SCREENING_START_LIMIT = "30 per hour"
    SCREENING_STEP_LIMIT = "600 per hour"
    INTAKE_SEND_LIMIT = "10 per hour"
    INTAKE_WITHDRAW_LIMIT = "10 per hour"
    CHECK_IN_LIMIT = "60 per hour"
    # Stored assessments through the API, per client address (an integration with more traffic raises it).
    API_SUBMIT_LIMIT = os.environ.get("API_SUBMIT_LIMIT", "300 per hour")
    # An intake form posted sooner than this after it was shown is asked to be sent again (automated posts).
    INTAKE_MIN_SECONDS = 3
    # Database outages answer 503 quickly instead of queueing requests behind a dead pool.
    DB_POOL_TIMEOUT = 5
    TESTING = False
    DEBUG = False
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Staff sign-in: per client address and per account (the same answer for unknown accounts).
    SIGN_IN_LIMIT_PER_IP = os.environ.get("SIGN_IN_LIMIT_PER_IP", "20 per 10 minutes")
    SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 10 minutes")
    STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("STAFF_IDLE_MINUTES", "30")))
    STAFF_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("STAFF_SESSION_HOURS", "12")))
    REQUIRE_TWO_FACTOR = os.environ.get("REQUIRE_TWO_FACTOR", "1") == "1"
    # Flask-Login's remember-me cookie would outlive every timeout above; sign-in never sets it (app/staff/sessions.py).
    REMEMBER_COOKIE_DURATION = timedelta(0)
    # Proxies in front of the app (a load balancer, nginx): their X-Forwarded-* headers are believed, no others.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Host names the app answers to (comma-separated); any other Host header is answered 400.
    TRUSTED_HOSTS = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None
    # Sent only where the site is served over HTTPS (production).
    HSTS: str | None = None
    # Personal data at rest (see app/web/crypto.py). Unset: keys derived from SECRET_KEY, for development only.
    ENCRYPTION_KEYS = os.environ.get("ENCRYPTION_KEYS")
    HASH_KEY = os.environ.get("HASH_KEY")
    # Outgoing mail, Flask-Mailman's settings. Requests only write mail to the outbox table; the worker
    # (`flask outbox send`, app/web/outbox.py) sends it. SMTP under testing too (Flask-Mailman would keep it in memory).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "clinic@localhost")
    # Seconds to wait for the mail server: a server that hangs must not hold the worker (or its claims) for long.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    # Where links in mail point: the site as people reach it, never the Host header of the request that wrote the mail.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")
    # The outbox worker: retries wait OUTBOX_RETRY_SECONDS, doubling each time up to OUTBOX_RETRY_CAP_SECONDS; after
    # OUTBOX_MAX_ATTEMPTS a mail is "failed" and waits for an admin (/admin/outbox). A mail a worker has claimed is
    # left to it for OUTBOX_LEASE_SECONDS (longer than any send can take), then another worker may take it over.
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
    OUTBOX_RETRY_CAP_SECONDS = int(os.environ.get("OUTBOX_RETRY_CAP_SECONDS", "3600"))
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
    # Sent and failed mail is deleted by `flask purge` this long after it was written.
    OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "30"))
    # The outcomes overview shows no number for a group of fewer people than this (docs/outcomes.md).
    OUTCOME_MIN_GROUP = int(os.environ.get("OUTCOME_MIN_GROUP", "5"))


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    REQUIRE_TWO_FACTOR = False  # tests of two-factor sign-in switch it on
    SECRET_KEY = "testing-key"  # noqa: S105 - fixed so tests are repeatable
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    WTF_CSRF_ENABLED = False
    # Tests post quickly and often; the tests of these limits set their own.
    SCREENING_START_LIMIT = SCREENING_STEP_LIMIT = INTAKE_SEND_LIMIT = INTAKE_WITHDRAW_LIMIT = "100000 per hour"
    CHECK_IN_LIMIT = "100000 per hour"
    API_SUBMIT_LIMIT = "100000 per hour"
    INTAKE_MIN_SECONDS = 0
    # No outbound mail from tests, whatever the environment says: nothing listens on port 1, and the outbox tests
    # point these at an SMTP server of their own on this machine.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1
    MAIL_USERNAME = MAIL_PASSWORD = None
    MAIL_USE_TLS = MAIL_USE_SSL = False
    PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this host only, on path /.
    SESSION_COOKIE_NAME = "__Host-session"
    HSTS = "max-age=63072000; includeSubDomains"
    PREFERRED_URL_SCHEME = "https"

    @staticmethod
    def check(settings: dict[str, object]) -> None:
        """Refuse to start production with the development key or none at all."""
        key = settings.get("SECRET_KEY")
        if not isinstance(key, str) or len(key) < 32 or key == DEVELOPMENT_SECRET_KEY:
            raise RuntimeError("Set SECRET_KEY to a random value of at least 32 characters.")
        if not settings.get("ENCRYPTION_KEYS") or not settings.get("HASH_KEY"):
            raise RuntimeError("Set ENCRYPTION_KEYS and HASH_KEY (see `flask keys generate`).")
        keys = settings["ENCRYPTION_KEYS"]
        keys = [k.strip() for k in keys.split(",") if k.strip()] if isinstance(keys, str) else keys
        if not isinstance(keys, list | tuple) or not keys or not all(_is_fernet_key(k) for k in keys):
            raise RuntimeError(
                "ENCRYPTION_KEYS must be Fernet keys (32 bytes, URL-safe base64), comma-separated, newest first: "
                "see `flask keys generate`."
            )
        hash_key = settings["HASH_KEY"]
        if not isinstance(hash_key, str) or len(hash_key) < 32:
            raise RuntimeError(
                "Set HASH_KEY to a random value of at least 32 characters (`flask keys generate --hash-key`)."
            )
        if not str(settings.get("PUBLIC_BASE_URL", "")).startswith("https://"):
            # Not refused: a site can run before its mail is set up. Links in mail would point at the wrong place.
            logging.getLogger("app.config").warning(
                "PUBLIC_BASE_URL is not an https:// address: links in notification mail will not reach the site; "
                "set it to the address people use, e.g. https://clinic.example."
            )
        if str(settings.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            # Not refused: one worker process is a valid deployment. With more, each counts on its own.
            logging.getLogger("app.config").warning(
                "RATELIMIT_STORAGE_URI is memory://: sign-in limits are counted per worker process; "
                "with more than one worker, point it at Redis (redis://host:6379/0) with the redis extra installed "
                "(docs/deploy.md)."
            )


def _is_fernet_key(key: object) -> bool:
    """A key ``cryptography.fernet.Fernet`` accepts, checked without importing it into the configuration."""
    try:
        return isinstance(key, str) and len(base64.urlsafe_b64decode(key.encode())) == 32
    except ValueError:
        return False


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
