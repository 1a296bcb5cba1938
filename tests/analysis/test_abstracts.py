"""Machine-written summaries ("abstracts") of themes through an OpenAI-compatible endpoint: a real
HTTP server on 127.0.0.1 (tests/fake_servers.py) stands in for it. Off by default (nothing is sent);
what is sent (texts only, German translations preferred); what is stored, recorded and shown (pages,
memo, JSON); failures of single themes; incomplete settings; analysts' edits; the migration."""
from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.analysis import abstracts, runs, themes
from app.analysis.models import AnalysisRun, RunStatus, Theme, ThemeAssignment
from app.contributions.models import Contribution, ContributionTranslation, TranslationSource
from app.core.timeutil import utcnow
from tests.analysis.data import make_dataset, needs_method
from tests.factories import make_consultation, make_contribution, make_user
from tests.fake_servers import FakeTranslationServer, chat_completion

MODEL = "llama-3.1-8b-test"
KEY = "sk-test-never-shown"
ABSTRACT_LABEL = "Machine-written summary (model %(model)s) – check it against the quotes."


def reply(body) -> str:
    """A distinct answer per theme: it names the theme of the message."""
    first = body["messages"][1]["content"].splitlines()[0]
    return f"  Die Beiträge zum Thema {first.removeprefix('Thema: ')} fordern Verbesserungen.\n"


@pytest.fixture()
def chat():
    with FakeTranslationServer("openai", reply=reply) as server:
        yield server


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")
    monkeypatch.setitem(app.config, "SUMMARY_PROVIDER", "none")


@pytest.fixture()
def configure(app, monkeypatch, chat):
    """Point the summary settings at the stand-in server (``None`` removes a setting)."""

    def _configure(**changes):
        settings = {"SUMMARY_PROVIDER": "openai", "SUMMARY_URL": chat.url, "SUMMARY_MODEL": MODEL,
                    "SUMMARY_API_KEY": KEY, "SUMMARY_TIMEOUT": 5, **changes}
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)

    return _configure


def run_now(db, consultation, k=None) -> AnalysisRun:
    run = runs.create_run(themes.consultation_scope(consultation), None, k)
    db.session.commit()
    run_id = run.id
    runs.compute_run(run_id)
    db.session.expire_all()
    return db.session.get(AnalysisRun, run_id)


def stored(consultation) -> list[Theme]:
    return themes.themes_of(themes.consultation_scope(consultation))


def de(text: str, **values) -> str:
    with force_locale("de"):
        return _(text, **values)


def with_authors(made) -> None:
    """Every contribution gets a named author and a contact address, which must never be sent."""
    author = make_user(display_name="Erika Mustermann", email="erika.mustermann@example.org")
    for group in made.values():
        for contribution in group:
            contribution.author = author
            contribution.contact_email = "kontakt.privat@example.net"


def build(db, groups: dict[str, list[tuple[str, str]]], *, abstract: str | None = None):
    """A consultation with a finished run and one theme per group of (language, text)."""
    consultation = make_consultation()
    scope = themes.consultation_scope(consultation)
    run = AnalysisRun(scope_key=scope, consultation_id=consultation.id, status=RunStatus.DONE, progress=100,
                      parameters={"k": None, "seed": 0}, method={}, result={}, finished_at=utcnow())
    db.session.add(run)
    db.session.flush()
    built = []
    for position, (label, texts) in enumerate(groups.items()):
        theme = Theme(scope_key=scope, label=label, keywords=label.lower().split(), position=position, run_id=run.id,
                      abstract=abstract, abstract_model=MODEL if abstract else None,
                      abstract_at=utcnow() if abstract else None)
        db.session.add(theme)
        db.session.flush()
        members = [make_contribution(consultation, text, language=language) for language, text in texts]
        db.session.add_all(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=c.id) for c in members)
        built.append((theme, members))
    db.session.commit()
    return consultation, run, built


# --- off by default ---------------------------------------------------------------------------

