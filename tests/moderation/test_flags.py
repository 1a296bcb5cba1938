"""Reporting a contribution: anyone may, once; three different readers hide it at once."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from app.contributions.models import Contribution, ContributionStatus
from app.moderation.models import AuditEntry, Flag, FlagReason
from tests.factories import HOSTILE, make_consultation, make_contribution
from tests.helpers import count
from tests.moderation.helpers import reload, report, report_url, rows, token


@pytest.fixture()
def contribution(db):
    return make_contribution(make_consultation(), text=f"Ein Beitrag zum Melden {HOSTILE}")


def _hmac(app, message: str) -> str:
    return hmac.new(app.config["SECRET_KEY"].encode(), message.encode(), hashlib.sha256).hexdigest()


def test_anonymous_reader_reports_with_reason_and_comment(app, client, db, contribution):
    response = report(client, contribution, reason="personal_data", comment="Nennt den Namen einer Nachbarin.")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/consultations/{contribution.consultation.slug}#contributions-heading")
    [flag] = rows(db, Flag)
    assert flag.contribution_id == contribution.id and flag.reason is FlagReason.PERSONAL_DATA
    assert flag.comment == "Nennt den Namen einer Nachbarin." and flag.resolved_at is None
    with client.session_transaction() as session:
        reader_id = session["reader_id"]
    assert len(reader_id) >= 16 and flag.reporter_key == _hmac(app, reader_id)
    assert "127.0.0.1" not in flag.reporter_key and len(flag.reporter_key) == 64
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your report. A moderator will check the contribution." in page
    assert reload(db, Contribution, contribution.id).status is ContributionStatus.PUBLISHED


def test_signed_in_reader_is_identified_by_a_keyed_hash_of_the_account(app, client, db, contribution, login_as):
    user = login_as("resident")
    assert report(client, contribution, reason="spam").status_code == 303
    [flag] = rows(db, Flag)
    assert flag.reporter_key == _hmac(app, f"user:{user.id}") and flag.comment is None
    with client.session_transaction() as session:
        assert "reader_id" not in session


def test_second_report_by_the_same_reader_is_thanked_and_not_counted(client, db, contribution):
    assert report(client, contribution, reason="spam").status_code == 303
    response = report(client, contribution, reason="off_topic", comment="again")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already reported this contribution" in page
    [flag] = rows(db, Flag)
    assert flag.reason is FlagReason.SPAM


@pytest.mark.parametrize("data, message", [
    ({"flag-reason": "king"}, "Please choose one of the options offered."),
    ({"flag-reason": ""}, "Please choose a reason."),
    ({}, "Please choose a reason."),
    ({"flag-reason": "spam", "flag-comment": "x" * 501}, "Please write at most 500 characters."),
    ({"flag-reason": "spam", "flag-comment": "bad\x00byte"}, "without control characters"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, db, contribution, data, message):
    url = report_url(contribution)
    response = client.post(url, data={"flag-csrf_token": token(client, url), **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert count(db, Flag) == 0


def test_a_comment_of_exactly_500_characters_is_accepted(client, db, contribution):
    assert report(client, contribution, comment="é" * 500).status_code == 303
    assert rows(db, Flag)[0].comment == "é" * 500


def test_missing_or_wrong_csrf_token_is_a_400_and_nothing_is_written(client, db, contribution):
    url = report_url(contribution)
    client.get(url)
    assert client.post(url, data={"flag-reason": "spam"}).status_code == 400
    assert client.post(url, data={"flag-reason": "spam", "flag-csrf_token": "forged"}).status_code == 400
    assert count(db, Flag) == 0


@pytest.mark.parametrize("status", [ContributionStatus.PENDING, ContributionStatus.HIDDEN])
def test_only_published_contributions_can_be_reported(client, db, status):
    hidden = make_contribution(make_consultation(), status=status)
    url = report_url(hidden)
    assert client.get(url).status_code == 404
    csrf = token(client, "/en/account/login")
    assert client.post(url, data={"flag-reason": "spam", "flag-csrf_token": csrf}).status_code == 404
    assert count(db, Flag) == 0


def test_unknown_contribution_or_foreign_consultation_is_a_404(client, db, contribution):
    other = make_consultation()
    assert client.get(f"/en/consultations/{other.slug}/contributions/{contribution.id}/report").status_code == 404
    assert client.get(f"/en/consultations/{other.slug}/contributions/99999999999/report").status_code == 404


def test_three_different_readers_hide_a_contribution_at_once(app, db, contribution):
    slug = contribution.consultation.slug
    for n, reason in enumerate(["discriminatory", "discriminatory", "other"], start=1):
        reader = app.test_client()
        response = report(reader, contribution, reason=reason)
        assert response.status_code == 303
        status = reload(db, Contribution, contribution.id).status
        assert status is (ContributionStatus.HIDDEN if n == 3 else ContributionStatus.PUBLISHED)
    hidden = reload(db, Contribution, contribution.id)
    assert hidden.moderation_reason == "flagged" and hidden.moderated_at is not None and hidden.moderated_by_id is None
    [entry] = rows(db, AuditEntry)
    assert entry.action == "contribution.auto_hide" and entry.actor_id is None and entry.actor_label == "system"
    assert entry.object_id == contribution.id and entry.details["reporters"] == 3

    html = app.test_client().get(f"/en/consultations/{slug}").get_data(as_text=True)
    assert "This contribution is hidden until a moderator has checked it." in html
    assert "Ein Beitrag zum Melden" not in html
    assert app.test_client().get(f"/en/consultations/{slug}/contributions/{contribution.id}").status_code == 404


def test_three_reports_from_one_reader_do_not_hide(client, db, contribution):
    for reason in ("spam", "off_topic", "other"):
        assert report(client, contribution, reason=reason).status_code == 303
    assert reload(db, Contribution, contribution.id).status is ContributionStatus.PUBLISHED
    assert count(db, Flag) == 1 and count(db, AuditEntry) == 0


def test_one_account_and_its_anonymous_session_are_two_readers_but_no_more(app, client, db, contribution, login_as):
    assert report(client, contribution).status_code == 303
    login_as("resident")
    assert report(client, contribution).status_code == 303
    assert report(client, contribution).status_code == 303
    assert count(db, Flag) == 2
    assert reload(db, Contribution, contribution.id).status is ContributionStatus.PUBLISHED


def test_contribution_page_has_the_report_form_and_the_list_a_report_link(client, db, contribution):
    slug = contribution.consultation.slug
    page = client.get(f"/en/consultations/{slug}/contributions/{contribution.id}").get_data(as_text=True)
    assert "Report this contribution" in page
    assert f'action="/en/consultations/{slug}/contributions/{contribution.id}/report"' in page
    assert 'name="flag-reason"' in page and 'value="personal_data"' in page and 'maxlength="500"' in page
    assert 'href="/en/netiquette"' in page
    listing = client.get(f"/en/consultations/{slug}").get_data(as_text=True)
    assert f'href="/en/consultations/{slug}/contributions/{contribution.id}/report"' in listing
    assert f'aria-label="Report contribution {contribution.id}"' in listing
    standalone = client.get(report_url(contribution))
    assert standalone.status_code == 200
    assert "Contains personal data" in standalone.get_data(as_text=True)


def test_netiquette_page_is_translated_and_linked_from_the_footer(client, db):
    response = client.get("/en/netiquette")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ("Be respectful", "No discrimination", "No personal data of others", "Stay on topic",
                    "What the moderators do"):
        assert heading in html
    assert 'href="/en/netiquette"' in client.get("/en/").get_data(as_text=True)
    assert client.get("/de/netiquette").status_code == 200
