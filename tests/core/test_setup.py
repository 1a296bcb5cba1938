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


def demo_counts(db) -> dict:
    """How many of each kind of object the demo creates are in the database."""
    from app.consultations.models import ConsultationUpdate
    from app.contributions.models import InputSession
    from app.events.models import Event
    from app.moderation.models import AuditEntry
    from app.organisations.models import Organisation, Statement, consultation_cohosts

    counts = {model.__name__: count(db, model) for model in (
        Consultation, Contribution, Organisation, Statement, Event, ConsultationUpdate, InputSession, AuditEntry)}
    counts["cohosts"] = db.session.scalar(sa.select(sa.func.count()).select_from(consultation_cohosts))
    return counts


def test_demo_is_idempotent(runner, db):
    assert runner.invoke(args=["demo"]).exit_code != 0 or count(db, Consultation) == 0  # needs seed first
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "created" in result.output
    before = demo_counts(db)
    assert before["Consultation"] == 2 and before["Contribution"] >= 8
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already present" in again.output
    assert demo_counts(db) == before
    languages = set(db.session.scalars(sa.select(Contribution.language)))
    assert {"de", "en", "tr", "ar", "fa"} <= languages


def test_demo_shows_organisations_events_news_and_offline_input(runner, db):
    from app.consultations.models import ConsultationUpdate
    from app.contributions.models import Channel, ContributionStatus, InputSession
    from app.demo import DEMO_ORGANISATION_SLUG, DEMO_SLUG
    from app.events.models import Event
    from app.organisations.models import Organisation, OrganisationStatus, OrganisationType, Statement

    runner.invoke(args=["seed"])
    assert runner.invoke(args=["demo"]).exit_code == 0
    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_ORGANISATION_SLUG))
    assert organisation.status is OrganisationStatus.VERIFIED
    assert organisation.type is OrganisationType.MIGRANT_SELF_ORGANISATION
    assert {"de", "en"} <= set(organisation.description) and "Demo" in organisation.name
    assert organisation in demo.cohosts

    statement = db.session.scalar(sa.select(Statement).where(Statement.consultation_id == demo.id))
    assert statement.organisation_id == organisation.id and statement.attachment_key is None
    assert statement.contribution.channel is Channel.STATEMENT
    assert statement.contribution.status is ContributionStatus.PUBLISHED

    event = db.session.scalar(sa.select(Event).where(Event.consultation_id == demo.id))
    assert event.starts_at > demo.created_at and event.registration_required and event.capacity
    assert event.step_free and event.interpreters and event.interpreter_languages
    assert event.languages == ["de", "tr", "ar"] and event.organisation_id == organisation.id

    update = db.session.scalar(sa.select(ConsultationUpdate).where(ConsultationUpdate.consultation_id == demo.id))
    assert update.published and update.organisation_id == organisation.id and {"de", "en"} <= set(update.title)

    channels = set(db.session.scalars(sa.select(Contribution.channel).where(Contribution.consultation_id == demo.id)))
    assert {Channel.ONLINE, Channel.WORKSHOP, Channel.PAPER, Channel.STATEMENT} <= channels
    offline = db.session.scalars(sa.select(Contribution).where(
        Contribution.channel.in_((Channel.WORKSHOP, Channel.PAPER)))).all()
    assert all(c.input_session_id and c.organisation_id == organisation.id and c.answers for c in offline)
    assert count(db, InputSession) == 2


def test_demo_completes_an_older_database(runner, db):
    """A database with the demo consultation from before the organisation objects gets them once."""
    from app.consultations.models import ConsultationUpdate
    from app.contributions.models import Channel, InputSession
    from app.events.models import Event
    from app.organisations.models import Organisation, Statement, consultation_cohosts

    runner.invoke(args=["seed"])
    runner.invoke(args=["demo"])
    full = demo_counts(db)
    # What an older version left: the consultation, its online contributions and the box only.
    # (Through the session, so that answers go with their contributions also on SQLite.)
    newer = [*db.session.scalars(sa.select(Statement)),
             *db.session.scalars(sa.select(Contribution).where(Contribution.channel != Channel.ONLINE))]
    for model in (Event, ConsultationUpdate, InputSession, Organisation):
        newer.extend(db.session.scalars(sa.select(model)))
    for obj in newer:
        db.session.delete(obj)
    db.session.flush()
    db.session.execute(sa.delete(consultation_cohosts))
    db.session.commit()
    assert demo_counts(db)["Organisation"] == 0

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "created" in result.output
    completed = demo_counts(db)
    # Everything is back; only the audit log has one more entry (the co-hosting, added again).
    assert {**completed, "AuditEntry": full["AuditEntry"]} == full
    assert completed["AuditEntry"] == full["AuditEntry"] + 1
    assert "already present" in runner.invoke(args=["demo"]).output
    assert demo_counts(db) == completed


def test_demo_pages_render(runner, client, db):
    from app.demo import DEMO_ORGANISATION_SLUG
    from app.events.models import Event

    runner.invoke(args=["seed"])
    runner.invoke(args=["demo"])
    html = client.get("/de/consultations/zusammenleben-im-quartier").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and 'lang="fa" dir="rtl"' in html
    assert "Erzählcafé: Stimmen aus Gröpelingen" in html  # the news update
    assert "Quartierswerkstatt" in html  # the event
    assert "Brücken bauen: Vorschläge aus Gröpelingen" in html  # the statement
    assert client.get("/de/consultations/zusammenleben-im-quartier/contribute").status_code == 200
    profile = client.get(f"/en/organisations/{DEMO_ORGANISATION_SLUG}")
    assert profile.status_code == 200 and "bridge builders" in profile.get_data(as_text=True)
    assert "Brückenbauer" in client.get("/de/organisations/").get_data(as_text=True)
    event = db.session.scalar(sa.select(Event))
    assert client.get(f"/ar/events/{event.id}").status_code == 200


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
