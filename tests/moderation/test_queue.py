"""The moderation queue: who may reach it, what it lists, and approving, hiding and restoring,
one by one and in bulk; what readers see afterwards; pre-moderation."""
from __future__ import annotations

import pytest

from app.consultations.models import ModerationMode
from app.contributions.models import Contribution, ContributionStatus
from app.contributions.services import submit_contribution
from app.moderation.models import AuditEntry, Flag, FlagReason
from tests.factories import HOSTILE, make_consultation, make_contribution
from tests.helpers import count
from tests.moderation.helpers import reload, report, rows, token

NOT_MODERATORS = ["anonymous", "resident", "organisation_member", "working_group"]
QUEUE = "/en/moderation/"


@pytest.fixture()
def world(db):
    consultation = make_consultation(title={"de": "Quartier", "en": "Neighbourhood"})
    other = make_consultation(title={"de": "Anderes", "en": "Other one"})
    return {
        "consultation": consultation,
        "other": other,
        "pending": make_contribution(consultation, text="Wartet auf Freigabe", status=ContributionStatus.PENDING),
        "published": make_contribution(consultation, text=f"Veröffentlicht {HOSTILE}"),
        "hidden": make_contribution(consultation, text="Schon versteckt", status=ContributionStatus.HIDDEN),
        "elsewhere": make_contribution(other, text="Woanders wartend", status=ContributionStatus.PENDING),
    }


def _flag(db, contribution, n: int, reason=FlagReason.SPAM, comment=None):
    for i in range(n):
        db.session.add(Flag(contribution_id=contribution.id, reason=reason, comment=comment,
                            reporter_key=f"{contribution.id}-{reason.value}-{i}".ljust(64, "0")))
    db.session.commit()


def _decide(client, contribution, **data):
    url = f"/en/moderation/contributions/{contribution.id}"
    return client.post(url, data={"csrf_token": token(client, url), **data})


def _bulk(client, ids, query="", **data):
    csrf = token(client, QUEUE + query)
    return client.post(f"/en/moderation/bulk{query}", data={"csrf_token": csrf, "ids": [str(i) for i in ids], **data})


@pytest.mark.parametrize("role", NOT_MODERATORS)
def test_queue_pages_are_a_404_for_everyone_but_moderators(client, db, world, login_as, role):
    if role != "anonymous":
        login_as(role)
    pending = world["pending"]
    for path in (QUEUE, f"{QUEUE}?view=hidden", f"/en/moderation/contributions/{pending.id}", "/en/moderation/bulk",
                 "/en/moderation/audit"):
        assert client.get(path).status_code == 404, path
    # POSTs too, before any CSRF check (that would reveal the page)
    assert client.post("/en/moderation/bulk", data={"ids": [str(pending.id)], "decision": "approve"}).status_code == 404
    assert client.post(f"/en/moderation/contributions/{pending.id}", data={"decision": "approve"}).status_code == 404
    assert reload(db, Contribution, pending.id).status is ContributionStatus.PENDING
    assert "/en/moderation/" not in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_reach_the_queue(client, world, login_as, role):
    login_as(role)
    for path in (QUEUE, f"{QUEUE}?view=flagged", f"{QUEUE}?view=hidden",
                 f"/en/moderation/contributions/{world['pending'].id}"):
        assert client.get(path).status_code == 200, path
    assert f'href="{QUEUE}"' in client.get("/en/").get_data(as_text=True)


def test_queue_lists_pending_reported_and_hidden_with_counts_and_reasons(client, db, world, login_as):
    login_as("moderator")
    _flag(db, world["published"], 2, FlagReason.DISCRIMINATORY, comment="Abwertend <b>gemeint</b>")
    _flag(db, world["published"], 1, FlagReason.OFF_TOPIC)
    pending = client.get(QUEUE).get_data(as_text=True)
    assert "Wartet auf Freigabe" in pending and "Woanders wartend" in pending
    assert "Veröffentlicht" not in pending and "Schon versteckt" not in pending
    assert "Awaiting approval (2)" in pending and "Reported (1)" in pending and "Hidden (1)" in pending

    flagged = client.get(f"{QUEUE}?view=flagged").get_data(as_text=True)
    assert "Veröffentlicht" in flagged and "<script>alert" not in flagged
    assert "3 reports" in flagged and "Discriminatory or hateful: 2" in flagged and "Off-topic: 1" in flagged
    review = client.get(f"/en/moderation/contributions/{world['published'].id}").get_data(as_text=True)
    assert "Abwertend &lt;b&gt;gemeint&lt;/b&gt;" in review

    hidden = client.get(f"{QUEUE}?view=hidden").get_data(as_text=True)
    assert "Schon versteckt" in hidden and "Wartet auf Freigabe" not in hidden

    filtered = client.get(f"{QUEUE}?consultation={world['other'].id}").get_data(as_text=True)
    assert "Woanders wartend" in filtered and "Wartet auf Freigabe" not in filtered
    assert "Awaiting approval (1)" in filtered


