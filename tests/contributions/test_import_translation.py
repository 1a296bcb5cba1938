"""Machine translation of imported contributions: jobs of 100 on a queue, at most 20 inline
without one, the rest left for `translations pending`; against a real local LibreTranslate-style
server and, where REDIS_URL is set, a real Redis with an RQ worker."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.contributions import imports, translations
from app.contributions.models import Contribution, ContributionTranslation, TranslationSource
from app.extensions import db as _db
from tests.contributions.test_imports import _upload, csv_bytes, member  # noqa: F401 - fixture
from tests.contributions.test_imports import consultation  # noqa: F401 - fixture
from tests.contributions.test_translations import configure, libre, loggers_enabled  # noqa: F401 - fixtures
from tests.core.test_jobs import needs_redis, queue, work  # noqa: F401 - fixture
from tests.helpers import count
from tests.i18n.test_providers import FakeTranslationServer

ROWS = [["Mahallemizde gençler için daha fazla buluşma yeri olmalı.", "tr"],
        ["Нам нужно больше мест в детских садах.", "ru"],
        ["Mehr Bänke im Park.", "de"]]


def german(db) -> dict[int, str]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(ContributionTranslation.contribution_id, ContributionTranslation.text)
                              .where(ContributionTranslation.language == "de",
                                     ContributionTranslation.source == TranslationSource.MACHINE))
    return dict(rows.all())


def test_an_uploaded_file_is_machine_translated(client, member, consultation, db, libre):  # noqa: F811
    response = _upload(client, consultation, csv_bytes(ROWS))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 added, 0 skipped as already present, 0 refused." in page
    assert "Machine translation requested for 3 contributions." in page
    ids = dict(db.session.execute(sa.select(Contribution.language, Contribution.id)).all())
    # Into German (the configured target), not the German row itself.
    assert german(db) == {ids["tr"]: f"[de] {ROWS[0][0]}", ids["ru"]: f"[de] {ROWS[1][0]}"}
    assert sorted(r["json"]["source"] for r in libre.requests) == ["ru", "tr"]


def test_more_than_twenty_without_a_queue_are_left_for_later(client, member, consultation, db, libre,  # noqa: F811
                                                            runner):
    rows = [[f"Satır {n}: daha fazla yeşil alan.", "tr"] for n in range(21)]
    response = _upload(client, consultation, csv_bytes(rows), lang="de")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Die maschinelle Übersetzung von 21 Beiträgen wurde zurückgestellt: Administrator*innen starten sie "
            "mit „flask --app wsgi translations pending“.") in page
    assert count(db, Contribution) == 21 and german(db) == {} and libre.requests == []
    # The command the message names translates them.
    result = runner.invoke(args=["translations", "pending"])
    assert result.exit_code == 0, result.output
    assert len(german(db)) == 21


def test_without_a_provider_nothing_is_sent_or_said(client, member, consultation, db, app, monkeypatch):  # noqa: F811
    configure(app, monkeypatch, TRANSLATION_PROVIDER="none")
    with FakeTranslationServer("libretranslate") as server:
        response = _upload(client, consultation, csv_bytes(ROWS))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "3 added" in page and "Machine translation" not in page and server.requests == []
    assert german(db) == {}


def test_the_command_line_import_says_so_too(runner, consultation, db, libre, tmp_path):  # noqa: F811
    rows = tmp_path / "rows.csv"
    rows.write_bytes(csv_bytes(ROWS))
    result = runner.invoke(args=["contributions", "import", str(rows), "--consultation", consultation.slug])
    assert result.exit_code == 0, result.output
    assert "Machine translation requested for 3 contributions." in result.output
    assert len(german(db)) == 2


def test_a_failing_provider_never_loses_an_import(client, member, consultation, db, libre):  # noqa: F811
    libre.script(*[(500, {"error": "down"})] * 20)
    response = _upload(client, consultation, csv_bytes(ROWS))
    assert response.status_code == 303
    assert count(db, Contribution) == 3 and german(db) == {}
    # Left untranslated; `translations pending` picks them up once the provider answers again.
    libre.reset()
    assert len(list(db.session.scalars(translations.untranslated_contributions(["de"])))) == 2


def test_a_queue_that_refuses_the_job_is_reported(app, consultation, db, libre, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there
    report = imports.import_file(consultation, csv_bytes(ROWS), "rows.csv")
    _db.session.commit()
    with force_locale("en"):
        message = translations.schedule_batch_translation(report.added_ids)
    assert message == ("Machine translation of 3 contributions could not be started; an administrator starts it "
                       "with “flask --app wsgi translations pending”.")
    assert count(db, Contribution) == 3 and german(db) == {}


@needs_redis
def test_an_import_is_translated_in_jobs_of_a_hundred(app, consultation, db, libre, queue):  # noqa: F811
    rows = [[f"Satır {n}: daha fazla yeşil alan.", "tr"] for n in range(150)]
    report = imports.import_file(consultation, csv_bytes(rows), "rows.csv")
    _db.session.commit()
    with force_locale("en"):
        message = translations.schedule_batch_translation(report.added_ids)
    assert message == "Machine translation requested for 150 contributions."
    assert len(queue.job_ids) == 2 and german(db) == {}  # 100 + 50, waiting for the worker
    work(queue)
    assert sorted(german(db)) == sorted(report.added_ids)


@needs_redis
def test_under_rq_one_failure_does_not_stop_the_others(app, consultation, db, libre, queue, caplog):  # noqa: F811
    report = imports.import_file(consultation, csv_bytes(ROWS), "rows.csv")
    _db.session.commit()
    libre.script((500, {"error": "busy"}))  # the first request fails, the others succeed
    translations.schedule_batch_translation(report.added_ids)
    [job_id] = queue.job_ids
    with caplog.at_level(logging.WARNING, logger="app.contributions.translations"):
        work(queue)
    assert len(german(db)) == 1 and "will be retried" in caplog.text
    job = queue.fetch_job(job_id)
    assert job.get_status().value == "scheduled"  # RQ runs the batch again later; done ones are skipped
    libre.reset()
    translations.machine_translate_batch(*report.added_ids)  # e.g. that retry
    assert len(german(db)) == 2
    assert len(libre.requests) == 1  # only the one that had failed was sent again
