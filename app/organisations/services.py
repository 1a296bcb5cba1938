"""Rules for organisations: registration and profile, verification by administrators, members and
their roles, co-hosting of consultations, and what the public profile lists.

Functions flush but never commit; the view commits once (or rolls back on an exception). Every rule
the forms check is checked here again, so other callers cannot bypass it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.consultations import queries as consultation_queries
from app.consultations.models import Consultation
from app.contributions.models import Contribution, ContributionStatus
from app.core.mail import MailError, send_mail, text_body
from app.core.timeutil import utcnow
from app.extensions import db
from app.i18n.content import clean_translations
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.moderation import audit
from app.organisations import permissions
from app.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    OrganisationType,
    Statement,
    consultation_cohosts,
)

NAME_MAX = 200
SLUG_MAX = 80
DISTRICT_MAX = 120
DISTRICTS_MAX = 30
CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
WEBSITE_MAX = 300
DESCRIPTION_MAX = 2000
NOTE_MAX = 500
# Words of the organisations' addresses that a slug may not take.
RESERVED_SLUGS = frozenset({"register", "mine", "invitations", "new"})
# Languages an organisation may name: every contribution language but "und".
ORGANISATION_LANGUAGES = tuple(code for code in CONTRIBUTION_LANGUAGES if code != "und")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

audit.register_actions({
    "organisation.verify": _l("Organisation verified"),
    "organisation.reject": _l("Organisation rejected"),
    "organisation.suspend": _l("Organisation suspended"),
    "organisation.cohost_add": _l("Co-hosting organisation added"),
    "organisation.cohost_remove": _l("Co-hosting organisation removed"),
    "membership.role": _l("Member role changed"),
    "membership.remove": _l("Member removed"),
})


class InvalidInput(Exception):
    """Input the rules refuse: ``errors`` maps a field name to its translated message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class ActionRefused(Exception):
    """An action the current state does not allow (a 409 or 403); ``message`` is translated."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


# --- checking input -----------------------------------------------------------------------------

def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text)


def _text(value, field: str, errors: dict, *, maximum: int, required: bool = False, multiline: bool = False):
    text = value.strip() if isinstance(value, str) else ""
    if multiline:
        text = text.replace("\r\n", "\n")
    if not text:
        if required:
            errors[field] = _("Please fill in this field.")
        return None
    if len(text) > maximum:
        errors[field] = _("Please use at most %(max)d characters.", max=maximum)
    elif (_has_control_characters(text) if multiline else any(unicodedata.category(ch) == "Cc" for ch in text)):
        errors[field] = _("Please remove invisible control characters.")
    return text


def parse_districts(value) -> list[str]:
    """"Mitte, Gröpelingen" -> ["Mitte", "Gröpelingen"] (no empty or repeated entries)."""
    if isinstance(value, (list, tuple)):
        parts = value
    else:
        parts = (value or "").split(",")
    seen, districts = set(), []
    for part in parts:
        district = " ".join(str(part).split())
        if district and district.casefold() not in seen:
            seen.add(district.casefold())
            districts.append(district)
    return districts


def valid_website(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(ch.isspace() for ch in url)


def check_profile(data: dict, *, require_description: bool) -> dict:
    """The cleaned profile fields of ``data``; raises :class:`InvalidInput` with every problem."""
    errors: dict[str, str] = {}
    clean = {
        "name": _text(data.get("name"), "name", errors, maximum=NAME_MAX, required=True),
        "contact_name": _text(data.get("contact_name"), "contact_name", errors, maximum=CONTACT_NAME_MAX),
        "contact_phone": _text(data.get("contact_phone"), "contact_phone", errors, maximum=PHONE_MAX),
    }
    try:
        clean["type"] = OrganisationType(data.get("type"))
    except ValueError:
        errors["type"] = _("Please choose one of the options offered.")
    email = _text(data.get("contact_email"), "contact_email", errors, maximum=EMAIL_MAX, required=True)
    if email and "contact_email" not in errors and not EMAIL_RE.fullmatch(email):
        errors["contact_email"] = _("Please enter a valid e-mail address, for example name@example.org.")
    clean["contact_email"] = email
    website = _text(data.get("website"), "website", errors, maximum=WEBSITE_MAX)
    if website and "website" not in errors and not valid_website(website):
        errors["website"] = _("Please enter a web address that starts with https:// or http://.")
    clean["website"] = website
    languages = data.get("languages") or []
    if not isinstance(languages, (list, tuple)) or any(code not in ORGANISATION_LANGUAGES for code in languages):
        errors["languages"] = _("Please choose one of the options offered.")
    else:
        clean["languages"] = [code for code in ORGANISATION_LANGUAGES if code in languages]
    districts = parse_districts(data.get("districts"))
    if len(districts) > DISTRICTS_MAX:
        errors["districts"] = _("Please name at most %(max)d districts.", max=DISTRICTS_MAX)
    elif any(len(d) > DISTRICT_MAX for d in districts):
        errors["districts"] = _("Each district may have at most %(max)d characters.", max=DISTRICT_MAX)
    elif any(unicodedata.category(ch) == "Cc" for d in districts for ch in d):
        errors["districts"] = _("Please remove invisible control characters.")
    clean["districts"] = districts
    description = {}
    for code, text in (data.get("description") or {}).items():
        if code not in CONTRIBUTION_LANGUAGES or code == "und":
            errors["description_language"] = _("Please choose one of the options offered.")
            continue
        field = data.get("description_fields", {}).get(code, "description")
        value = _text(text, field, errors, maximum=DESCRIPTION_MAX, multiline=True)
        if value:
            description[code] = value
    if require_description and not description and "description" not in errors:
        errors["description"] = _("Please fill in this field.")
    clean["description"] = clean_translations(description)
    if errors:
        raise InvalidInput(errors)
    return clean


def slugify(name: str) -> str:
    """A readable address part from a name: "Verein Bürger*innen e.V." -> "verein-buergerinnen-e-v"."""
    text = unicodedata.normalize("NFKD", (name or "").translate(TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX - 8].strip("-")
    return slug or "organisation"


def unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(sa.select(Organisation.slug).where(
        sa.or_(Organisation.slug == base, Organisation.slug.like(f"{base}-%")))))
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- registration and profile -----------------------------------------------------------------

def _make_organisation_member(user, actor) -> None:
    """A resident who joins an organisation gets the account role organisation member."""
    if user.role is Role.RESIDENT:
        user.role = Role.ORGANISATION_MEMBER
        audit.record(actor, "user.role", user, reason="organisation", old=Role.RESIDENT, new=Role.ORGANISATION_MEMBER)


def _maybe_back_to_resident(user, actor) -> None:
    """An organisation member without any membership left is a resident again."""
    if user.role is not Role.ORGANISATION_MEMBER:
        return
    left = db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(Membership.user_id == user.id))
    if not left:
        user.role = Role.RESIDENT
        audit.record(actor, "user.role", user, reason="organisation", old=Role.ORGANISATION_MEMBER, new=Role.RESIDENT)


def register_organisation(user, data: dict) -> Organisation:
    """A new organisation waiting for verification; ``user`` becomes its owner."""
    clean = check_profile(data, require_description=True)
    organisation = Organisation(slug=unique_slug(clean["name"]), status=OrganisationStatus.PENDING,
                                created_by_id=user.id, **clean)
    db.session.add(organisation)
    db.session.add(Membership(organisation=organisation, user=user, role=MembershipRole.OWNER))
    _make_organisation_member(user, user)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same slug taken at the same moment
        raise ActionRefused(_("The organisation could not be saved. Please try again.")) from error
    permissions.forget_memberships()
    return organisation


def update_profile(organisation: Organisation, data: dict) -> None:
    """Change the profile (the slug stays, so that links keep working)."""
    clean = check_profile(data, require_description=False)
    kept = {code: text for code, text in (organisation.description or {}).items()
            if code not in data.get("description", {})}
    clean["description"] = {**kept, **clean["description"]}
    for key, value in clean.items():
        setattr(organisation, key, value)
    db.session.flush()


# --- reading --------------------------------------------------------------------------------------

def can_view(user, organisation: Organisation) -> bool:
    """Verified organisations are public; others only for their members and administrators."""
    return organisation.is_verified or permissions.is_admin(user) or permissions.is_member(user, organisation)


def get_by_slug(slug: str) -> Organisation | None:
    if not slug or len(slug) > SLUG_MAX:
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def get_by_id(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if 0 < organisation_id <= 2**31 - 1 else None


def public_organisations(type_: OrganisationType | None = None, language: str | None = None) -> list[Organisation]:
    stmt = sa.select(Organisation).where(Organisation.status == OrganisationStatus.VERIFIED)
    if type_ is not None:
        stmt = stmt.where(Organisation.type == type_)
    found = list(db.session.scalars(stmt.order_by(Organisation.name, Organisation.id)))
    if language:  # a JSON list: filtered here, the same on SQLite and PostgreSQL
        found = [o for o in found if language in (o.languages or [])]
    return found


def organisations_of(user) -> list[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    return sorted(permissions.memberships_of(user), key=lambda m: (m.organisation.name.casefold(), m.id))


def cohosted_consultations(organisation: Organisation, user) -> list[Consultation]:
    """The consultations the organisation co-hosts that ``user`` may see, newest first."""
    stmt = consultation_queries.visible_consultations(user).join(
        consultation_cohosts, consultation_cohosts.c.consultation_id == Consultation.id
    ).where(consultation_cohosts.c.organisation_id == organisation.id)
    return list(db.session.scalars(stmt.order_by(Consultation.created_at.desc(), Consultation.id.desc())))


def public_statements(organisation: Organisation, user) -> list[Statement]:
    """The organisation's published statements on consultations ``user`` may see, newest first."""
    visible = consultation_queries.visible_consultations(user).with_only_columns(Consultation.id)
    return list(db.session.scalars(
        sa.select(Statement).join(Statement.contribution)
        .where(Statement.organisation_id == organisation.id,
               Contribution.status == ContributionStatus.PUBLISHED,
               Statement.consultation_id.in_(visible))
        .options(selectinload(Statement.consultation))
        .order_by(Statement.created_at.desc(), Statement.id.desc())))