@pytest.mark.parametrize("query", ["?view=everything", "?consultation=999999", "?consultation=abc", "?page=0",
                                   "?page=x"])
def test_bad_queue_filters_are_a_400(client, world, login_as, query):
    login_as("moderator")
    assert client.get(QUEUE + query).status_code == 400


def test_approve_one_pending_contribution(client, db, world, login_as):
    moderator = login_as("moderator")
    pending = world["pending"]
    slug = world["consultation"].slug
    assert "Wartet auf Freigabe" not in client.get(f"/en/consultations/{slug}").get_data(as_text=True)
    response = _decide(client, pending, decision="approve", note="Passt.")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{QUEUE}?view=pending&consultation={pending.consultation_id}")
    approved = reload(db, Contribution, pending.id)
    assert approved.status is ContributionStatus.PUBLISHED and approved.moderated_by_id == moderator.id
    assert approved.moderation_reason is None and approved.moderated_at is not None
    assert "Wartet auf Freigabe" in client.get(f"/en/consultations/{slug}").get_data(as_text=True)
    [entry] = rows(db, AuditEntry)
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == \
        ("contribution.approve", moderator.id, "contribution", pending.id)
    assert entry.actor_label == f"{moderator.email} (moderator)" and entry.reason == "Passt."
    assert entry.details["previous_status"] == "pending" and entry.details["status"] == "published"


def test_hide_with_a_reason_shows_the_placeholder_and_never_the_text(app, client, db, world, login_as):
    moderator = login_as("moderator")
    published = world["published"]
    _flag(db, published, 2, FlagReason.PERSONAL_DATA)
    response = _decide(client, published, decision="hide", reason="personal_data", note="Name der Nachbarin")
    assert response.status_code == 303
    hidden = reload(db, Contribution, published.id)
    assert hidden.status is ContributionStatus.HIDDEN and hidden.moderation_reason == "personal_data"
    assert hidden.moderation_note == "Name der Nachbarin" and hidden.moderated_by_id == moderator.id
    assert all(flag.resolved_at is not None for flag in rows(db, Flag))
    [entry] = rows(db, AuditEntry)
    assert entry.action == "contribution.hide" and entry.reason == "personal_data"
    assert entry.details["note"] == "Name der Nachbarin" and entry.details["resolved_flags"] == 2

    reader = app.test_client()
    html = reader.get(f"/en/consultations/{world['consultation'].slug}").get_data(as_text=True)
    assert "Hidden by moderation: Contains personal data" in html
    assert "Veröffentlicht" not in html and "Name der Nachbarin" not in html
    assert "&lt;script&gt;" not in html.split('id="contributions-heading"')[1]
    assert reader.get(f"/en/consultations/{world['consultation'].slug}/contributions/{published.id}").status_code == 404
    # the open data API does not list it either
    api = reader.get(f"/api/v1/consultations/{world['consultation'].slug}/contributions").get_json()
    assert published.id not in [item["id"] for item in api["items"]]


def test_hiding_needs_a_reason_and_refuses_what_the_state_does_not_allow(client, db, world, login_as):
    login_as("moderator")
    published = world["published"]
    response = _decide(client, published, decision="hide", reason="")
    assert response.status_code == 422
    assert "Please choose a reason for hiding the contribution." in response.get_data(as_text=True)
    assert _decide(client, published, decision="hide", reason="king").status_code == 422
    # a published contribution without reports has nothing to approve; a hidden one is restored, not approved
    assert _decide(client, published, decision="approve").status_code == 422
    assert _decide(client, world["hidden"], decision="approve").status_code == 422
    assert _decide(client, published, decision="hide", reason="spam", note="x" * 501).status_code == 422
    assert reload(db, Contribution, published.id).status is ContributionStatus.PUBLISHED
    assert reload(db, Contribution, world["hidden"].id).status is ContributionStatus.HIDDEN
    assert count(db, AuditEntry) == 0


def test_missing_csrf_token_is_a_400_for_moderators(client, db, world, login_as):
    login_as("moderator")
    pending = world["pending"]
    assert client.post(f"/en/moderation/contributions/{pending.id}", data={"decision": "approve"}).status_code == 400
    assert client.post("/en/moderation/bulk", data={"ids": [str(pending.id)], "decision": "approve"}).status_code == 400
    assert reload(db, Contribution, pending.id).status is ContributionStatus.PENDING