@needs_method
def test_without_a_provider_nothing_is_sent_and_there_is_no_abstract(client, db, login_as, runner, app,
                                                                      monkeypatch, chat):
    # Even with an address and a model set, SUMMARY_PROVIDER=none sends nothing.
    monkeypatch.setitem(app.config, "SUMMARY_URL", chat.url)
    monkeypatch.setitem(app.config, "SUMMARY_MODEL", MODEL)
    consultation, _made = make_dataset()
    run = run_now(db, consultation)
    assert run.status is RunStatus.DONE, run.error
    assert "abstracts" not in run.parameters
    assert stored(consultation) and all(t.abstract is None and t.abstract_model is None for t in stored(consultation))
    printed = json.loads(runner.invoke(args=["analysis", "run", "--consultation", consultation.slug,
                                             "--format", "json"]).output)
    assert printed["themes"] and all(t["abstract"] is None for t in printed["themes"])

    login_as("working_group")
    body = client.get(f"/api/v1/consultations/{consultation.slug}/summary").get_json()
    assert all(t["abstract"] is None for t in body["themes"])
    page = client.get(f"/de/analysis/consultations/{consultation.slug}/themes").get_data(as_text=True)
    detail = client.get(f"/de/analysis/themes/{stored(consultation)[0].id}").get_data(as_text=True)
    marker = de(ABSTRACT_LABEL, model="").split("(")[0]
    assert marker not in page and marker not in detail
    assert "127.0.0.1" not in page and 'class="theme-abstract"' not in page
    assert chat.requests == []


def test_settings():
    assert abstracts.get_summariser({}) is None
    assert abstracts.get_summariser({"SUMMARY_PROVIDER": "none", "SUMMARY_URL": "http://x"}) is None
    summariser = abstracts.get_summariser({"SUMMARY_PROVIDER": "OpenAI", "SUMMARY_URL": "https://llm.example.org/",
                                           "SUMMARY_MODEL": "m", "SUMMARY_TIMEOUT": 2})
    assert (summariser.url, summariser.model, summariser.api_key, summariser.timeout) == (
        "https://llm.example.org", "m", None, 2.0)
    assert abstracts.service_host({"SUMMARY_PROVIDER": "openai",
                                   "SUMMARY_URL": "https://user:pw@llm.example.org:8443/v"}) == "llm.example.org"
    assert abstracts.service_host({"SUMMARY_PROVIDER": "none", "SUMMARY_URL": "https://llm.example.org"}) is None


@pytest.mark.parametrize("settings, message", [
    ({"SUMMARY_PROVIDER": "openai", "SUMMARY_MODEL": "m"}, "needs SUMMARY_URL"),
    ({"SUMMARY_PROVIDER": "openai", "SUMMARY_URL": "http://127.0.0.1:9"}, "needs SUMMARY_MODEL"),
    ({"SUMMARY_PROVIDER": "openai", "SUMMARY_URL": "ftp://llm.example.org", "SUMMARY_MODEL": "m"}, "http://"),
    ({"SUMMARY_PROVIDER": "claude", "SUMMARY_URL": "http://x", "SUMMARY_MODEL": "m"}, "Unknown SUMMARY_PROVIDER"),
])
def test_incomplete_settings_are_a_clear_error(settings, message):
    with pytest.raises(abstracts.SummaryConfigError) as info:
        abstracts.get_summariser(settings)
    assert message in str(info.value) and info.value.retryable is False


@needs_method
@pytest.mark.parametrize("changes", [{"SUMMARY_URL": None}, {"SUMMARY_MODEL": None}, {"SUMMARY_PROVIDER": "gpt"}])
def test_incomplete_settings_fail_the_run_before_it_writes_anything(db, chat, configure, runner, changes):
    consultation, _made = make_dataset()
    first = run_now(db, consultation)  # without a provider
    before = [(t.id, t.label, t.run_id, t.abstract) for t in stored(consultation)]
    configure(**changes)

    failed = run_now(db, consultation)
    assert failed.status is RunStatus.FAILED and "SummaryConfigError" in failed.error and "SUMMARY_" in failed.error
    assert [(t.id, t.label, t.run_id, t.abstract) for t in stored(consultation)] == before
    assert all(t.run_id == first.id for t in stored(consultation))
    assert themes.latest_run(themes.consultation_scope(consultation), done=True).id == first.id
    assert chat.requests == []
    result = runner.invoke(args=["analysis", "run", "--consultation", consultation.slug])
    assert result.exit_code != 0 and "SUMMARY_" in result.output


# --- what is sent, stored and recorded --------------------------------------------------------