def members(organisation: Organisation) -> list[Membership]:
    return list(db.session.scalars(
        sa.select(Membership).where(Membership.organisation_id == organisation.id)
        .options(selectinload(Membership.user)).order_by(Membership.created_at, Membership.id)))


# --- members --------------------------------------------------------------------------------------

def _owner_count(organisation: Organisation) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == MembershipRole.OWNER))


def _last_owner(membership: Membership) -> bool:
    return membership.role is MembershipRole.OWNER and _owner_count(membership.organisation) <= 1


LAST_OWNER = _l("An organisation needs at least one owner. Make another member an owner first.")


def change_role(membership: Membership, role: MembershipRole, actor) -> None:
    if membership.role is role:
        return
    if role is not MembershipRole.OWNER and _last_owner(membership):
        raise ActionRefused(str(LAST_OWNER))
    old, membership.role = membership.role, role
    audit.record(actor, "membership.role", membership.organisation, old=old, new=role,
                 member=membership.user_id)
    db.session.flush()
    permissions.forget_memberships()


def remove_member(membership: Membership, actor) -> None:
    if _last_owner(membership):
        raise ActionRefused(str(LAST_OWNER))
    organisation, user = membership.organisation, membership.user
    audit.record(actor, "membership.remove", organisation, member=user.id, role=membership.role)
    db.session.delete(membership)
    db.session.flush()
    _maybe_back_to_resident(user, actor)
    db.session.flush()
    permissions.forget_memberships()


