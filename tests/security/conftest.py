"""Fixtures for the security tests: the world of objects, and apps of their own (rate limits on,
production settings) on the same database as the session's app."""
from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db as _db
from config import TestingConfig
from tests.conftest import IsolatedClient
from tests.security.world import build_world


@pytest.fixture()
def world(seeded):
    return build_world()


@pytest.fixture()
def make_app(app, db):
    """``make_app(**settings)``: a new app on the test database with these settings. Rate limits
    are on (counted in memory) unless the settings say otherwise; the suite's app keeps them off."""
    created = []

    def _make(base=TestingConfig, **settings):
        config = type("SecurityTestConfig", (base,), {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            **settings,
        })
        fresh = create_app(config)
        fresh.test_client_class = IsolatedClient
        created.append(fresh)
        return fresh

    yield _make
    for fresh in created:
        with fresh.app_context():
            _db.engine.dispose()