@needs_method
def test_a_run_writes_an_abstract_of_each_theme_and_sends_only_texts(db, chat, configure):
    configure()
    consultation, made = make_dataset()
    with_authors(made)
    db.session.commit()

    run = run_now(db, consultation)
    assert run.status is RunStatus.DONE, run.error
    assert (run.progress, run.progress_message) == (100, "done")
    found = stored(consultation)
    assert len(chat.requests) == len(found) >= 2
    for request in chat.requests:
        assert request["path"] == "/v1/chat/completions"
        assert request["headers"]["Authorization"] == f"Bearer {KEY}"
        body = request["json"]
        assert body["model"] == MODEL and body["temperature"] == 0
        system, user = body["messages"]
        assert system == {"role": "system", "content": abstracts.SYSTEM_PROMPT}
        assert user["role"] == "user" and user["content"].startswith("Thema: ")
        sent = json.dumps(body, ensure_ascii=False)
        for personal in ("Erika", "Mustermann", "example.org", "example.net", "@"):
            assert personal not in sent
    for phrase in ("2 bis 3 Sätzen auf Deutsch", "neutral", "Erfinde nichts", "keine Namen von Personen",
                   "widersprechen", "niemals Anweisungen"):
        assert phrase in abstracts.SYSTEM_PROMPT

    sent_messages = [r["json"]["messages"][1]["content"] for r in chat.requests]
    members = themes.members_by_theme(themes.consultation_scope(consultation))
    texts = {c.id: c.text for group in made.values() for c in group}
    for theme in found:
        assert theme.abstract == f"Die Beiträge zum Thema {theme.label} fordern Verbesserungen."  # stripped
        assert theme.abstract_model == MODEL and theme.abstract_at is not None
        [message] = [m for m in sent_messages if m.splitlines()[0] == f"Thema: {theme.label}"]
        sent_ids = members[theme.id] if len(members[theme.id]) <= abstracts.MEMBERS_MAX else theme.representative_ids
        assert sent_ids and all(texts[i].split(",")[0] in message for i in sent_ids)

    record = run.parameters["abstracts"]
    assert record["provider"] == "openai" and record["model"] == MODEL and record["host"] == "127.0.0.1"
    assert record["prompt_version"] == abstracts.PROMPT_VERSION and record["options"] == {"temperature": 0}
    assert (record["written"], record["failed"], record["skipped"]) == (len(found), 0, 0)
    assert set(record["input_hashes"]) == {str(t.id) for t in found}
    assert KEY not in json.dumps(run.parameters)


def test_the_message_prefers_german_translations_and_cuts_long_texts(db, app, chat, configure):
    configure()
    long_text = "Kita " + "sehr lange Warteliste " * 60
    texts = [("de", f"Beitrag {n} über die Kita") for n in range(10)]
    texts[1] = ("de", long_text)
    texts[5] = ("tr", "Kreş yerleri çok az")
    texts[6] = ("fa", "مهدکودک کم است")
    _consultation, run, [(theme, members)] = build(db, {"Kita Plätze": texts})
    db.session.add(ContributionTranslation(contribution=members[5], language="de", source_language="tr",
                                           text="Es gibt zu wenige Kitaplätze", source=TranslationSource.MACHINE))
    theme.representative_ids = [members[5].id, members[2].id]
    db.session.commit()

    record = abstracts.write_abstracts(run, [theme], abstracts.get_summariser(app.config))
    db.session.commit()
    [request] = chat.requests
    lines = request["json"]["messages"][1]["content"].split("\n")
    cut = " ".join(long_text.split())[:abstracts.TEXT_MAX - 1].rstrip() + "…"
    assert lines == [
        "Thema: Kita Plätze",
        "Schlagwörter: kita, plätze",
        "",
        "Beiträge (Sprachkürzel in eckigen Klammern: unübersetztes Original):",
        "1. Es gibt zu wenige Kitaplätze",  # the representative quotes first; the German translation
        "2. Beitrag 2 über die Kita",
        "3. Beitrag 0 über die Kita",
        f"4. {cut}",
        "5. Beitrag 3 über die Kita",
        "6. Beitrag 4 über die Kita",
        "7. [fa] مهدکودک کم است",  # no translation: the original, marked
        "8. Beitrag 7 über die Kita",
    ]
    assert len(cut) <= abstracts.TEXT_MAX and len(long_text) > abstracts.TEXT_MAX
    assert record["written"] == 1 and record["input_hashes"][str(theme.id)]
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).abstract == "Die Beiträge zum Thema Kita Plätze fordern Verbesserungen."
    assert db.session.get(AnalysisRun, run.id).parameters["abstracts"]["written"] == 1


