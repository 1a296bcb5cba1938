"""``flask analysis run --format json`` and ``GET /api/v1/consultations/<slug>/summary``: the
same document, exactly the specified keys; the API only for the working group and administrators."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.analysis import runs, themes
from app.analysis.models import Theme
from tests.analysis.data import make_dataset, needs_method
from tests.api.conftest import response_pointer, validator
from tests.factories import make_consultation, make_user

TOP_KEYS = {"consultation", "generated_at", "stats", "themes", "unassigned_ids"}
THEME_KEYS = {"id", "label", "keywords", "size", "contribution_ids", "representative_ids", "languages", "abstract"}


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")


def check_document(document, consultation, made):
    assert set(document) == TOP_KEYS
    assert document["consultation"] == consultation.slug
    assert document["generated_at"].endswith("Z")
    assert isinstance(document["stats"], dict) and document["stats"]
    assert document["themes"]
    all_ids = {c.id for group in made.values() for c in group}
    listed = set(document["unassigned_ids"])
    for theme in document["themes"]:
        assert set(theme) == THEME_KEYS
        assert theme["size"] == len(theme["contribution_ids"]) and theme["label"]
        assert set(theme["representative_ids"]) <= set(theme["contribution_ids"])
        assert set(theme["languages"]) <= {"de", "en", "tr", "ar", "ru", "uk"}
        listed |= set(theme["contribution_ids"])
    assert listed == all_ids


@needs_method
def test_cli_prints_the_summary_as_json(runner, db):
    consultation, made = make_dataset()
    result = runner.invoke(args=["analysis", "run", "--consultation", consultation.slug, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    check_document(document, consultation, made)
    stored = themes.themes_of(themes.consultation_scope(consultation))
    assert [t["id"] for t in document["themes"]] == [t.id for t in stored]


@needs_method
def test_cli_text_output_and_errors(runner, db):
    consultation, _made = make_dataset()
    result = runner.invoke(args=["analysis", "run", "--consultation", consultation.slug, "--k", "3"])
    assert result.exit_code == 0, result.output
    assert consultation.slug in result.output and "Unassigned:" in result.output
    unknown = runner.invoke(args=["analysis", "run", "--consultation", "no-such-slug", "--format", "json"])
    assert unknown.exit_code != 0 and "no-such-slug" in unknown.output
    bad_k = runner.invoke(args=["analysis", "run", "--consultation", consultation.slug, "--k", "1"])
    assert bad_k.exit_code != 0


@needs_method
def test_api_returns_the_same_document_to_analysts(client, db, login_as, runner):
    consultation, made = make_dataset()
    printed = json.loads(runner.invoke(args=["analysis", "run", "--consultation", consultation.slug,
                                             "--format", "json"]).output)
    doc = client.get("/api/v1/openapi.json").get_json()
    check = validator(doc, response_pointer(doc, "/consultations/{slug}/summary", 200))
    login_as("working_group")
    response = client.get(f"/api/v1/consultations/{consultation.slug}/summary")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert not list(check.iter_errors(body))
    check_document(body, consultation, made)
    assert body == printed
    assert "private" in response.headers["Cache-Control"]


@needs_method
def test_api_edits_show_up(client, db, login_as):
    consultation, _made = make_dataset()
    run = runs.create_run(themes.consultation_scope(consultation), None)
    db.session.commit()
    runs.compute_run(run.id)
    theme = themes.themes_of(themes.consultation_scope(consultation))[0]
    themes.rename_theme(theme, "Kinderbetreuung", make_user("working_group"))
    db.session.commit()
    login_as("admin")
    body = client.get(f"/api/v1/consultations/{consultation.slug}/summary").get_json()
    assert body["themes"][0]["label"] == "Kinderbetreuung"


def test_api_before_any_run_has_no_themes(client, db, login_as):
    consultation = make_consultation()
    login_as("working_group")
    body = client.get(f"/api/v1/consultations/{consultation.slug}/summary").get_json()
    assert body["generated_at"] is None and body["themes"] == [] and body["consultation"] == consultation.slug


@pytest.mark.parametrize("role", [None, "resident", "organisation_member", "moderator"])
def test_api_is_a_404_for_everyone_else(client, db, login_as, role):
    consultation, _made = make_dataset()
    if role:
        login_as(role)
    response = client.get(f"/api/v1/consultations/{consultation.slug}/summary")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 0
