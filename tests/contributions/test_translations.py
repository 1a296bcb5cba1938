"""Translations of contributions: the machine translation job against a real local
LibreTranslate/OpenAI-compatible server, human translations and corrections, the CLI."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from app.contributions.models import ContributionTranslation, TranslationSource
from app.contributions.translations import (
    TranslationRefused,
    add_human_translation,
    machine_translate_contribution,
    register_cli,
    schedule_machine_translation,
    translation_history,
)
from tests.factories import make_consultation, make_contribution, make_user
from tests.helpers import count
from tests.i18n.test_providers import FakeTranslationServer

TEXT = "Mahallemizde gençler için daha fazla buluşma yeri olmalı."


def configure(app, monkeypatch, **settings):
    """Machine translation settings for one test (restored afterwards); jobs run inline."""
    values = {"TRANSLATION_PROVIDER": "libretranslate", "TRANSLATION_URL": None, "TRANSLATION_API_KEY": None,
              "TRANSLATION_MODEL": None, "TRANSLATION_TIMEOUT": 5, "TRANSLATION_TARGETS": ["de"],
              "TRANSLATION_RETRY_WAITS": [0.01, 0.02, 0.03], "REDIS_URL": None}
    values.update(settings)
    for key, value in values.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture(autouse=True)
def loggers_enabled(monkeypatch):
    """Alembic's fileConfig (run by the session's ``upgrade``) disables loggers that existed before."""
    for name in ("app.contributions.translations", "app.core.jobs"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


@pytest.fixture()
def libre(app, monkeypatch):
    with FakeTranslationServer("libretranslate") as server:
        configure(app, monkeypatch, TRANSLATION_URL=server.url, TRANSLATION_API_KEY="lt-key")
        yield server


@pytest.fixture()
def contribution(db):
    return make_contribution(make_consultation(), TEXT, language="tr")


def stored(db, contribution_id=None, language=None):
    db.session.expire_all()
    query = sa.select(ContributionTranslation).order_by(ContributionTranslation.id)
    if contribution_id is not None:
        query = query.where(ContributionTranslation.contribution_id == contribution_id)
    if language is not None:
        query = query.where(ContributionTranslation.language == language)
    return list(db.session.scalars(query))


# --- Machine translation ----------------------------------------------------------------------

def test_machine_translation_is_stored_beside_the_original(db, libre, contribution):
    assert schedule_machine_translation(contribution.id) is None  # ran inline, no queue

    [translation] = stored(db, contribution.id)
    assert translation.language == "de" and translation.source_language == "tr"
    assert translation.text == f"[de] {TEXT}"
    assert translation.source is TranslationSource.MACHINE
    assert (translation.provider, translation.model) == ("libretranslate", None)
    assert translation.reviewed is False and translation.is_current is True
    assert translation.translator_id is None and translation.based_on_id is None
    assert contribution.text == TEXT and contribution.answers[0].text == TEXT
    assert contribution.current_translation("de") == translation
    [request] = libre.requests
    assert request["json"] == {"q": TEXT, "source": "tr", "target": "de", "format": "text", "api_key": "lt-key"}


def test_openai_provider_stores_its_model(app, db, monkeypatch, contribution):
    with FakeTranslationServer("openai") as server:
        configure(app, monkeypatch, TRANSLATION_PROVIDER="openai", TRANSLATION_URL=server.url,
                  TRANSLATION_MODEL="mistral-small", TRANSLATION_API_KEY="sk-1")
        schedule_machine_translation(contribution.id)
    [translation] = stored(db, contribution.id)
    assert (translation.provider, translation.model, translation.text) == ("openai", "mistral-small", f"[German] {TEXT}")
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-1"
    assert server.requests[0]["json"]["model"] == "mistral-small"


def test_every_target_but_the_original_language(app, db, libre, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSLATION_TARGETS", ["de", "en"])
    consultation = make_consultation()
    german = make_contribution(consultation, "Mehr Bänke am Weserufer", language="de")
    unknown = make_contribution(consultation, "…", language="und")

    outcome = machine_translate_contribution(german.id)
    assert (outcome.created, outcome.skipped, outcome.failed) == (["en"], [], [])
    machine_translate_contribution(unknown.id)

    assert [t.language for t in stored(db, german.id)] == ["en"]
    assert [(t.language, t.source_language) for t in stored(db, unknown.id)] == [("de", "und"), ("en", "und")]
    assert [(r["json"]["source"], r["json"]["target"]) for r in libre.requests] == [
        ("de", "en"), ("auto", "de"), ("auto", "en")]


def test_running_twice_creates_nothing_new(db, libre, contribution):
    machine_translate_contribution(contribution.id)
    outcome = machine_translate_contribution(contribution.id)
    schedule_machine_translation(contribution.id)

    assert outcome.created == [] and outcome.skipped == ["de"]
    assert len(stored(db, contribution.id)) == 1
    assert len(libre.requests) == 1


def test_a_human_translation_is_never_overwritten(db, libre, contribution):
    add_human_translation(contribution, "de", "Von Hand übersetzt", make_user(role="moderator"))
    db.session.commit()
    machine_translate_contribution(contribution.id)
    assert [t.source for t in stored(db, contribution.id)] == [TranslationSource.HUMAN]
    assert libre.requests == []


def test_nothing_happens_without_a_provider(app, db, monkeypatch, contribution):
    configure(app, monkeypatch, TRANSLATION_PROVIDER="none")
    assert schedule_machine_translation(contribution.id) is None
    assert machine_translate_contribution(contribution.id).created == []
    assert stored(db) == []


def test_contribution_without_text_or_gone(db, libre):
    empty = make_contribution(make_consultation(), "", language="tr")
    assert machine_translate_contribution(empty.id).created == []
    assert machine_translate_contribution(999_999).created == []
    assert stored(db) == [] and libre.requests == []


# --- Provider failures ------------------------------------------------------------------------

def test_server_error_then_success_is_retried(db, libre, contribution):
    libre.script((500, {"error": "busy"}), (503, {"error": "busy"}))
    schedule_machine_translation(contribution.id)
    assert [t.text for t in stored(db, contribution.id)] == [f"[de] {TEXT}"]
    assert len(libre.requests) == 3


def test_persistent_server_error_gives_up_quietly(db, libre, contribution, caplog):
    libre.script(*[(500, {"error": "down"})] * 10)
    with caplog.at_level(logging.WARNING):
        assert schedule_machine_translation(contribution.id) is None  # nothing escapes

    assert stored(db) == []
    assert len(libre.requests) == 4  # one attempt and three retries
    assert any("into de failed" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    db.session.expire_all()
    assert contribution.text == TEXT  # the contribution is untouched
    assert count(db, type(contribution)) == 1


def test_client_error_is_not_retried(db, libre, contribution, caplog):
    libre.script((400, {"error": "ti is not supported"}))
    with caplog.at_level(logging.WARNING):
        outcome = machine_translate_contribution(contribution.id)
    assert outcome.failed == ["de"]
    assert stored(db) == [] and len(libre.requests) == 1
    assert "HTTP 400" in caplog.text


def test_malformed_json_stores_nothing(db, libre, contribution):
    libre.script((200, b"<html>proxy error</html>"))
    schedule_machine_translation(contribution.id)
    assert stored(db) == [] and len(libre.requests) == 1


def test_timeout_is_retried_then_given_up(app, db, libre, monkeypatch, contribution):
    monkeypatch.setitem(app.config, "TRANSLATION_TIMEOUT", 0.2)
    libre.script(*[(200, None, 0.6)] * 4)
    schedule_machine_translation(contribution.id)
    assert stored(db) == []
    assert len(libre.requests) == 4


def test_timeout_then_success(app, db, libre, monkeypatch, contribution):
    monkeypatch.setitem(app.config, "TRANSLATION_TIMEOUT", 0.2)
    libre.script((200, None, 0.6))
    schedule_machine_translation(contribution.id)
    assert len(stored(db, contribution.id)) == 1


def test_incomplete_settings_are_logged_not_raised(app, db, monkeypatch, contribution, caplog):
    configure(app, monkeypatch, TRANSLATION_PROVIDER="openai", TRANSLATION_URL="http://127.0.0.1:9")
    with caplog.at_level(logging.WARNING):
        schedule_machine_translation(contribution.id)
    assert stored(db) == []
    assert "TRANSLATION_MODEL" in caplog.text


# --- Human translations and corrections -------------------------------------------------------

def test_correcting_a_machine_translation_keeps_the_history(db, libre, contribution):
    machine_translate_contribution(contribution.id)
    db.session.expire_all()
    [machine] = stored(db, contribution.id)
    mediator = make_user(role="moderator")

    corrected = add_human_translation(contribution, "de", "  In unserem Viertel braucht es mehr Treffpunkte für Jugendliche.\n",
                                      mediator)
    db.session.commit()

    rows = stored(db, contribution.id)
    assert len(rows) == 2
    old, new = rows
    assert old.id == machine.id and old.is_current is False and old.source is TranslationSource.MACHINE
    assert new.id == corrected.id and new.is_current is True
    assert new.based_on_id == old.id
    assert new.source is TranslationSource.HUMAN and new.reviewed is True
    assert new.translator_id == mediator.id and new.provider is None
    assert new.text == "In unserem Viertel braucht es mehr Treffpunkte für Jugendliche."
    assert new.source_language == "tr"
    assert contribution.current_translation("de") == new
    assert translation_history(contribution, "de") == [new, old]
    assert translation_history(contribution, "en") == []


def test_a_second_correction_builds_a_chain(db, contribution):
    person = make_user(role="moderator")
    first = add_human_translation(contribution, "de", "Erste Fassung", person)
    second = add_human_translation(contribution, "de", "Zweite Fassung", person)
    english = add_human_translation(contribution, "en", "English version", person)
    db.session.commit()

    assert first.based_on_id is None and second.based_on_id == first.id
    assert [t.text for t in translation_history(contribution, "de")] == ["Zweite Fassung", "Erste Fassung"]
    assert [t.is_current for t in translation_history(contribution, "de")] == [True, False]
    assert english.based_on_id is None and english.is_current
    assert contribution.current_translation("en") == english


@pytest.mark.parametrize("language, text, reason", [
    ("de", "", "text"),
    ("de", " \n\t ", "text"),
    ("de", "x" * 10_001, "text"),
    ("de", "bad\x00byte", "text"),
    ("de", None, "text"),
    ("xx", "Hallo", "language"),
    ("und", "Hallo", "language"),
    ("tr", "Merhaba", "same_language"),
])
def test_bad_human_translations_are_refused(db, contribution, language, text, reason):
    with pytest.raises(TranslationRefused) as info:
        add_human_translation(contribution, language, text, make_user(role="moderator"))
    assert info.value.reason == reason
    db.session.commit()
    assert stored(db) == []


def test_human_translation_needs_an_actor(db, contribution):
    with pytest.raises(TranslationRefused) as info:
        add_human_translation(contribution, "de", "Hallo", None)
    assert info.value.reason == "actor"


def test_longest_human_translation_is_accepted(db, contribution):
    translation = add_human_translation(contribution, "de", " " + "ü" * 10_000 + " ", make_user(role="moderator"))
    db.session.commit()
    assert len(stored(db)[0].text) == 10_000 == len(translation.text)


# --- CLI --------------------------------------------------------------------------------------

@pytest.fixture()
def cli(app, runner):
    if "translations" not in app.cli.commands:
        register_cli(app)
    return runner


def test_pending_command_translates_what_is_missing(app, db, libre, cli, monkeypatch):
    monkeypatch.setitem(app.config, "TRANSLATION_TARGETS", ["de", "en"])
    consultation = make_consultation()
    turkish = make_contribution(consultation, "Bir", language="tr")
    german = make_contribution(consultation, "Zwei", language="de")
    done = make_contribution(consultation, "Üç", language="tr")
    for language in ("de", "en"):
        add_human_translation(done, language, f"Drei {language}", make_user(role="moderator"))
    make_contribution(consultation, "", language="tr")
    db.session.commit()

    result = cli.invoke(args=["translations", "pending", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "1 contributions checked: 2 translations stored, 0 failed." in result.output

    result = cli.invoke(args=["translations", "pending"])
    assert result.exit_code == 0, result.output
    assert "1 contributions checked: 1 translations stored, 0 failed." in result.output
    assert sorted(t.language for t in stored(db, turkish.id)) == ["de", "en"]
    assert [t.language for t in stored(db, german.id)] == ["en"]
    assert len(stored(db, done.id)) == 2

    result = cli.invoke(args=["translations", "pending"])
    assert "0 contributions checked" in result.output
    assert len(libre.requests) == 3


def test_pending_command_reports_failures(app, db, libre, cli):
    make_contribution(make_consultation(), "Bir", language="tr")
    libre.script((400, {"error": "no"}))
    result = cli.invoke(args=["translations", "pending"])
    assert result.exit_code == 1
    assert "0 translations stored, 1 failed." in result.output
    assert stored(db) == []


def test_pending_command_without_provider(app, db, cli, monkeypatch):
    configure(app, monkeypatch, TRANSLATION_PROVIDER="none")
    result = cli.invoke(args=["translations", "pending"])
    assert result.exit_code != 0
    assert "Machine translation is off" in result.output


def test_the_german_text_the_working_group_reads(db, libre, contribution):
    """``german_translation_text``: quotes, theme-finding and machine-written summaries use it."""
    assert contribution.german_translation_text() is None  # not translated yet
    schedule_machine_translation(contribution.id)
    db.session.expire_all()
    assert contribution.german_translation_text() == f"[de] {TEXT}"
    staff = make_user(role="moderator")
    add_human_translation(contribution, "de", "Mehr Treffpunkte für Jugendliche", staff)
    db.session.commit()
    assert contribution.german_translation_text() == "Mehr Treffpunkte für Jugendliche"  # the current one
    german = make_contribution(contribution.consultation, "Mehr Bänke", language="de")
    assert german.german_translation_text() is None  # the original is German already
