"""Browser tests: the real app on a free loopback port, driven by Debian's Chromium through Playwright.

The app runs from a background thread with the Werkzeug server against a fresh temporary SQLite
database (migrations, seed, demo, a few accounts and objects for the staff pages). One browser is
started for the whole session; a visitor's and an administrator's browser context are reused.

Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``), the Python package ``playwright``
(in the ``test`` extra) and ``node_modules/axe-core`` (``npm ci``); without them every test here is
skipped with the reason. Never ``playwright install``: no browser is downloaded.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "build" / "screenshots"
HERE = Path(__file__).resolve().parent
VIEWPORT = {"width": 1280, "height": 800}
ADMIN_PASSWORD = secrets.token_urlsafe(16)


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    reasons = []
    if not Path(CHROMIUM).exists():
        reasons.append(f"{CHROMIUM} not found (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("the Python package playwright is missing (pip install -e '.[test]')")
    if not AXE_JS.exists():
        reasons.append("node_modules/axe-core is missing (npm ci)")
    return "; ".join(reasons) or None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say it loudly at the end of the run when the browser tests could not run."""
    reason = missing_requirements()
    if reason:
        terminalreporter.write_sep("=", "browser tests skipped", yellow=True)
        terminalreporter.write_line(f"The browser tests (tests/browser) did not run: {reason}.")


@pytest.fixture(scope="session", autouse=True)
def browser_requirements():
    reason = missing_requirements()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


@dataclass
class Site:
    """The running app and what the tests need to know about its data."""

    app: object
    base: str
    languages: list[str]
    admin_email: str
    admin_password: str
    samples: dict = field(default_factory=dict)  # URL argument name -> value
    extra_paths: dict = field(default_factory=dict)  # page name -> path below /<lang>
    endpoint_args: dict = field(default_factory=dict)  # endpoint -> {argument: value}

    def url(self, lang: str, path: str) -> str:
        return f"{self.base}/{lang}{path}"


def _build_database(app) -> tuple[dict, dict, dict]:
    """Migrations, seed data and demo, plus accounts and objects that staff and error pages show."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.accounts import services as account_services
    from app.accounts.models import Role
    from app.consultations.models import ActionField, ConsultationStatus, ModerationMode, Visibility
    from app.consultations.seed import seed_reference_data
    from app.contributions.models import Contribution, ContributionStatus
    from app.demo import DEMO_SLUG, create_demo
    from app.extensions import db
    from app.moderation.models import Flag, FlagReason
    from config import BASE_DIR
    from tests.factories import make_consultation, make_contribution, make_user

    upgrade(directory=str(BASE_DIR / "migrations"))
    seed_reference_data()
    db.session.commit()
    create_demo()
    db.session.commit()

    from app.consultations.models import Consultation

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    resident = make_user(Role.RESIDENT, email="resident@example.org")
    make_user(Role.MODERATOR, email="moderator@example.org")
    make_user(Role.WORKING_GROUP, email="working-group@example.org")
    closed = make_consultation("closed-consultation", status=ConsultationStatus.CLOSED)
    members_only = make_consultation("members-only", allow_anonymous=False)
    invited = make_consultation("by-invitation", visibility=Visibility.INVITATION)
    premoderated = make_consultation("pre-moderated", moderation=ModerationMode.PRE)
    make_contribution(premoderated, status=ContributionStatus.PENDING)
    published = db.session.scalar(sa.select(Contribution).where(
        Contribution.consultation_id == demo.id, Contribution.status == ContributionStatus.PUBLISHED
    ).order_by(Contribution.id))
    flag = Flag(contribution=published, reason=FlagReason.OFF_TOPIC, comment="Nicht zum Thema <b>x</b>",
                reporter_key="browser-test")
    db.session.add(flag)
    db.session.commit()
    field_ = db.session.scalar(sa.select(ActionField).order_by(ActionField.position))

    samples = {
        "slug": DEMO_SLUG,
        "consultation_id": demo.id,
        "question_id": demo.questions[0].id,
        "field_id": field_.id,
        "contribution_id": published.id,
        "flag_id": flag.id,
        "user_id": resident.id,
    }
    endpoint_args = {
        "consultations.action_field": {"slug": field_.slug},
        "consultations.invitation": {"token": invited.invite_token},
        "accounts.reset": {"token": account_services.password_reset_token(resident)},
    }
    extra_paths = {
        "contribute-closed": f"/consultations/{closed.slug}/contribute",
        "contribute-login-required": f"/consultations/{members_only.slug}/contribute",
        "reset-invalid": "/account/reset/not-a-valid-token",
        "not-found": "/no-such-page",
    }
    # Each area adds its own objects and arguments in tests/browser/samples_*.py.
    import importlib
    import pkgutil

    import tests.browser as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("samples_"):
            more_samples, more_args, more_paths = importlib.import_module(f"tests.browser.{info.name}").build()
            db.session.commit()
            samples.update(more_samples)
            endpoint_args.update(more_args)
            extra_paths.update(more_paths)
    return samples, endpoint_args, extra_paths


@pytest.fixture(scope="session")
def site(browser_requirements):
    """The app served on a free 127.0.0.1 port from a background thread."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from app import create_app
    from app.extensions import db
    from config import TestingConfig

    workdir = Path(tempfile.mkdtemp(prefix="vielstimmig-browser-"))

    class BrowserConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'browser.sqlite'}"
        WTF_CSRF_ENABLED = True

    app = create_app(BrowserConfig)
    admin_email = "admin@example.org"
    with app.app_context():
        samples, endpoint_args, extra_paths = _build_database(app)
        from tests.factories import make_user

        make_user("admin", email=admin_email, password=ADMIN_PASSWORD)
        db.session.remove()

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(app=app, base=f"http://127.0.0.1:{server.server_port}", languages=list(app.config["LANGUAGES"]),
                   admin_email=admin_email, admin_password=ADMIN_PASSWORD, samples=samples,
                   extra_paths=extra_paths, endpoint_args=endpoint_args)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_instance(browser_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """The one Chromium of the session (Debian's, never a downloaded one)."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def new_context(browser, **options):
    """A fresh context: its own cookies, the test viewport, no motion."""
    settings = {"viewport": dict(VIEWPORT), "reduced_motion": "reduce"}
    settings.update(options)
    return browser.new_context(**settings)


def log_in(page, site: Site, email: str, password: str, lang: str = "en") -> None:
    page.goto(site.url(lang, "/account/login"))
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/account/login" not in page.url, "logging in failed"


@pytest.fixture(scope="session")
def visitor_context(browser):
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture(scope="session")
def admin_context(browser, site):
    context = new_context(browser)
    page = context.new_page()
    log_in(page, site, site.admin_email, site.admin_password)
    page.close()
    yield context
    context.close()


@pytest.fixture()
def fresh_context(browser):
    """A context of its own for one test (cookies, language choice and JavaScript setting)."""
    contexts = []

    def _make(**options):
        context = new_context(browser, **options)
        contexts.append(context)
        return context

    yield _make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
