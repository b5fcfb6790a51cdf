"""Extensions, created unbound and bound to an app in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
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
# Storage comes from RATELIMIT_STORAGE_URI (memory:// by default; Redis in production, since memory is per process).
# Flask-Limiter 4 looks at every request in before_request (3.x's auto_check switch is gone) and again in the view of a
# @limiter.limit route; a route's own limit is counted once, in the view. A limit on a blueprint is checked only before
# the request, but resolving it costs as much as the second look, so routes keep their decorators.
limiter = Limiter(key_func=get_remote_address)
