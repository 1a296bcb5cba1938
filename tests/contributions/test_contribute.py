"""The contribution form: every question kind, server-side validation, refusal of bad input."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import ConsultationStatus, ModerationMode, QuestionKind, Visibility
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus
from tests.factories import make_consultation
from tests.helpers import count, get_csrf_token

ALL_KINDS = [
    {"kind": QuestionKind.FREE_TEXT, "required": True, "prompt": {"de": "Ihre Idee", "en": "Your idea"}},
    {"kind": QuestionKind.SINGLE_CHOICE, "required": True, "options": [{"de": "Ja", "en": "Yes"}, {"de": "Nein", "en": "No"}]},
    {"kind": QuestionKind.MULTIPLE_CHOICE, "options": ["Sprache", "Arbeit", "Wohnen"]},
    {"kind": QuestionKind.SCALE},
    {"kind": QuestionKind.FREE_TEXT, "prompt": {"de": "Noch etwas?"}},
]


@pytest.fixture()
def consultation(seeded):
    return make_consultation(questions=ALL_KINDS)


def _path(consultation, lang="en"):
    return f"/{lang}/consultations/{consultation.slug}/contribute"


def _valid_data(client, consultation, **overrides):
    q = consultation.questions
    data = {
        "csrf_token": get_csrf_token(client, _path(consultation)),
        "language": "tr",
        f"q{q[0].id}": "  Mahallede daha fazla kurs olmalı.  ",
        f"q{q[1].id}": str(q[1].options[0].id),
        f"q{q[2].id}": [str(q[2].options[0].id), str(q[2].options[2].id)],
        f"q{q[3].id}": "4",
        f"q{q[4].id}": "Zweiter Text",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_form_renders_every_question_kind_with_labels(client, consultation, db):
    consultation.asks_self_description = False  # its radios and checkboxes are tested in tests/privacy
    db.session.commit()
    response = client.get(_path(consultation))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    q = consultation.questions
    assert f'<textarea' in html and f'id="q{q[0].id}"' in html and 'maxlength="5000"' in html
    assert html.count('type="radio"') == 2 + 5
    assert html.count('type="checkbox"') == 3 + 1  # and the consent to store an e-mail address
    assert "<legend>" in html and "(required)" in html
    assert 'name="csrf_token"' in html
    assert '<option selected value="auto">' in html  # recognised automatically unless the author chooses


def test_submission_stores_every_answer(client, consultation):
    response = client.post(_path(consultation), data=_valid_data(client, consultation))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/consultations/{consultation.slug}/thanks")
    contribution = consultation_contributions(consultation)[0]
    assert contribution.language == "tr"
    assert contribution.channel is Channel.ONLINE
    assert contribution.status is ContributionStatus.PUBLISHED
    assert contribution.author_id is None
    assert contribution.text == "Mahallede daha fazla kurs olmalı.\n\nZweiter Text"
    answers = {a.question_id: a for a in contribution.answers}
    q = consultation.questions
    assert answers[q[1].id].choices == [q[1].options[0]]
    assert [o.id for o in answers[q[2].id].choices] == [q[2].options[0].id, q[2].options[2].id]
    assert answers[q[3].id].scale_value == 4
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "has been published" in thanks.get_data(as_text=True)
    page = client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)
    assert 'lang="tr" dir="ltr"' in page and "Mahallede daha fazla kurs" in page


@pytest.mark.parametrize("lang, shown", [("en", "4 of 5"), ("de", "4 von 5"), ("ar", "4 من 5"), ("tr", "5 üzerinden 4")])
def test_a_scale_answer_reads_as_value_of_maximum_in_every_direction(client, consultation, lang, shown):
    """Not "4 / 5": in a right-to-left page the bidi algorithm shows that as "5 / 4"."""
    assert client.post(_path(consultation), data=_valid_data(client, consultation)).status_code == 303
    contribution = consultation_contributions(consultation)[0]
    for path in (f"/{lang}/consultations/{consultation.slug}", f"/{lang}/consultations/{consultation.slug}/contributions/{contribution.id}"):
        html = client.get(path).get_data(as_text=True)
        assert shown in html and "4 / 5" not in html


def test_optional_questions_may_stay_empty(client, consultation):
    q = consultation.questions
    data = _valid_data(client, consultation, **{f"q{q[2].id}": None, f"q{q[3].id}": None, f"q{q[4].id}": ""})
    assert client.post(_path(consultation), data=data).status_code == 303
    contribution = consultation_contributions(consultation)[0]
    assert {a.question_id for a in contribution.answers} == {q[0].id, q[1].id}


def consultation_contributions(consultation):
    from app.extensions import db

    return db.session.scalars(sa.select(Contribution).where(Contribution.consultation_id == consultation.id)).all()


@pytest.mark.parametrize("case", ["empty_required_text", "blank_required_text", "too_long", "wrong_choice",
                                  "choice_of_other_question", "scale_out_of_range", "scale_not_number",
                                  "missing_single_choice", "unknown_language", "multi_wrong"])
def test_bad_input_is_refused_with_message_and_nothing_written(client, consultation, db, case):
    q = consultation.questions
    other = make_consultation(questions=[{"kind": QuestionKind.SINGLE_CHOICE, "options": ["A", "B"]}])
    overrides = {
        "empty_required_text": {f"q{q[0].id}": ""},
        "blank_required_text": {f"q{q[0].id}": "   \n  "},
        "too_long": {f"q{q[0].id}": "x" * 5001},
        "wrong_choice": {f"q{q[1].id}": "999999"},
        "choice_of_other_question": {f"q{q[1].id}": str(other.questions[0].options[0].id)},
        "scale_out_of_range": {f"q{q[3].id}": "6"},
        "scale_not_number": {f"q{q[3].id}": "viel"},
        "missing_single_choice": {f"q{q[1].id}": None},
        "unknown_language": {"language": "xx"},
        "multi_wrong": {f"q{q[2].id}": [str(q[2].options[0].id), "abc"]},
    }[case]
    response = client.post(_path(consultation), data=_valid_data(client, consultation, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert 'class="error"' in html  # the message also stands next to its field
    assert count(db, Contribution) == 0 and count(db, Answer) == 0


def test_error_message_is_translated(client, consultation, db):
    q = consultation.questions
    data = _valid_data(client, consultation, **{f"q{q[0].id}": ""})
    html = client.post(_path(consultation, "en"), data=data).get_data(as_text=True)
    assert "Please answer this question." in html
    assert f'href="#q{q[0].id}"' in html  # the error summary links to the field


def test_entered_text_is_kept_after_an_error(client, consultation):
    q = consultation.questions
    data = _valid_data(client, consultation, **{f"q{q[1].id}": None, f"q{q[0].id}": "Mein <b>langer</b> Text"})
    html = client.post(_path(consultation), data=data).get_data(as_text=True)
    assert "Mein &lt;b&gt;langer&lt;/b&gt; Text" in html


def test_missing_or_wrong_csrf_token_is_400(client, consultation, db):
    data = _valid_data(client, consultation)
    data.pop("csrf_token")
    assert client.post(_path(consultation), data=data).status_code == 400
    data["csrf_token"] = "forged"
    response = client.post(_path(consultation), data=data)
    assert response.status_code == 400
    assert "session has expired" in response.get_data(as_text=True)
    assert count(db, Contribution) == 0


def test_one_megabyte_body_is_413(client, consultation, db):
    q = consultation.questions
    data = _valid_data(client, consultation, **{f"q{q[0].id}": "x" * (1024 * 1024)})
    response = client.post(_path(consultation), data=data)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count(db, Contribution) == 0


@pytest.mark.parametrize("setup", ["closed", "expired", "not_yet_open", "evaluated"])
def test_closed_consultation_refuses_contributions(client, seeded, db, setup):
    kwargs = {
        "closed": {"status": ConsultationStatus.CLOSED},
        "expired": {"closes_in": timedelta(minutes=-1)},
        "not_yet_open": {"opens_at": None},
        "evaluated": {"status": ConsultationStatus.EVALUATED},
    }[setup]
    if setup == "not_yet_open":
        from app.core.timeutil import utcnow

        kwargs = {"opens_at": utcnow() + timedelta(days=3)}
    consultation = make_consultation(**kwargs)
    response = client.get(_path(consultation))
    assert response.status_code == 409
    assert "not accepting contributions" in response.get_data(as_text=True)
    token = get_csrf_token(client, _path(make_consultation()))  # a valid token from an open form
    data = {"csrf_token": token, "language": "de", f"q{consultation.questions[0].id}": "Hallo"}
    assert client.post(_path(consultation), data=data).status_code == 409
    assert count(db, Contribution) == 0


def test_draft_consultation_is_404(client, seeded, db):
    consultation = make_consultation(status=ConsultationStatus.DRAFT)
    assert client.get(_path(consultation)).status_code == 404
    assert client.post(_path(consultation), data={"language": "de"}).status_code in (400, 404)
    assert count(db, Contribution) == 0


def test_login_required_when_anonymous_contributions_not_allowed(client, seeded, db, login_as):
    consultation = make_consultation(allow_anonymous=False)
    response = client.get(_path(consultation))
    assert response.status_code == 401
    assert "/en/account/login?next=" in response.get_data(as_text=True)
    user = login_as("resident")
    data = {"csrf_token": get_csrf_token(client, _path(consultation)), "language": "de",
            f"q{consultation.questions[0].id}": "Angemeldet geschrieben"}
    assert client.post(_path(consultation), data=data).status_code == 303
    assert consultation_contributions(consultation)[0].author_id == user.id


def test_premoderation_keeps_contribution_pending(client, seeded):
    consultation = make_consultation(moderation=ModerationMode.PRE)
    data = {"csrf_token": get_csrf_token(client, _path(consultation)), "language": "de",
            f"q{consultation.questions[0].id}": "Wartet auf Freigabe"}
    response = client.post(_path(consultation), data=data)
    assert consultation_contributions(consultation)[0].status is ContributionStatus.PENDING
    assert "after a moderator has checked it" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wartet auf Freigabe" not in client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)


def test_thanks_page_needs_own_submission(client, consultation, app):
    assert client.get(f"/en/consultations/{consultation.slug}/thanks").status_code == 404
    client.post(_path(consultation), data=_valid_data(client, consultation))
    assert client.get(f"/en/consultations/{consultation.slug}/thanks").status_code == 200
    assert app.test_client().get(f"/en/consultations/{consultation.slug}/thanks").status_code == 404


def test_invitation_consultation_accepts_contribution_after_link(client, seeded):
    consultation = make_consultation(visibility=Visibility.INVITATION)
    assert client.get(_path(consultation)).status_code == 404
    client.get(f"/de/invitation/{consultation.invite_token}")
    assert client.get(_path(consultation)).status_code == 200


def test_service_rechecks_rules(seeded, db):
    from app.contributions.services import ContributionRefused, submit_contribution

    consultation = make_consultation(questions=ALL_KINDS)
    q = consultation.questions
    with pytest.raises(ContributionRefused):
        submit_contribution(consultation, {q[0].id: "ok", q[1].id: [q[1].options[0].id, q[1].options[1].id]}, language="de")
    with pytest.raises(ContributionRefused):
        submit_contribution(consultation, {q[1].id: [q[1].options[0].id]}, language="de")  # required text missing
    with pytest.raises(ContributionRefused):
        submit_contribution(consultation, {q[0].id: "a\x00b", q[1].id: [q[1].options[0].id]}, language="de")
    with pytest.raises(ContributionRefused):
        submit_contribution(consultation, {q[0].id: "ok", q[1].id: [q[1].options[0].id], 987654: "x"}, language="de")
    db.session.rollback()
    assert count(db, Contribution) == 0
