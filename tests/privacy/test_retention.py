"""The retention rule: e-mail addresses and self-descriptions are removed N days after a
consultation closed; the contributions stay. ``flask --app wsgi privacy purge [--dry-run]``."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import Consultation, ConsultationStatus
from app.contributions.models import Contribution, ParticipantProfile
from app.contributions.privacy import closed_since, expired_consultation_ids, purge_personal_data
from app.core.timeutil import utcnow
from tests.factories import make_consultation, make_contribution
from tests.helpers import count

DAY = timedelta(days=1)


def _with_personal_data(db, consultation, n=1):
    for _ in range(n):
        contribution = make_contribution(consultation, "Bleibt stehen")
        contribution.contact_email, contribution.contact_consent_at = "x@example.org", utcnow() - 400 * DAY
        db.session.add(ParticipantProfile(contribution_id=contribution.id, consultation_id=consultation.id,
                                          gender="woman"))
    db.session.commit()


@pytest.fixture()
def world(seeded, db):
    now = utcnow()
    old_closed = make_consultation("old-closed", status=ConsultationStatus.CLOSED, closes_at=now - 200 * DAY)
    old_evaluated = make_consultation("old-evaluated", status=ConsultationStatus.EVALUATED, closes_at=None)
    old_evaluated.updated_at = now - 181 * DAY
    past_closing = make_consultation("past-closing", status=ConsultationStatus.OPEN, closes_at=now - 190 * DAY)
    recent = make_consultation("recently-closed", status=ConsultationStatus.CLOSED, closes_at=now - 10 * DAY)
    still_open = make_consultation("still-open", closes_in=timedelta(days=5))
    permanent = make_consultation("permanent", closes_in=None)
    db.session.commit()
    for consultation, n in [(old_closed, 2), (old_evaluated, 1), (past_closing, 1), (recent, 1), (still_open, 1),
                            (permanent, 1)]:
        _with_personal_data(db, consultation, n)
    return {c.slug: c for c in (old_closed, old_evaluated, past_closing, recent, still_open, permanent)}


def _personal(db, slug):
    """(contributions with an e-mail or consent time, self-descriptions, contributions) of ``slug``."""
    db.session.expire_all()
    consultation_id = db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug))
    contributions = db.session.scalars(sa.select(Contribution).where(
        Contribution.consultation_id == consultation_id)).all()
    emails = sum(1 for c in contributions if c.contact_email or c.contact_consent_at)
    profiles = db.session.scalar(sa.select(sa.func.count(ParticipantProfile.id)).where(
        ParticipantProfile.consultation_id == consultation_id))
    return emails, profiles, len(contributions)


EXPIRED = ("old-closed", "old-evaluated", "past-closing")
KEPT = ("recently-closed", "still-open", "permanent")


def test_closing_time_of_a_consultation(db, world):
    now = utcnow()
    assert closed_since(world["still-open"], now) is None
    assert closed_since(world["permanent"], now) is None
    assert closed_since(world["past-closing"], now) == world["past-closing"].closes_at
    assert closed_since(world["old-evaluated"], now) == world["old-evaluated"].updated_at
    # closed by staff before its closing time: the last change is the latest it can have closed
    early = make_consultation(status=ConsultationStatus.CLOSED, closes_at=now + 30 * DAY)
    assert closed_since(early, now) == early.updated_at
    draft = make_consultation(status=ConsultationStatus.DRAFT, closes_at=now - 400 * DAY)
    assert closed_since(draft, now) is None


def test_dry_run_counts_and_changes_nothing(db, world, runner):
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove 4 contact e-mail address(es) and 4 self-description(s) from 3 consultation(s)" \
           " closed more than 180 days ago" in result.output
    for slug in EXPIRED + KEPT:
        emails, profiles, _n = _personal(db, slug)
        assert emails >= 1 and profiles >= 1, slug


def test_purge_removes_personal_data_and_keeps_contributions(db, world, runner):
    contributions_before = count(db, Contribution)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 4 contact e-mail address(es) and 4 self-description(s) from 3 consultation(s)" in result.output
    assert "Contributions are kept." in result.output
    for slug in EXPIRED:
        assert _personal(db, slug)[:2] == (0, 0), slug
    for slug in KEPT:
        assert _personal(db, slug)[:2] == (1, 1), slug
    assert count(db, Contribution) == contributions_before
    # running again finds nothing more
    again = runner.invoke(args=["privacy", "purge"])
    assert "Removed 0 contact e-mail address(es) and 0 self-description(s) from 3 consultation(s)" in again.output


def test_days_come_from_config_or_option(app, db, world, runner, monkeypatch):
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 5)
    assert "from 4 consultation(s) closed more than 5 days ago" in runner.invoke(
        args=["privacy", "purge", "--dry-run"]).output
    assert "from 1 consultation(s) closed more than 195 days ago" in runner.invoke(
        args=["privacy", "purge", "--dry-run", "--days", "195"]).output
    bad = runner.invoke(args=["privacy", "purge", "--days", "-1"])
    assert bad.exit_code != 0 and _personal(db, "old-closed")[:2] == (2, 2)


def test_service_returns_counts(db, world):
    ids = expired_consultation_ids(180)
    assert sorted(ids) == sorted(world[s].id for s in EXPIRED)
    result = purge_personal_data(180, dry_run=True)
    assert (result.consultations, result.emails, result.self_descriptions, result.dry_run) == (3, 4, 4, True)
    result = purge_personal_data(180)
    db.session.commit()
    assert (result.emails, result.self_descriptions, result.dry_run) == (4, 4, False)
    assert count(db, ParticipantProfile) == 3
    with pytest.raises(ValueError):
        purge_personal_data(-1)
