"""Themes of an action field and a period (``field:<slug>:<from>:<to>``): computed inline end to end
(TF-IDF backend) over the contributions of two consultations of the field in several languages,
the pages and their links, who may see them, bad periods, a name that survives a recomputation,
approval, and ``flask analysis run --field``."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.analysis import runs, stats, themes
from app.analysis.models import AnalysisRun, RunStatus, Theme
from app.consultations.models import ActionField
from app.core.timeutil import utcnow
from tests.analysis.data import TOPICS, needs_method
from tests.factories import make_consultation, make_contribution

FIELD = "language"
BASE = f"/de/analysis/fields/{FIELD}"


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")


@pytest.fixture()
def field_data(seeded):
    """Two consultations of the action field sharing the topics (each text goes to one of them, in
    turn, so every topic is in both and in several languages), and one consultation outside it."""
    db = seeded
    field = db.session.scalar(sa.select(ActionField).where(ActionField.slug == FIELD))
    first = make_consultation(action_fields=[field])
    second = make_consultation(action_fields=[field])
    outside = make_consultation()
    made = {topic: [make_contribution((first, second)[i % 2], text, language=lang)
                    for i, (lang, text) in enumerate(texts)] for topic, texts in TOPICS.items()}
    stray = make_contribution(outside, TOPICS["kita"][0][1], language="de")
    return {"field": field, "first": first, "second": second, "outside": outside, "made": made, "stray": stray}


def analyst(login_as):
    return login_as("working_group")


def start(client, csrf_token, query: str = "", data: dict | None = None):
    page = f"{BASE}/themes{query}"
    return client.post(f"{BASE}/themes/run{query}", data={"csrf_token": csrf_token(page), **(data or {})})


def run_id_of(response) -> int:
    match = re.search(r"/runs/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def snapshot(scope_key: str):
    members = themes.members_by_theme(scope_key)
    return {t.id: (t.label, tuple(members.get(t.id, []))) for t in themes.themes_of(scope_key)}


@needs_method
def test_field_run_end_to_end_over_two_consultations_and_languages(client, db, login_as, csrf_token, field_data):
    analyst(login_as)
    empty = client.get(f"{BASE}/themes")
    assert empty.status_code == 200
    assert "Es wurden noch keine Themen berechnet." in empty.get_data(as_text=True)

    response = start(client, csrf_token)
    assert response.status_code == 303
    run = db.session.get(AnalysisRun, run_id_of(response))
    scope = stats.field_scope(FIELD)
    assert run.scope_key == scope and run.consultation_id is None
    assert run.status is RunStatus.DONE, run.error
    assert re.fullmatch(r"[0-9a-f]{64}", run.input_hash)

    # Every published contribution of both consultations, none from outside the field.
    made = field_data["made"]
    all_ids = {c.id for group in made.values() for c in group}
    assert set(run.result["contribution_ids"]) == all_ids
    members = themes.members_by_theme(scope)
    themed = {i for ids in members.values() for i in ids}
    assert themed | set(themes.unassigned_ids(scope, run)) == all_ids
    assert field_data["stray"].id not in themed
    # Themes cut across the two consultations and across languages.
    by_id = {c.id: c for group in made.values() for c in group}
    assert any(len({by_id[i].consultation_id for i in ids}) == 2 and len({by_id[i].language for i in ids}) >= 2
               for ids in members.values())
    kita = {c.id for c in made["kita"]}
    assert any(len(set(ids) & kita) >= 3 for ids in members.values())

    # The run page leads back to the field's themes; the themes page says when they were computed.
    status = client.get(response.headers["Location"])
    assert status.status_code == 200
    assert f'href="{BASE}/themes"' in status.get_data(as_text=True)
    page = client.get(f"{BASE}/themes")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<time datetime="{run.finished_at.isoformat(timespec="seconds")}Z"' in html
    assert f'action="{BASE}/themes/run"' in html
    assert f'href="{BASE}"' in html  # the breadcrumb: the field's summary
    for theme in themes.themes_of(scope):
        assert f'href="/de/analysis/themes/{theme.id}"' in html
    # A theme of the field: its page leads back to the field's themes.
    theme = themes.themes_of(scope)[0]
    detail = client.get(f"/de/analysis/themes/{theme.id}")
    assert detail.status_code == 200 and f'href="{BASE}/themes"' in detail.get_data(as_text=True)
    # The field's summary shows the themes and links to their page.
    summary = client.get(BASE).get_data(as_text=True)
    assert theme.label in summary and f'href="{BASE}/themes"' in summary
    # A consultation of the field keeps its own (here: no) themes.
    assert themes.themes_of(themes.consultation_scope(field_data["first"])) == []


@needs_method
def test_a_period_is_a_scope_of_its_own(client, db, login_as, csrf_token, field_data):
    old = field_data["made"]["wohnen"][0]
    old.created_at = datetime(2024, 6, 1, 10)
    db.session.commit()
    analyst(login_as)
    today = utcnow().date()
    query = f"?from=2025-01-01&to={(today + timedelta(days=1)).isoformat()}"
    response = start(client, csrf_token, query)
    assert response.status_code == 303
    run = db.session.get(AnalysisRun, run_id_of(response))
    assert run.scope_key == stats.field_scope(FIELD, date(2025, 1, 1), today + timedelta(days=1))
    assert run.status is RunStatus.DONE, run.error
    assert old.id not in run.result["contribution_ids"]
    status = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="{BASE}/themes{query.replace("&", "&amp;")}"' in status
    html = client.get(f"{BASE}/themes{query}").get_data(as_text=True)
    assert 'action="' + f"{BASE}/themes/run{query}".replace("&", "&amp;") + '"' in html
    assert 'value="2025-01-01"' in html  # the period form shows the period
    # The open period has no themes yet.
    assert themes.themes_of(stats.field_scope(FIELD)) == []


@pytest.mark.parametrize("role", ["anonymous", "resident", "organisation_member", "moderator"])
def test_hidden_from_everyone_but_analysts(client, db, login_as, csrf_token, field_data, role):
    scope = stats.field_scope(FIELD)
    theme = Theme(scope_key=scope, label="Kita")
    run = AnalysisRun(scope_key=scope, status=RunStatus.DONE, progress=100, method={}, result={},
                      finished_at=utcnow())
    db.session.add_all([theme, run])
    db.session.commit()
    if role != "anonymous":
        login_as(role)
    token = csrf_token("/de/consultations/" + field_data["first"].slug + "/contribute")  # a form everyone sees
    for path in (f"{BASE}/themes", f"{BASE}/themes?from=2025-02-30", f"/de/analysis/themes/{theme.id}",
                 f"/de/analysis/runs/{run.id}", "/de/analysis/fields/no-such-field/themes"):
        assert client.get(path).status_code == 404, path
    for path in (f"{BASE}/themes/run", f"/de/analysis/themes/{theme.id}/rename", f"/de/analysis/runs/{run.id}/approve"):
        assert client.post(path, data={"csrf_token": token, "rename-label": "x"}).status_code == 404, path
    assert db.session.scalar(sa.select(sa.func.count(AnalysisRun.id))) == 1
    # The summary page of the field is hidden as well, and so its themes.
    assert client.get(BASE).status_code == 404


@pytest.mark.parametrize("role", ["working_group", "admin"])
def test_analysts_see_the_field_themes(client, login_as, field_data, role):
    login_as(role)
    assert client.get(f"{BASE}/themes").status_code == 200
    assert client.get(f"{BASE}/themes?from=2025-01-01").status_code == 200
    assert client.get("/de/analysis/fields/no-such-field/themes").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("?from=2025-02-30", "JJJJ-MM-TT"),
    ("?to=31.12.2025", "JJJJ-MM-TT"),
    ("?from=2025-03-01&to=2025-02-01", "Enddatum"),
    ("?from=" + "9" * 500, "JJJJ-MM-TT"),
    ("?from=%3Cscript%3E", "JJJJ-MM-TT"),
])
def test_bad_periods_are_a_400_with_the_reason(client, db, login_as, csrf_token, field_data, query, message):
    analyst(login_as)
    page = client.get(f"{BASE}/themes{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    token = csrf_token(f"{BASE}/themes")
    response = client.post(f"{BASE}/themes/run{query}", data={"csrf_token": token})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AnalysisRun.id))) == 0


def test_bad_number_of_themes_is_a_422_and_a_running_one_a_409(client, db, login_as, csrf_token, field_data):
    analyst(login_as)
    assert start(client, csrf_token, data={"k": "1"}).status_code == 422
    runs.create_run(stats.field_scope(FIELD), None)  # queued, not dispatched: it blocks another
    db.session.commit()
    blocked = start(client, csrf_token)
    assert blocked.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(AnalysisRun.id))) == 1
    # The page tells that a summary is being computed, with a link to its progress.
    assert "/de/analysis/runs/" in client.get(f"{BASE}/themes").get_data(as_text=True)


@needs_method
def test_a_name_survives_a_recomputation(client, db, login_as, csrf_token, field_data):
    analyst(login_as)
    assert start(client, csrf_token).status_code == 303
    scope = stats.field_scope(FIELD)
    kita = {c.id for c in field_data["made"]["kita"]}
    members = themes.members_by_theme(scope)
    theme = max(themes.themes_of(scope), key=lambda t: len(set(members.get(t.id, [])) & kita))
    theme_id, before = theme.id, set(members[theme.id])
    page = f"/de/analysis/themes/{theme_id}"
    renamed = client.post(f"{page}/rename", data={"csrf_token": csrf_token(page), "rename-label": "Kinderbetreuung"})
    assert renamed.status_code == 303 and renamed.headers["Location"].endswith(page)

    again = start(client, csrf_token)
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(AnalysisRun, run_id_of(again)).status is RunStatus.DONE
    kept = db.session.get(Theme, theme_id)
    assert kept is not None and (kept.label, kept.named, kept.scope_key) == ("Kinderbetreuung", True, scope)
    assert set(themes.members_by_theme(scope)[theme_id]) & before
    assert "Kinderbetreuung" in client.get(f"{BASE}/themes").get_data(as_text=True)


@needs_method
def test_approving_a_field_summary_returns_to_its_themes(client, db, login_as, csrf_token, field_data):
    analyst(login_as)
    run_id = run_id_of(start(client, csrf_token))
    themes_page = f"{BASE}/themes"
    response = client.post(f"/de/analysis/runs/{run_id}/approve", data={"csrf_token": csrf_token(themes_page)})
    assert response.status_code == 303 and response.headers["Location"].endswith(themes_page)
    db.session.expire_all()
    assert db.session.get(AnalysisRun, run_id).approved_at is not None
    # An older run cannot be approved: the page of the field's themes answers 409.
    newer = run_id_of(start(client, csrf_token))
    refused = client.post(f"/de/analysis/runs/{run_id}/approve", data={"csrf_token": csrf_token(themes_page)})
    assert refused.status_code == 409 and f'action="{BASE}/themes/run"' in refused.get_data(as_text=True)
    assert db.session.get(AnalysisRun, newer).approved_at is None


def test_a_theme_of_a_removed_field_is_not_found(client, db, login_as, field_data):
    theme = Theme(scope_key="field:no-such-field::", label="Kita")
    db.session.add(theme)
    db.session.commit()
    analyst(login_as)
    assert client.get(f"/de/analysis/themes/{theme.id}").status_code == 404


@needs_method
def test_cli_runs_a_field_and_prints_the_same_document(runner, db, field_data):
    result = runner.invoke(args=["analysis", "run", "--field", FIELD, "--from", "2025-01-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {"field", "from", "to", "generated_at", "stats", "themes", "unassigned_ids"}
    assert (document["field"], document["from"], document["to"]) == (FIELD, "2025-01-01", None)
    scope = stats.field_scope(FIELD, date(2025, 1, 1))
    assert [t["id"] for t in document["themes"]] == [t.id for t in themes.themes_of(scope)]
    listed = set(document["unassigned_ids"]) | {i for t in document["themes"] for i in t["contribution_ids"]}
    assert listed == {c.id for group in field_data["made"].values() for c in group}
    assert document["stats"]["contributions"] == len(listed)
    text = runner.invoke(args=["analysis", "run", "--field", FIELD, "--k", "3"])
    assert text.exit_code == 0 and FIELD in text.output and "Unassigned:" in text.output


@pytest.mark.parametrize("args", [
    ["--field", "no-such-field"],
    ["--field", FIELD, "--from", "2025-02-30"],
    ["--field", FIELD, "--from", "2025-03-01", "--to", "2025-02-01"],
    ["--field", FIELD, "--consultation", "x"],
    ["--consultation", "x", "--from", "2025-01-01"],
    [],
])
def test_cli_refuses_bad_scopes(runner, db, field_data, args):
    result = runner.invoke(args=["analysis", "run", *args])
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count(AnalysisRun.id))) == 0