def add_member(organisation: Organisation, user, role: MembershipRole, actor) -> Membership:
    """Used when an invitation is accepted; refuses a second membership in the same organisation."""
    if permissions.is_member(user, organisation):
        raise ActionRefused(_("You are already a member of this organisation."))
    membership = Membership(organisation=organisation, user=user, role=role)
    db.session.add(membership)
    _make_organisation_member(user, actor)
    db.session.flush()
    permissions.forget_memberships()
    return membership


# --- verification by administrators -------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    name: str
    target: OrganisationStatus
    allowed_from: frozenset
    needs_note: bool
    audit_action: str


DECISIONS = {
    "verify": Decision("verify", OrganisationStatus.VERIFIED,
                       frozenset({OrganisationStatus.PENDING, OrganisationStatus.REJECTED,
                                  OrganisationStatus.SUSPENDED}), False, "organisation.verify"),
    "reject": Decision("reject", OrganisationStatus.REJECTED, frozenset({OrganisationStatus.PENDING}), True,
                       "organisation.reject"),
    "suspend": Decision("suspend", OrganisationStatus.SUSPENDED, frozenset({OrganisationStatus.VERIFIED}), True,
                        "organisation.suspend"),
}


def decisions_for(organisation: Organisation) -> list[str]:
    return [name for name, d in DECISIONS.items() if organisation.status in d.allowed_from]


