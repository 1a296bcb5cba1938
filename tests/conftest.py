"""Fixtures: a real database per test session (SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set), built by the Alembic migrations, emptied after each test."""
from __future__ import annotations

import contextvars
import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db
from config import BASE_DIR, TestingConfig

MIGRATIONS = str(BASE_DIR / "migrations")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, so a request never shares the test's app
    context (``g``, the SQLAlchemy session) the way a real server's requests never do."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(tmp_path_factory)
        WTF_CSRF_ENABLED = True

    application = create_app(Config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            with _db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade(directory=MIGRATIONS)
    yield application


@pytest.fixture()
def db(app):
    """The database, inside an app context; every row is deleted after the test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture()
def seeded(db):
    """The 13 action fields and the departments."""
    from app.consultations.seed import seed_reference_data

    seed_reference_data()
    db.session.commit()
    return db


@pytest.fixture()
def login_as(client, db):
    """Log the test client in as a new user with ``role`` (a Role or its value); returns the user."""
    from tests.factories import make_user

    def _login(role="resident", **kwargs):
        user = make_user(role=role, **kwargs)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture()
def csrf_token(client):
    """A valid CSRF token for the test client's session (fetch any page with a form first)."""
    from tests.helpers import get_csrf_token

    def _token(path="/de/"):
        return get_csrf_token(client, path)

    return _token
