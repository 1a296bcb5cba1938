"""The audit log: what ``record`` stores, that entries cannot be changed or deleted, that staff
actions and role changes are logged, and the administrators' page."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.consultations import services as staff
from app.consultations.models import ActionField, ConsultationStatus, QuestionKind, Visibility
from app.moderation.audit import record
from app.moderation.models import AuditEntry, AuditLogIsAppendOnly
from tests.factories import HOSTILE, make_consultation, make_contribution, make_user
from tests.moderation.helpers import reload, rows

AUDIT = "/en/moderation/audit"


def test_record_stores_actor_snapshot_object_reason_and_details(db):
    moderator = make_user(Role.MODERATOR, email="mod@example.org")
    contribution = make_contribution(make_consultation())
    entry = record(moderator, "contribution.hide", contribution, reason="spam", previous=ConsultationStatus.OPEN,
                   items={3, 1}, note=None)
    db.session.commit()
    stored = reload(db, AuditEntry, entry.id)
    assert (stored.actor_id, stored.actor_label) == (moderator.id, "mod@example.org (moderator)")
    assert (stored.action, stored.object_type, stored.object_id, stored.reason) == \
        ("contribution.hide", "contribution", contribution.id, "spam")
    assert stored.details == {"previous": "open", "items": [1, 3], "note": None}
    assert stored.created_at is not None


def test_record_without_an_actor_is_the_system_and_names_are_checked(db):
    entry = record(None, "user.role")
    assert entry.actor_id is None and entry.actor_label == "system" and entry.object_type is None
    for bad in ("", "Contribution.Hide", "a b", "x" * 65, "drop;table"):
        with pytest.raises(ValueError):
            record(None, bad)


def test_entries_cannot_be_changed_or_deleted(db):
    entry = record(make_user(Role.ADMIN), "consultation.update", reason="first")
    db.session.commit()
    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(reload(db, AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert reload(db, AuditEntry, entry.id).reason == "first"


def test_staff_actions_on_consultations_questions_and_action_fields_are_logged(seeded):
    db = seeded
    admin = make_user(Role.ADMIN, email="admin@example.org")
    field = db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).first()
    data = staff.ConsultationData(slug="audit-pruefung", title={"de": "Prüfung"}, action_field_ids=[field.id])
    consultation = staff.create_consultation(data, admin)
    data.title, data.visibility = {"de": "Prüfung, neu"}, Visibility.INVITATION
    staff.update_consultation(consultation, data, admin)
    staff.regenerate_invite_token(consultation, admin)
    first = staff.add_question(consultation, staff.QuestionData(kind=QuestionKind.FREE_TEXT, prompt={"de": "Was?"}),
                               admin)
    second = staff.add_question(consultation, staff.QuestionData(kind=QuestionKind.FREE_TEXT, prompt={"de": "Wie?"}),
                                admin)
    staff.move_question(second, -1, admin)
    staff.update_question(first, staff.QuestionData(kind=QuestionKind.FREE_TEXT, prompt={"de": "Was genau?"}), admin)
    staff.delete_question(second, admin)
    staff.set_status(consultation, ConsultationStatus.OPEN, admin)
    staff.update_action_field(field, staff.ActionFieldData(name={"de": "Sprache"}, description=dict(field.description),
                                                      position=field.position), admin)
    db.session.commit()

    entries = rows(db, AuditEntry)
    assert [e.action for e in entries] == [
        "consultation.create", "consultation.update", "consultation.invitation", "question.create",
        "question.create", "question.move", "question.update", "question.delete", "consultation.status",
        "action_field.update"]
    assert all(e.actor_id == admin.id and e.actor_label == "admin@example.org (admin)" for e in entries)
    by_action = {e.action: e for e in entries}
    assert by_action["consultation.create"].object_id == consultation.id
    assert {"title", "visibility"} <= set(by_action["consultation.update"].details["changed"])
    assert by_action["consultation.status"].details["previous"] == "draft"
    assert by_action["consultation.status"].details["status"] == "open"
    assert by_action["question.update"].details["changed"] == ["prompt"]
    assert by_action["question.delete"].object_id == second.id
    assert by_action["question.delete"].details["prompt"] == {"de": "Wie?"}
    assert by_action["action_field.update"].details["changed"] == ["name"]


def test_refused_staff_actions_write_no_entry(seeded):
    db = seeded
    admin = make_user(Role.ADMIN)
    consultation = make_consultation(status=ConsultationStatus.DRAFT, questions=[])
    with pytest.raises(staff.ActionRefused):
        staff.set_status(consultation, ConsultationStatus.OPEN, admin)
    db.session.rollback()
    assert rows(db, AuditEntry) == []


def test_role_changes_on_the_command_line_are_logged(runner, db):
    result = runner.invoke(args=["users", "create", "ada@example.org", "--name", "Ada", "--role", "admin",
                                 "--password", "a very long secret"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "set-role", "ada@example.org", "moderator"]).exit_code == 0
    assert runner.invoke(args=["users", "set-role", "nobody@example.org", "admin"]).exit_code != 0
    user = db.session.scalars(sa.select(User)).one()
    created, changed = rows(db, AuditEntry)
    assert (created.action, created.object_id, created.details["role"]) == ("user.create", user.id, "admin")
    assert (changed.action, changed.object_type, changed.object_id) == ("user.role", "user", user.id)
    assert changed.details == {"via": "cli", "previous": "admin", "role": "moderator"}
    assert changed.actor_label == "system"


@pytest.mark.parametrize("role", ["anonymous", "resident", "organisation_member", "moderator", "working_group"])
def test_audit_page_is_a_404_for_everyone_but_admins(client, db, login_as, role):
    if role != "anonymous":
        login_as(role)
    assert client.get(AUDIT).status_code == 404
    assert client.get(f"{AUDIT}?action=user.role").status_code == 404


def test_audit_page_lists_newest_first_filters_and_paginates(client, db, login_as):
    admin = login_as("admin")
    contribution = make_contribution(make_consultation())
    record(admin, "contribution.approve", contribution, reason=f"Freigabe {HOSTILE}")
    for n in range(24):
        record(admin, "contribution.hide", contribution, reason="personal_data", n=n)
    db.session.commit()

    html = client.get(AUDIT).get_data(as_text=True)
    assert "25 entries" in html and "Contribution hidden" in html and "Contains personal data" in html
    assert f"{admin.email} (admin)" in html and "<script>alert" not in html
    numbers = [int(n) for n in re.findall(r"<dt><code>n</code></dt><dd>(\d+)</dd>", html)]
    assert numbers == list(range(23, 3, -1))  # newest first, 20 a page
    second = client.get(f"{AUDIT}?page=2").get_data(as_text=True)
    assert "Freigabe &lt;script&gt;" in second

    only = client.get(f"{AUDIT}?action=contribution.approve").get_data(as_text=True)
    assert "1 entry" in only and "Freigabe" in only and "Contribution hidden</th>" not in only
    assert client.get(f"{AUDIT}?action=contribution.nonsense").status_code == 400
    assert client.get(f"{AUDIT}?page=abc").status_code == 400