def review(organisation: Organisation, decision_name: str, note: str | None, actor) -> None:
    """Verify, reject or suspend; writes the audit log. The view mails the outcome after the commit."""
    decision = DECISIONS.get(decision_name)
    if decision is None:
        raise InvalidInput({"decision": _("Please choose one of the options offered.")})
    errors: dict[str, str] = {}
    note = _text(note, "note", errors, maximum=NOTE_MAX, multiline=True)
    if decision.needs_note and not note and not errors:
        errors["note"] = _("Please give a reason; it is sent to the organisation.")
    if errors:
        raise InvalidInput(errors)
    if organisation.status not in decision.allowed_from:
        raise ActionRefused(_("This decision is not possible in the organisation's current status."))
    old = organisation.status
    organisation.status = decision.target
    organisation.reviewed_at = utcnow()
    organisation.reviewed_by_id = actor.id
    organisation.review_note = note
    audit.record(actor, decision.audit_action, organisation, reason=note, old=old, new=decision.target)
    db.session.flush()


def staff_organisations(status: OrganisationStatus | None = None) -> list[Organisation]:
    """Every organisation (or those of one status), those waiting for a decision first."""
    stmt = sa.select(Organisation)
    if status is not None:
        stmt = stmt.where(Organisation.status == status)
    pending_first = sa.case((Organisation.status == OrganisationStatus.PENDING, 0), else_=1)
    return list(db.session.scalars(stmt.order_by(pending_first, Organisation.created_at.desc(), Organisation.id)))


def mail_decision(organisation: Organisation, profile_url: str) -> bool:
    """Tell the organisation's contact address the outcome; ``False`` if the mail could not be sent."""
    paragraphs = [_("Hello,")]
    if organisation.status is OrganisationStatus.VERIFIED:
        subject = _("Your organisation has been verified")
        paragraphs.append(_("“%(name)s” has been verified on Vielstimmig. Its members can now co-host "
                            "consultations, submit statements and invite further members.", name=organisation.name))
    elif organisation.status is OrganisationStatus.REJECTED:
        subject = _("Your organisation's registration was not accepted")
        paragraphs.append(_("The registration of “%(name)s” on Vielstimmig was not accepted.", name=organisation.name))
    else:
        subject = _("Your organisation has been suspended")
        paragraphs.append(_("“%(name)s” has been suspended on Vielstimmig. Its members cannot act for it "
                            "until an administrator verifies it again.", name=organisation.name))
    if organisation.review_note:
        paragraphs.append(_("Reason: %(note)s", note=organisation.review_note))
    paragraphs.append(profile_url)
    try:
        send_mail(organisation.contact_email, subject, text_body(*paragraphs))
    except MailError:
        current_app.logger.warning("Decision mail for organisation %s could not be sent", organisation.id)
        return False
    return True


# --- co-hosting (administrators) ----------------------------------------------------------------

def cohost_candidates(consultation: Consultation) -> list[Organisation]:
    """Verified organisations that do not co-host the consultation yet."""
    present = {o.id for o in consultation.cohosts}
    return [o for o in public_organisations() if o.id not in present]


def add_cohost(consultation: Consultation, organisation: Organisation, actor) -> None:
    if not organisation.is_verified:
        raise ActionRefused(_("Only verified organisations can co-host a consultation."))
    if organisation in consultation.cohosts:
        raise ActionRefused(_("This organisation already co-hosts the consultation."))
    consultation.cohosts.append(organisation)
    audit.record(actor, "organisation.cohost_add", consultation, organisation=organisation.id)
    db.session.flush()


def remove_cohost(consultation: Consultation, organisation: Organisation, actor) -> None:
    if organisation not in consultation.cohosts:
        raise ActionRefused(_("This organisation does not co-host the consultation."))
    consultation.cohosts.remove(organisation)
    audit.record(actor, "organisation.cohost_remove", consultation, organisation=organisation.id)
    db.session.flush()
