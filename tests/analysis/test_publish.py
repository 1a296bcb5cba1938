"""Publishing an approved summary on the consultation's public page ("What we heard"): computed
for real (TF-IDF backend), shown to every reader only when it is the latest finished run, approved
and published; withdrawn by an edit of the themes; never quoting a contribution that is no longer
published; refused for unapproved, older and action-field summaries; analysts only."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.analysis import runs, stats, themes
from app.analysis.models import AnalysisRun, RunStatus, Theme
from app.consultations.models import ActionField
from app.contributions.models import Contribution, ContributionStatus, ContributionTranslation, TranslationSource
from app.core.timeutil import utcnow
from app.moderation.models import AuditEntry
from tests.analysis.data import make_dataset, needs_method
from tests.factories import make_consultation, make_contribution

SECTION = re.compile(r'<section aria-labelledby="heard-heading".*?</section>', re.S)


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")


def run_now(db, consultation, k=None) -> AnalysisRun:
    run = runs.create_run(themes.consultation_scope(consultation), None, k)
    db.session.commit()
    run_id = run.id
    runs.dispatch_run(run_id)  # inline without Redis
    db.session.expire_all()
    return db.session.get(AnalysisRun, run_id)


def heard(client, consultation, lang="de") -> str | None:
    """The "What we heard" section of the consultation page as an anonymous reader sees it, or None."""
    response = client.get(f"/{lang}/consultations/{consultation.slug}")
    assert response.status_code == 200
    found = SECTION.search(response.get_data(as_text=True))
    return found.group(0) if found else None


def memo_notes(scope) -> list[str]:
    from app.analysis.memo import memo_blocks
    from app.extensions import db

    db.session.expire_all()  # the runs were changed by requests
    return [b.text for b in memo_blocks(scope, scope_title="t", scope_text="t") if b.kind == "note"]


def themes_page(consultation) -> str:
    return f"/de/analysis/consultations/{consultation.slug}/themes"


def act(client, csrf_token, consultation, run, action):
    page = themes_page(consultation)
    return client.post(f"/de/analysis/runs/{run.id}/{action}", data={"csrf_token": csrf_token(page)})


def log_out(client):
    with client.session_transaction() as session:
        session.clear()


def reload(db, run) -> AnalysisRun:
    db.session.expire_all()
    return db.session.get(AnalysisRun, run.id)


def actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("analysis.%"))
                                   .order_by(AuditEntry.id)))


@needs_method
def test_published_summary_is_shown_to_every_reader_until_withdrawn(client, db, login_as, csrf_token):
    consultation, made = make_dataset(campaign=3)
    arabic = made["wohnen"][-1]
    db.session.add(ContributionTranslation(contribution_id=arabic.id, language="de", source_language="ar",
                                           text="Die Mieten sind sehr hoch", source=TranslationSource.HUMAN,
                                           reviewed=True, is_current=True))
    db.session.commit()
    run = run_now(db, consultation, k=3)
    assert run.status is RunStatus.DONE, run.error
    scope = run.scope_key
    theme = themes.themes_of(scope)[0]
    theme.abstract, theme.abstract_model = "Eine maschinell geschriebene Zusammenfassung.", "modell-x"
    db.session.commit()
    assert heard(client, consultation) is None  # computed, not approved

    login_as("working_group")
    assert act(client, csrf_token, consultation, run, "approve").status_code == 303
    html = client.get(themes_page(consultation)).get_data(as_text=True)
    assert f'action="/de/analysis/runs/{run.id}/publish"' in html and "unpublish" not in html
    log_out(client)
    assert heard(client, consultation) is None  # approved, not published
    assert "Nicht auf der Seite der Beteiligung zu sehen." in memo_notes(scope)

    login_as("working_group")
    response = act(client, csrf_token, consultation, run, "publish")
    assert response.status_code == 303 and response.headers["Location"].endswith(themes_page(consultation))
    run = reload(db, run)
    assert run.published_at is not None and run.published_by_id is not None
    html = client.get(themes_page(consultation)).get_data(as_text=True)
    assert f'action="/de/analysis/runs/{run.id}/unpublish"' in html and f"runs/{run.id}/publish\"" not in html
    log_out(client)
    # The memo for the meeting says so, too.
    [note] = [n for n in memo_notes(scope) if "Seite der Beteiligung" in n]
    assert re.fullmatch(r"Seit \d{1,2}\. \w+ \d{4} für alle auf der Seite der Beteiligung sichtbar\.", note), note

    overview = themes.overview(scope)
    section = heard(client, consultation)
    assert section is not None
    total = overview["total"]
    assert f"Zusammenfassung von {total} Beiträgen" in section
    for item in overview["themes"]:
        assert f">{item['label']}</h" in section
        assert f"{item['size']} Beiträge" in section or f"{item['size']} Beitrag" in section
    # Up to two quotes per theme, the originals with their language and direction.
    quotes = re.findall(r'<div class="contribution-text" lang="([a-z]+)" dir="(ltr|rtl)">', section)
    assert 0 < len(quotes) <= 2 * len(overview["themes"])
    first = overview["themes"][0]["representatives"][0]
    assert first["text"][:30] in section
    if arabic.id in {q["id"] for t in overview["themes"] for q in t["representatives"][:2]}:
        assert 'lang="ar" dir="rtl"' in section and "Die Mieten sind sehr hoch" in section
    # Campaign copies counted once; nothing internal.
    assert "(Kampagnen) werden einmal gezählt" in section
    for internal in ("/analysis/", "Maschinell geschriebene Zusammenfassung", "Eine maschinell geschriebene",
                     run.input_hash, ", ".join(theme.keywords), "Beitrag " + str(first["id"])):
        assert internal not in section
    ar = heard(client, consultation, "ar")
    assert ar is not None and 'id="heard-heading"' in ar and first["text"][:30] in ar

    # A quoted contribution hidden later is no longer quoted (nor counted).
    hidden = db.session.get(Contribution, first["id"])
    hidden.status = ContributionStatus.HIDDEN
    db.session.commit()
    section = heard(client, consultation)
    assert section is not None and first["text"][:30] not in section
    assert f"Zusammenfassung von {total - 1} Beiträgen" in section

    # An edit of the themes withdraws the approval and takes the summary off the page.
    themes.rename_theme(db.session.get(Theme, theme.id), "Kinderbetreuung", None)
    db.session.commit()
    run = reload(db, run)
    assert run.approved_at is None and run.published_at is None
    assert heard(client, consultation) is None
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "theme.rename")).one()
    assert entry.details["unpublished"] == run.id

    # Approved again, it stays off the page until it is published again; then removed.
    login_as("working_group")
    assert act(client, csrf_token, consultation, run, "approve").status_code == 303
    assert heard(client, consultation) is None
    assert act(client, csrf_token, consultation, run, "publish").status_code == 303
    assert heard(client, consultation) is not None
    assert act(client, csrf_token, consultation, run, "unpublish").status_code == 303
    assert reload(db, run).published_at is None and heard(client, consultation) is None
    assert actions(db) == ["analysis.run", "analysis.approve", "analysis.publish", "analysis.approve",
                           "analysis.publish", "analysis.unpublish"]


@needs_method
def test_a_new_computation_is_not_public_until_published_again(client, db, login_as, csrf_token):
    consultation, _made = make_dataset()
    run = run_now(db, consultation, k=3)
    runs.approve_run(run, None)
    runs.publish_run(run, None)
    db.session.commit()
    assert heard(client, consultation) is not None
    running = runs.create_run(run.scope_key, None)
    running.status = RunStatus.RUNNING
    db.session.commit()
    assert heard(client, consultation) is None  # a computation is replacing the themes
    running.status = RunStatus.QUEUED
    db.session.commit()
    runs.compute_run(running.id)
    newer = reload(db, running)
    assert newer.status is RunStatus.DONE and newer.published_at is None
    assert heard(client, consultation) is None
    with pytest.raises(themes.ThemeRefused) as refused:
        runs.publish_run(db.session.get(AnalysisRun, run.id), None)
    assert refused.value.reason == "publish_not_latest"


def _run(db, scope_key, consultation=None, approved=True):
    run = AnalysisRun(scope_key=scope_key, consultation_id=consultation.id if consultation else None,
                      status=RunStatus.DONE, progress=100, method={}, result={}, input_hash="b" * 64,
                      started_at=utcnow(), finished_at=utcnow(), approved_at=utcnow() if approved else None)
    db.session.add(run)
    db.session.commit()
    return run


def test_refused_publications_are_409_and_change_nothing(client, db, login_as, csrf_token):
    consultation = make_consultation()
    make_contribution(consultation, "Mehr Bänke im Park", language="de")
    scope = themes.consultation_scope(consultation)
    older = _run(db, scope, consultation)
    unapproved = _run(db, scope, consultation, approved=False)
    field = db.session.scalars(sa.select(ActionField)).first()
    if field is None:
        field = ActionField(slug="umwelt", name={"de": "Umwelt"}, description={})
        db.session.add(field)
        db.session.commit()
    field_run = _run(db, stats.field_scope(field.slug, None, None))
    login_as("working_group")
    for run, reason in ((unapproved, "publish_not_approved"), (older, "publish_not_latest"),
                        (field_run, "publish_scope")):
        response = act(client, csrf_token, consultation, run, "publish")
        assert response.status_code == 409, reason
        assert themes.refusal_message(reason) in response.get_data(as_text=True).replace("&#39;", "'")
        assert reload(db, run).published_at is None
    assert actions(db) == []
    log_out(client)
    assert heard(client, consultation) is None


def test_only_analysts_publish_and_the_csrf_token_is_checked(client, db, login_as, csrf_token):
    consultation = make_consultation()
    run = _run(db, themes.consultation_scope(consultation), consultation)
    for role in (None, "resident", "moderator"):
        log_out(client)
        token_page = "/de/account/login"
        if role:
            login_as(role)
            token_page = "/de/"
        for action in ("publish", "unpublish"):
            response = client.post(f"/de/analysis/runs/{run.id}/{action}", data={"csrf_token": csrf_token(token_page)})
            assert response.status_code == 404, (role, action)
    log_out(client)
    login_as("admin")
    assert client.post(f"/de/analysis/runs/{run.id}/publish").status_code == 400
    assert reload(db, run).published_at is None
    assert act(client, csrf_token, consultation, run, "publish").status_code == 303
    assert client.post(f"/de/analysis/runs/{run.id}/unpublish").status_code == 400
    assert reload(db, run).published_at is not None
