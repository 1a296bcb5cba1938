"""Moderation rules without pages: the permission predicates as a role matrix, reporter keys,
the public placeholder, and decisions refused before anything changes."""
from __future__ import annotations

import hashlib

import pytest

from app.accounts.models import Role
from app.contributions.models import ContributionStatus
from app.moderation import permissions, services
from app.moderation.models import AuditEntry, Flag, FlagReason
from tests.factories import make_consultation, make_contribution, make_user
from tests.helpers import count

ROLES = [None, *Role]
MAY_MODERATE = {Role.MODERATOR, Role.ADMIN}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_permission_matrix(db, role):
    user = make_user(role) if role else None
    consultation = make_consultation()
    assert permissions.can_moderate(user) is (role in MAY_MODERATE)
    assert permissions.can_moderate(user, consultation) is (role in MAY_MODERATE)
    assert permissions.can_read_audit_log(user) is (role is Role.ADMIN)


def test_only_published_contributions_can_be_flagged(db):
    consultation = make_consultation()
    for status in ContributionStatus:
        assert permissions.can_flag(make_contribution(consultation, status=status)) is \
            (status is ContributionStatus.PUBLISHED)


def test_reporter_keys_are_keyed_hashes_of_account_or_reader_id(app, db):
    user = make_user()
    account_key = services.reporter_key(user)
    reader_key = services.reporter_key(reader_id="abc" * 8)
    assert len(account_key) == len(reader_key) == 64 and account_key != reader_key
    assert services.reporter_key(user) == account_key  # stable
    assert account_key != hashlib.sha256(f"user:{user.id}".encode()).hexdigest()  # keyed, not a plain hash
    with pytest.raises(ValueError):
        services.reporter_key()
    app.config["SECRET_KEY"], old = "another-secret", app.config["SECRET_KEY"]
    try:
        assert services.reporter_key(user) != account_key
    finally:
        app.config["SECRET_KEY"] = old


def test_hidden_notice_names_the_reason_or_waits_for_a_moderator(app, db):
    consultation = make_consultation()
    published = make_contribution(consultation)
    assert services.hidden_notice(published) is None
    hidden = make_contribution(consultation, status=ContributionStatus.HIDDEN)
    with app.test_request_context("/en/"):
        from flask import g

        g.lang = "en"
        hidden.moderation_reason = "flagged"
        assert services.hidden_notice(hidden) == "This contribution is hidden until a moderator has checked it."
        hidden.moderation_reason = "discriminatory"
        assert services.hidden_notice(hidden) == "Hidden by moderation: Discriminatory or hateful"


def test_decisions_need_a_moderator_and_a_fitting_state(db):
    resident, moderator = make_user(Role.RESIDENT), make_user(Role.MODERATOR)
    contribution = make_contribution(make_consultation(), status=ContributionStatus.PENDING)
    with pytest.raises(PermissionError):
        services.decide(contribution, services.Decision.APPROVE, resident)
    with pytest.raises(services.ModerationRefused) as refused:
        services.decide(contribution, services.Decision.RESTORE, moderator)
    assert refused.value.reason == "state"
    with pytest.raises(services.ModerationRefused) as refused:
        services.decide(contribution, services.Decision.HIDE, moderator, reason=None)
    assert refused.value.reason == "reason"
    assert contribution.status is ContributionStatus.PENDING and count(db, AuditEntry) == 0


def test_bulk_decisions_skip_unknown_and_unfitting_contributions(db):
    moderator = make_user(Role.MODERATOR)
    consultation = make_consultation()
    pending = make_contribution(consultation, status=ContributionStatus.PENDING)
    published = make_contribution(consultation)
    outcome = services.decide_many([pending.id, published.id, 987654, -1, pending.id], services.Decision.APPROVE,
                                   moderator)
    assert outcome.done == [pending.id] and outcome.skipped == [published.id, 987654]
    assert count(db, AuditEntry) == 1


def test_reports_after_a_decision_start_counting_again(db):
    moderator = make_user(Role.MODERATOR)
    contribution = make_contribution(make_consultation())
    for key in ("a", "b"):
        services.flag_contribution(contribution, FlagReason.SPAM, None, key * 64)
    services.decide(contribution, services.Decision.APPROVE, moderator)
    assert services.open_reporters(contribution) == 0
    outcome = services.flag_contribution(contribution, FlagReason.SPAM, None, "c" * 64)
    assert outcome.counted and not outcome.hidden
    assert services.flag_contribution(contribution, FlagReason.OTHER, None, "a" * 64).counted is False
    assert count(db, Flag) == 3 and contribution.status is ContributionStatus.PUBLISHED