def test_restore_a_contribution_hidden_by_reports(app, client, db, world, login_as):
    login_as("admin")
    published = world["published"]
    _flag(db, published, 3)
    published.status, published.moderation_reason = ContributionStatus.HIDDEN, "flagged"
    db.session.commit()
    assert _decide(client, published, decision="restore", note="Kein Verstoß").status_code == 303
    restored = reload(db, Contribution, published.id)
    assert restored.status is ContributionStatus.PUBLISHED and restored.moderation_reason is None
    assert all(flag.resolved_at is not None for flag in rows(db, Flag))
    [entry] = rows(db, AuditEntry)
    assert entry.action == "contribution.restore" and entry.reason == "Kein Verstoß"
    html = app.test_client().get(f"/en/consultations/{world['consultation'].slug}").get_data(as_text=True)
    assert "Veröffentlicht" in html and html.count("hidden until a moderator") == 1  # world["hidden"] only
    # resolved reports no longer count: one new reader does not hide it again
    assert report(app.test_client(), restored).status_code == 303
    assert reload(db, Contribution, published.id).status is ContributionStatus.PUBLISHED


def test_bulk_approve_and_skip_what_no_longer_fits(client, db, world, login_as):
    moderator = login_as("moderator")
    ids = [world["pending"].id, world["elsewhere"].id, world["published"].id]
    response = _bulk(client, ids, "?view=pending", decision="approve", note="Sammelfreigabe")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{QUEUE}?view=pending")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 contributions approved." in page and "1 contribution was skipped" in page
    for key in ("pending", "elsewhere"):
        assert reload(db, Contribution, world[key].id).status is ContributionStatus.PUBLISHED
    entries = rows(db, AuditEntry)
    assert sorted(e.object_id for e in entries) == sorted(ids[:2])
    assert all(e.action == "contribution.approve" and e.actor_id == moderator.id and e.reason == "Sammelfreigabe"
               for e in entries)


def test_bulk_hide_and_bulk_restore(app, client, db, world, login_as):
    login_as("moderator")
    targets = [world["pending"], world["elsewhere"]]
    response = _bulk(client, [c.id for c in targets], "?view=pending", decision="hide", reason="spam")
    assert response.status_code == 303
    for contribution in targets:
        hidden = reload(db, Contribution, contribution.id)
        assert hidden.status is ContributionStatus.HIDDEN and hidden.moderation_reason == "spam"
    html = app.test_client().get(f"/en/consultations/{world['other'].slug}").get_data(as_text=True)
    assert "Hidden by moderation: Spam or advertising" in html and "Woanders wartend" not in html

    hidden_ids = [world["hidden"].id, *(c.id for c in targets)]
    response = _bulk(client, hidden_ids, "?view=hidden", decision="restore")
    assert response.status_code == 303
    assert "3 contributions restored." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert all(reload(db, Contribution, i).status is ContributionStatus.PUBLISHED for i in hidden_ids)
    assert [e.action for e in rows(db, AuditEntry)].count("contribution.restore") == 3


def test_bulk_bad_input_is_a_422_with_nothing_changed(client, db, world, login_as):
    login_as("moderator")
    pending = world["pending"]
    cases = [
        ([], {"decision": "approve"}, "Please tick at least one contribution."),
        ([pending.id], {"decision": "hide", "reason": ""}, "Please choose a reason for hiding the contribution."),
        ([pending.id], {"decision": "restore"}, "Please choose one of the options offered."),  # not offered here
        ([pending.id], {}, "Please choose a decision."),
    ]
    for ids, data, message in cases:
        response = _bulk(client, ids, "?view=pending", **data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    response = client.post("/en/moderation/bulk?view=pending",
                           data={"csrf_token": token(client, QUEUE), "ids": ["1 OR 1=1"], "decision": "approve"})
    assert response.status_code == 422
    assert reload(db, Contribution, pending.id).status is ContributionStatus.PENDING
    assert count(db, AuditEntry) == 0


def test_pre_moderation_keeps_contributions_invisible_until_approved(app, client, db, login_as):
    consultation = make_consultation(moderation=ModerationMode.PRE)
    question = consultation.questions[0]
    contribution = submit_contribution(consultation, {question.id: "Erst nach Freigabe sichtbar"}, language="de")
    db.session.commit()
    assert contribution.status is ContributionStatus.PENDING
    reader = app.test_client()
    url = f"/en/consultations/{consultation.slug}"
    assert "Erst nach Freigabe sichtbar" not in reader.get(url).get_data(as_text=True)
    assert reader.get(f"{url}/contributions/{contribution.id}").status_code == 404
    assert reader.get(f"{url}/contributions/{contribution.id}/report").status_code == 404
    assert reader.get(f"/api/v1/consultations/{consultation.slug}/contributions").get_json()["total"] == 0

    login_as("moderator")
    assert "Erst nach Freigabe sichtbar" in client.get(QUEUE).get_data(as_text=True)
    assert _decide(client, contribution, decision="approve").status_code == 303
    assert "Erst nach Freigabe sichtbar" in reader.get(url).get_data(as_text=True)
    assert reader.get(f"/api/v1/consultations/{consultation.slug}/contributions").get_json()["total"] == 1
