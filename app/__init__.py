"""Application factory: a table of contents; no I/O at boot (migrations are an explicit deploy step)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import current_user

import config as settings
from app.web.extensions import babel, csrf, db, init_limiter, login_manager, mail, migrate
from app.web.responses import AppResponse

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides the class chosen by ``APP_CONFIG`` (default: development)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    app.response_class = AppResponse
    name = (config or {}).get("APP_CONFIG") or os.environ.get("APP_CONFIG", "development")
    app.config.from_object(settings.CONFIGS[name])
    if config:
        app.config.update(config)
    if name == "production":
        settings.ProductionConfig.check(app.config)
    _development_keys(app)
    register_logging(app)
    register_database(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_headers(app)
    register_commands(app)
    return app


def _development_keys(app: Flask) -> None:
    """Outside production, derive encryption and hash keys from SECRET_KEY when none are configured."""
    from app.web.crypto import development_key

    if not app.config.get("ENCRYPTION_KEYS"):
        app.config["ENCRYPTION_KEYS"] = development_key(app.config["SECRET_KEY"], "encryption")
    if not app.config.get("HASH_KEY"):
        app.config["HASH_KEY"] = development_key(app.config["SECRET_KEY"], "hash")


def register_logging(app: Flask) -> None:
    from app.web.logs import register

    register(app)


def register_database(app: Flask) -> None:
    from app.web.database import engine_options

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'screening.db'}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config["DB_POOL_TIMEOUT"]),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }


def register_extensions(app: Flask) -> None:
    from app import clinic, models  # noqa: F401 - models register the tables
    from app.patient.fragments import current_path, fragment
    from app.staff import sessions  # noqa: F401 - registers the session user loader
    from app.web.i18n import install_template_gettext, select_locale, template_globals
    from app.web.session_cookie import SessionInterface

    app.session_interface = SessionInterface()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    install_template_gettext(app)
    app.context_processor(template_globals)
    app.add_template_global(fragment)
    # The clinic's settings, read only by pages that show one (``app/clinic.py``).
    app.add_template_global(clinic.template_proxy, "clinic")
    app.add_template_filter(clinic.tel, "tel")
    app.add_template_global(current_path)
    # Templates get the user as a lazy proxy: patient pages never look at it, so they never load it.
    login_manager.init_app(app, add_context_processor=False)
    app.add_template_global(current_user, "current_user")
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = None  # sessions are checked server-side instead (app/staff/sessions.py)
    init_limiter(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.api.views import bp as api_bp
    from app.intake.views import bp as intake_bp
    from app.outcomes.patient import bp as check_in_bp
    from app.outcomes.staff import bp as outcomes_bp
    from app.patient.views import bp as patient_bp
    from app.review.views import bp as practitioner_bp
    from app.staff.admin import bp as admin_bp
    from app.staff.signin import bp as auth_bp
    from app.web.field_checks import DatabaseIdConverter
    from app.web.health import bp as health_bp

    app.url_map.converters["id"] = DatabaseIdConverter
    app.register_blueprint(health_bp)
    app.register_blueprint(patient_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(practitioner_bp)
    app.register_blueprint(check_in_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # JSON clients send no cookies; the API changes no session state


def register_errorhandlers(app: Flask) -> None:
    from app.web.errors import register

    register(app)


def register_headers(app: Flask) -> None:
    from app.web.security import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
