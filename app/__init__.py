"""Vielstimmig: online participation and consultation.

The application factory reads as a list of named steps; it touches no database.
"""
from __future__ import annotations

import importlib
import os

from flask import Flask

from config import configs


def create_app(config: str | type | object | None = None) -> Flask:
    """Create the application from a config name (``development``, ``testing``,
    ``production``), a config class or object; ``FLASK_CONFIG`` when none is given."""
    app = Flask(__name__, instance_relative_config=True)
    if config is None:
        config = os.environ.get("FLASK_CONFIG", "development")
    if isinstance(config, str):
        if config not in configs:
            raise RuntimeError(f"Unknown configuration {config!r}; use one of {sorted(configs)}")
        config = configs[config]
    app.config.from_object(config)
    _check_config(app)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_proxy_fix(app)
    _init_extensions(app)
    _register_blueprints(app)
    _init_rate_limits(app)
    _register_cli(app)

    from app.core import errors, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)
    return app


def _check_config(app: Flask) -> None:
    if app.config.get("REQUIRE_SECRET_KEY") and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the environment variable SECRET_KEY to a long random "
            "value (for example: python -c 'import secrets; print(secrets.token_hex(32))') "
            "or use FLASK_CONFIG=development for local work."
        )
    from app.i18n.languages import KNOWN_LANGUAGES

    unknown = [code for code in app.config["LANGUAGES"] if code not in KNOWN_LANGUAGES]
    if unknown or not app.config["LANGUAGES"]:
        raise RuntimeError(f"LANGUAGES contains unsupported codes: {unknown}")


def _init_proxy_fix(app: Flask) -> None:
    """Behind a reverse proxy, believe the X-Forwarded-* headers its hops set (``PROXY_FIX_X_FOR``
    etc.): the client address that rate limits count by, https for secure cookies. Off by default."""
    hops = {f"x_{name}": app.config.get(f"PROXY_FIX_X_{name.upper()}") or 0
            for name in ("for", "proto", "host", "port", "prefix")}
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)


def _init_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, login_manager, migrate
    from app.i18n.locale import init_url_language, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_url_language(app)
    # Every model registered for Alembic and the relationships (``import app.models`` here would
    # rebind the name ``app``).
    importlib.import_module("app.models")


def _register_blueprints(app: Flask) -> None:
    from app.accounts.routes import bp as accounts_bp
    from app.api.routes import bp as api_bp
    from app.consultations.admin import bp as staff_bp
    from app.consultations.routes import bp as consultations_bp
    from app.contributions.offline_routes import bp as offline_bp
    from app.contributions.routes import bp as contributions_bp
    from app.core.pages import bp as pages_bp
    from app.i18n.routes import bp as i18n_bp
    from app.moderation.routes import bp as moderation_bp
    from app.organisations.routes import bp as organisations_bp
    from app.organisations.cohost_routes import bp as cohost_bp

    app.register_blueprint(i18n_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(contributions_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(cohost_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(importlib.import_module("app.organisations.statement_routes").bp)  # statements
    app.register_blueprint(importlib.import_module("app.events.routes").bp)  # events
    app.register_blueprint(importlib.import_module("app.analysis.theme_routes").bp)  # analysis: themes
    app.register_blueprint(importlib.import_module("app.analysis.routes").bp)  # analysis: summaries, exports


def _init_rate_limits(app: Flask) -> None:
    """Limits by endpoint name, so they need the blueprints registered first."""
    from app.core.limits import init_limits

    init_limits(app)


def _register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)

