"""Configuration, the CLI set-up commands and the migrations."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.consultations.models import ActionField, Consultation, Department
from app.contributions.models import Contribution
from config import ProductionConfig
from tests.helpers import count


def test_production_requires_secret_key(monkeypatch):
    class NoSecret(ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(NoSecret)


def test_production_cookie_and_hsts_settings():
    class Prod(ProductionConfig):
        SECRET_KEY = "x" * 32
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/api/v1/openapi.json")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_unknown_config_name():
    with pytest.raises(RuntimeError, match="Unknown configuration"):
        create_app("nonsense")


def test_seed_is_idempotent_and_complete(runner, db):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "13 action fields" in first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0 and "0 action fields" in second.output
    assert count(db, ActionField) == 13
    assert count(db, Department) == 13
    fields = db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).all()
    assert [f.slug for f in fields][:3] == ["language", "political-participation", "neighbourhoods"]
    assert all(f.name.get("de") and f.name.get("en") for f in fields)


def test_seed_keeps_translations_added_by_staff(runner, db):
    runner.invoke(args=["seed"])
    field = db.session.scalars(sa.select(ActionField).where(ActionField.slug == "language")).one()
    field.name = {**field.name, "tr": "Dil edinimi"}
    field.description = {**field.description, "de": "Von der Redaktion geändert"}
    db.session.commit()
    runner.invoke(args=["seed"])
    db.session.refresh(field)
    assert field.name["tr"] == "Dil edinimi"
    assert field.description["de"] == "Von der Redaktion geändert"


def test_demo_is_idempotent(runner, db):
    assert runner.invoke(args=["demo"]).exit_code != 0 or count(db, Consultation) == 0  # needs seed first
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "created" in result.output
    consultations, contributions = count(db, Consultation), count(db, Contribution)
    assert consultations == 2 and contributions >= 8
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already present" in again.output
    assert (count(db, Consultation), count(db, Contribution)) == (consultations, contributions)
    languages = set(db.session.scalars(sa.select(Contribution.language)))
    assert {"de", "en", "tr", "ar", "fa"} <= languages


def test_demo_pages_render(runner, client, db):
    runner.invoke(args=["seed"])
    runner.invoke(args=["demo"])
    html = client.get("/de/consultations/zusammenleben-im-quartier").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and 'lang="fa" dir="rtl"' in html
    assert client.get("/de/consultations/zusammenleben-im-quartier/contribute").status_code == 200


def test_migrations_match_models_and_downgrade(app, db):
    """The migrated schema equals the models; downgrade to nothing works; upgrade again."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    from tests.conftest import MIGRATIONS

    db.session.remove()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
    downgrade(directory=MIGRATIONS, revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=MIGRATIONS)
    assert {"contributions", "answers", "consultations"} <= set(sa.inspect(db.engine).get_table_names())
