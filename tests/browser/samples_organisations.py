"""Sample objects and URL arguments for the browser tests of the organisations pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py)."""
from __future__ import annotations


def build() -> tuple[dict, dict, dict]:
    import sqlalchemy as sa

    from app.consultations.models import Consultation
    from app.demo import DEMO_SLUG
    from app.extensions import db
    from app.organisations.invitations import create_invitation
    from app.organisations.models import MembershipRole, OrganisationStatus, OrganisationType
    from tests.factories import make_organisation, make_user

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    owner = make_user("organisation_member", email="org-owner@example.org", display_name="Amal Haddad")
    mediator = make_user("organisation_member", email="org-mediator@example.org", display_name="Olena Koval")
    verified = make_organisation(
        "verein-nachbarschaft-browser", name="Verein Nachbarschaft Gröpelingen",
        type=OrganisationType.MIGRANT_SELF_ORGANISATION, languages=["de", "ar", "uk"],
        districts=["Gröpelingen", "Walle"], contact_name="Amal Haddad", contact_email="kontakt@verein.example",
        website="https://verein.example",
        description={"de": "Wir beraten Familien im Stadtteil.", "ar": "نحن نقدم المشورة للعائلات في الحي."},
        cohosts=[demo] if demo is not None else [],
        members=[(owner, "owner"), (mediator, "language_mediator")])
    pending = make_organisation("neuer-verein-browser", name="Neuer Verein", status=OrganisationStatus.PENDING,
                                contact_email="neu@verein.example", description={"de": "Gerade gegründet."},
                                members=[(make_user(email="pending-owner@example.org"), "owner")])
    # The administrator of the browser tests (created later, admin@example.org) is the invited person.
    _invitation, token = create_invitation(verified, "admin@example.org", MembershipRole.MEMBER, owner)
    db.session.commit()
    by_slug = {"slug": verified.slug}
    endpoint_args = {
        "organisations.profile": by_slug,
        "organisations.manage": by_slug,
        "organisations.edit": by_slug,
        "organisations.accept_invitation": {"token": token},
        "organisations.staff_review": {"organisation_id": pending.id},
    }
    extra_paths = {
        "organisation-invitation-invalid": "/organisations/invitations/not-a-valid-token",
    }
    return {"organisation_id": pending.id}, endpoint_args, extra_paths