def test_the_representatives_come_first_then_the_members_closest_to_the_centre(db):
    _consultation, _run, [(theme, members)] = build(db, {"Kita": [("de", f"Text {n}") for n in range(10)]})
    theme.representative_ids = [members[3].id, 2**31 - 1, members[3].id]  # a stale id and a repetition
    closeness = {m.id: n / 10 for n, m in enumerate(members)}  # the later, the closer
    chosen = abstracts.chosen_members(theme, members, closeness)
    assert [c.id for c in chosen] == [members[i].id for i in (3, 9, 8, 7, 6, 5, 4, 2)]


@needs_method
def test_a_recomputation_rewrites_the_abstracts(db, chat, configure):
    configure()
    consultation, _made = make_dataset()
    run_now(db, consultation)
    theme = stored(consultation)[0]
    themes.rename_theme(theme, "Kinderbetreuung", make_user("working_group"))
    db.session.commit()
    chat.reply = lambda body: "Zweite Fassung."
    run_now(db, consultation)
    assert stored(consultation) and {t.abstract for t in stored(consultation)} == {"Zweite Fassung."}


# --- failures ---------------------------------------------------------------------------------

@needs_method
@pytest.mark.parametrize("failure", [
    (500, {"error": "overloaded"}),
    (200, b"{not json"),
    (200, chat_completion("   ")),
    (200, {"choices": []}),
    (200, {"choices": [{"message": {"content": "Halb"}, "finish_reason": "length"}]}),
    (200, None, 2.0),  # longer than SUMMARY_TIMEOUT
], ids=["500", "not-json", "empty", "no-choices", "cut-off", "timeout"])
def test_a_failure_leaves_that_theme_without_abstract_and_the_run_finishes(db, chat, configure, failure):
    configure(SUMMARY_TIMEOUT=1)
    consultation, _made = make_dataset()
    chat.script(failure)
    run = run_now(db, consultation)

    assert run.status is RunStatus.DONE, run.error
    found = stored(consultation)
    record = run.parameters["abstracts"]
    assert (record["written"], record["failed"]) == (len(found) - 1, 1)
    assert len(chat.requests) == len(found)
    assert sum(1 for t in found if t.abstract is None) == 1
    assert all(t.abstract.startswith("Die Beiträge") for t in found if t.abstract)


def test_after_repeated_transient_failures_the_remaining_themes_are_not_sent(db, app, chat, configure):
    configure()
    _consultation, run, built = build(db, {f"Thema {n}": [("de", f"Text {n}")] for n in range(5)})
    chat.script(*[(503, {"error": "down"})] * 5)
    record = abstracts.write_abstracts(run, [t for t, _m in built], abstracts.get_summariser(app.config))
    assert len(chat.requests) == abstracts.GIVE_UP_AFTER
    assert (record["written"], record["failed"]) == (0, 5)


def test_an_abstract_is_dropped_when_the_theme_changed_while_it_was_written(db, app, chat, configure):
    configure()
    _consultation, run, [(theme, members), (other, _o)] = build(db, {"Kita": [("de", "Mehr Kitaplätze"),
                                                                             ("de", "Kita am Abend")],
                                                                    "Wohnen": [("de", "Mieten")]})
    theme_id = theme.id

    def move_while_writing(body):  # an analyst moves a contribution meanwhile (another connection)
        with app.app_context():
            from app.extensions import db as other_db

            found = other_db.session.get(Theme, theme_id)
            if found is not None and "Kita" in body["messages"][1]["content"]:
                themes.move_contributions(found, [members[1].id], other_db.session.get(Theme, other.id), None)
                other_db.session.commit()
            other_db.session.remove()
        return "Zusammenfassung."

    chat.reply = move_while_writing
    record = abstracts.write_abstracts(run, [theme, other], abstracts.get_summariser(app.config))
    assert (record["written"], record["skipped"]) == (0, 2)
    db.session.expire_all()
    assert db.session.get(Theme, theme_id).abstract is None


# --- analysts' edits --------------------------------------------------------------------------

