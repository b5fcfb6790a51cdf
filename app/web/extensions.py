"""Extensions, created unbound and bound to an app in ``create_app``."""

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so Alembic (and SQLite batch migrations) can refer to them.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Objects stay usable after commit: a page rendered after saving must not fail (or re-query) because of it.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Outgoing mail, used only by the outbox worker (app/web/outbox.py): requests write mail to the outbox table.
mail = Mail()
# Storage comes from RATELIMIT_STORAGE_URI (memory:// by default; Redis in production, since memory is per process).
# Every limit is a route's own @limiter.limit, which Flask-Limiter checks in the view (see init_limiter).
limiter = Limiter(key_func=get_remote_address)

# Limits that only Flask-Limiter's app-wide before_request hook would apply.
_APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")
# Redis answers in well under a millisecond; one that stops answering must not hold a request for minutes.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


def init_limiter(app: Flask) -> None:
    """Bind the limiter; drop its app-wide check when no app-wide limit is configured.

    Flask-Limiter 4 looks at every request before the view to apply default, application and meta limits, and checks
    a route's decorated limits again inside the view. With no app-wide limits the first look finds nothing, yet it was
    a fifth of the cost of a bare page here, paid by every patient page. Set any of ``_APP_WIDE_LIMITS`` and it stays.

    While shared storage (Redis) is unreachable, limits are counted in this process's memory instead of failing the
    request (a patient's intake, a sign-in): Flask-Limiter tries the storage again with a growing pause and goes
    back to it once it answers.
    """
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", REDIS_TIMEOUTS)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # The one Limiter serves every app made in this process (tests make many), and it keeps the default and application
    # limits of the first app that configured any: start each app from its own configuration instead.
    limiter.limit_manager.set_default_limits([])
    limiter.limit_manager.set_application_limits([])
    limiter.init_app(app)
    if not any(app.config.get(name) for name in _APP_WIDE_LIMITS):
        app.before_request_funcs[None].remove(limiter._check_request_limit)
