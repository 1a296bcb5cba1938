"""Configuration classes, read from the environment.

Pick one with ``FLASK_CONFIG`` (``development``, ``testing``, ``production``) or pass a
class or name to :func:`app.create_app`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'vielstimmig.sqlite'}"
    )
    # Keep non-ASCII text readable inside JSON columns (and searchable with LIKE).
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "json_serializer": lambda obj: json.dumps(obj, ensure_ascii=False),
    }
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # Interface languages: the first is the default. Codes must have a catalogue in translations/.
    LANGUAGES = [c.strip() for c in os.environ.get("LANGUAGES", "de,en,tr,ar,ru,uk,pl,fa").split(",") if c.strip()]
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # A contribution form never needs more; larger bodies are refused with 413.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 512 * 1024))
    MAX_ANSWER_LENGTH = 5000
    PER_PAGE = 20
    API_MAX_PER_PAGE = 100

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 6 * 3600

    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Vielstimmig <noreply@localhost>")

    REQUIRE_SECRET_KEY = True
    SECURE_HEADERS_HSTS = False

    # --- Background jobs and machine translation (app/core/jobs.py, app/i18n/providers.py) ---
    # Jobs go to this RQ queue when REDIS_URL is set; without it they run inline.
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "vielstimmig")
    # none (no machine translation), libretranslate or openai (any OpenAI-compatible endpoint).
    TRANSLATION_PROVIDER = os.environ.get("TRANSLATION_PROVIDER", "none").strip().lower() or "none"
    TRANSLATION_URL = os.environ.get("TRANSLATION_URL") or None
    TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY") or None
    TRANSLATION_MODEL = os.environ.get("TRANSLATION_MODEL") or None
    TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT", 20))  # seconds per request
    # Languages every contribution is translated into (the working group reads German).
    TRANSLATION_TARGETS = [c.strip() for c in os.environ.get("TRANSLATION_TARGETS", "de").split(",") if c.strip()]
    # Waits (seconds) before each inline retry after a transient provider error.
    TRANSLATION_RETRY_WAITS = [float(s) for s in os.environ.get("TRANSLATION_RETRY_WAITS", "0.5,1,2").split(",")
                               if s.strip()]


class DevelopmentConfig(Config):
    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    REQUIRE_SECRET_KEY = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    REQUIRE_SECRET_KEY = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = None
    SERVER_NAME = None
    # Tests that need Redis read REDIS_URL from the environment themselves and use their own queues.
    REDIS_URL = None


class ProductionConfig(Config):
    # Host names this site answers to (comma-separated); links in mails are built from the request's
    # host, so production must not trust any Host header.
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECURE_HEADERS_HSTS = True
    PREFERRED_URL_SCHEME = "https"


configs = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