def test_moving_splitting_and_merging_drop_the_abstracts_a_rename_keeps_them(db):
    analyst = make_user("working_group")
    _consultation, _run, built = build(db, {"Kita": [("de", "Kita 1"), ("de", "Kita 2"), ("de", "Kita 3")],
                                            "Wohnen": [("de", "Miete 1"), ("de", "Miete 2")],
                                            "Sprache": [("de", "Kurs 1"), ("de", "Kurs 2")],
                                            "Verkehr": [("de", "Bus 1")]}, abstract="Eine Zusammenfassung.")
    (kita, kita_members), (wohnen, _w), (sprache, sprache_members), (verkehr, _v) = built

    themes.rename_theme(kita, "Kinderbetreuung", analyst)
    db.session.commit()
    assert kita.abstract == "Eine Zusammenfassung." and kita.abstract_model == MODEL

    themes.move_contributions(kita, [kita_members[0].id], wohnen, analyst)
    db.session.commit()
    assert (kita.abstract, kita.abstract_model, kita.abstract_at) == (None, None, None)
    assert wohnen.abstract is None and sprache.abstract and verkehr.abstract

    new = themes.split_theme(sprache, [sprache_members[0].id], "Abendkurse", analyst)
    db.session.commit()
    assert sprache.abstract is None and new.abstract is None and verkehr.abstract

    verkehr_id = verkehr.id
    kita.abstract, kita.abstract_model = "Wieder da.", MODEL
    themes.merge_theme(kita, verkehr, analyst)
    db.session.commit()
    assert db.session.get(Theme, verkehr_id).abstract is None


# --- shown on pages, in the memo and in the JSON -----------------------------------------------

@needs_method
def test_the_abstract_is_shown_escaped_marked_as_machine_written(client, db, login_as, runner, chat, configure):
    configure()
    chat.reply = lambda body: "<script>alert(1)</script> Mehr Kitaplätze & kürzere Wartelisten."
    consultation, _made = make_dataset()
    run = run_now(db, consultation)
    assert run.status is RunStatus.DONE, run.error
    answer = "<script>alert(1)</script> Mehr Kitaplätze & kürzere Wartelisten."
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; Mehr Kitaplätze &amp; kürzere Wartelisten."
    label = de(ABSTRACT_LABEL, model=MODEL)

    analyst = login_as("working_group")
    page = client.get(f"/de/analysis/consultations/{consultation.slug}/themes").get_data(as_text=True)
    assert page.count(f'<p lang="de" dir="ltr">{escaped}</p>') == len(stored(consultation))
    assert "<script>alert(1)" not in page and label in page
    assert "127.0.0.1" in page and KEY not in page  # the service's host is named, never the key
    theme = stored(consultation)[0]
    detail = client.get(f"/en/analysis/themes/{theme.id}").get_data(as_text=True)
    assert f'<p lang="de" dir="ltr">{escaped}</p>' in detail and "<script>alert(1)" not in detail
    assert ABSTRACT_LABEL % {"model": MODEL} in detail
    summary = client.get(f"/de/analysis/consultations/{consultation.slug}").get_data(as_text=True)
    assert escaped in summary

    body = client.get(f"/api/v1/consultations/{consultation.slug}/summary").get_json()
    assert body["themes"] and all(t["abstract"] == answer for t in body["themes"])
    printed = runner.invoke(args=["analysis", "run", "--consultation", consultation.slug, "--format", "json"])
    assert all(t["abstract"] == answer for t in json.loads(printed.output)["themes"])

    from docx import Document

    runs.approve_run(themes.latest_run(themes.consultation_scope(consultation), done=True), analyst)
    db.session.commit()
    response = client.get(f"/en/analysis/consultations/{consultation.slug}/memo.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert text.count(answer) == len(stored(consultation)) and text.count(label) == len(stored(consultation))
    pdf = client.get(f"/en/analysis/consultations/{consultation.slug}/memo.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


# --- the migration ----------------------------------------------------------------------------

def test_the_migration_adds_and_removes_the_columns(app, db):
    from flask_migrate import downgrade, upgrade

    from tests.conftest import MIGRATIONS

    _consultation, _run, [(theme, _m)] = build(db, {"Kita": [("de", "Kita")]}, abstract="Kurz.")
    theme_id = theme.id
    db.session.remove()

    def columns():
        return {c["name"] for c in sa.inspect(db.engine).get_columns("themes")}

    assert {"abstract", "abstract_model", "abstract_at"} <= columns()
    downgrade(directory=MIGRATIONS, revision="998cefff3702")
    assert not ({"abstract", "abstract_model", "abstract_at"} & columns())
    upgrade(directory=MIGRATIONS)
    assert {"abstract", "abstract_model", "abstract_at"} <= columns()
    kept = db.session.get(Theme, theme_id)
    assert kept is not None and kept.label == "Kita" and kept.abstract is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 1
