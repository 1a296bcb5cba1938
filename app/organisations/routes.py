"""Organisation pages: the public list and profiles, registration, "my organisations", the page where
members see (and owners manage) their organisation, invitation links, and the administrators'
pages for verification and for the co-hosts of a consultation.

The staff pages (``/<lang>/staff/...``) answer 404 to everyone but administrators, like the other
staff pages; for the same reason this blueprint checks the CSRF token itself, after that check
(:func:`guard`). Views parse the request, load, call one service, then commit once and redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation
from app.core.errors import render_error
from app.extensions import csrf, db
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.i18n.locale import current_language
from app.organisations import invitations, permissions, services
from app.organisations.forms import (
    CohostForm,
    ConfirmForm,
    InviteForm,
    RegisterForm,
    ReviewForm,
    RoleForm,
    edit_form,
    register_form,
)
from app.organisations.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    OrganisationType,
)

bp = Blueprint("organisations", __name__, url_prefix="/<lang:lang>", template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the administrators' check of the staff pages

T = "organisations/"
MAX_ID = 2**31 - 1
STAFF_ENDPOINTS = frozenset({"organisations.staff_list", "organisations.staff_review", "organisations.staff_cohosts"})


@bp.before_request
def guard():
    """404 on the staff pages for everyone but administrators; then the CSRF check of POST requests."""
    if request.endpoint in STAFF_ENDPOINTS and not permissions.is_admin(current_user):
        abort(404)
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- loading ------------------------------------------------------------------------------------

def _visible_or_404(slug: str) -> Organisation:
    organisation = services.get_by_slug(slug)
    if organisation is None or not services.can_view(current_user, organisation):
        abort(404)
    return organisation


def _member_page_or_404(slug: str) -> Organisation:
    """For members (any role) and administrators; everyone else gets 404."""
    organisation = services.get_by_slug(slug)
    if organisation is None or not (permissions.is_admin(current_user)
                                    or permissions.is_member(current_user, organisation)):
        abort(404)
    return organisation


def _require(allowed: bool, message: str):
    if not allowed:
        db.session.rollback()
        abort(make_response(render_error(403, message)))


def _membership_or_404(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id) if membership_id <= MAX_ID else None
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    return membership


def _to_manage(organisation: Organisation, anchor: str | None = None):
    return redirect(url_for(".manage", slug=organisation.slug, _anchor=anchor), code=303)


OWNERS_ONLY = _l("Only owners of a verified organisation can manage its members.")


# --- public pages -------------------------------------------------------------------------------

@bp.get("/organisations/")
def index():
    type_arg, language = request.args.get("type") or None, request.args.get("language") or None
    try:
        type_ = OrganisationType(type_arg) if type_arg else None
    except ValueError:
        return render_error(400, _("Please choose one of the options offered."))
    if language is not None and language not in services.ORGANISATION_LANGUAGES:
        return render_error(400, _("Please choose one of the options offered."))
    return render_template(T + "index.html", organisations=services.public_organisations(type_, language),
                           types=list(OrganisationType), selected_type=type_arg or "",
                           languages=[CONTRIBUTION_LANGUAGES[c] for c in services.ORGANISATION_LANGUAGES],
                           selected_language=language or "")


@bp.get("/organisations/<slug>")
def profile(slug: str):
    organisation = _visible_or_404(slug)
    return render_template(T + "profile.html", organisation=organisation,
                           consultations=services.cohosted_consultations(organisation, current_user),
                           statements=services.public_statements(organisation, current_user),
                           is_member=permissions.is_member(current_user, organisation))


# --- registration and one's own organisations ----------------------------------------------------

@bp.route("/organisations/register", methods=["GET", "POST"])
@login_required
def register():
    form = register_form(current_language())
    if form.validate_on_submit():
        try:
            organisation = services.register_organisation(current_user._get_current_object(), form.to_data())
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        except services.ActionRefused as refused:
            db.session.rollback()
            return render_error(409, refused.message)
        else:
            db.session.commit()
            flash(_("Your organisation has been registered. An administrator will check it; until then it is "
                    "not shown publicly and cannot act."), "success")
            return _to_manage(organisation)
    return render_template(T + "register.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/organisations/mine")
@login_required
def mine():
    return render_template(T + "mine.html", memberships=services.organisations_of(current_user))


@bp.get("/organisations/<slug>/manage")
@login_required
def manage(slug: str):
    organisation = _member_page_or_404(slug)
    return _render_manage(organisation)


def _render_manage(organisation: Organisation, invite_form: InviteForm | None = None, code: int = 200):
    may_manage = permissions.can_manage_members(current_user, organisation)
    return render_template(
        T + "manage.html", organisation=organisation, members=services.members(organisation),
        open_invitations=invitations.open_invitations(organisation) if may_manage else [],
        invite_form=invite_form or InviteForm(formdata=None), may_manage=may_manage,
        may_edit=permissions.can_edit_profile(current_user, organisation),
        my_membership=permissions.membership(current_user, organisation),
        roles=list(MembershipRole)), code


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    organisation = _member_page_or_404(slug)
    _require(permissions.can_edit_profile(current_user, organisation),
             _("Only owners can edit the organisation's profile."))
    form = edit_form(organisation, list(current_app.config["LANGUAGES"]))
    if form.validate_on_submit():
        try:
            services.update_profile(organisation, form.to_data())
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        else:
            db.session.commit()
            flash(_("Your changes have been saved."), "success")
            return _to_manage(organisation)
    return render_template(T + "edit.html", organisation=organisation, form=form), \
        422 if form.is_submitted() else 200


# --- members and invitations (owners; administrators) ---------------------------------------------

@bp.post("/organisations/<slug>/invitations")
@login_required
def invite(slug: str):
    organisation = _member_page_or_404(slug)
    _require(permissions.can_manage_members(current_user, organisation),
             _("Only owners of a verified organisation can invite members."))
    form = InviteForm()
    if not form.validate():
        return _render_manage(organisation, form, 422)
    try:
        invitation, token = invitations.create_invitation(organisation, form.email.data,
                                                          MembershipRole(form.role.data), current_user)
    except services.InvalidInput as invalid:
        db.session.rollback()
        for name, message in invalid.errors.items():
            getattr(form, name).errors = [message]
        return _render_manage(organisation, form, 422)
    except invitations.InvitationError as refused:
        db.session.rollback()
        form.email.errors = [refused.message]
        return _render_manage(organisation, form, refused.status)
    db.session.commit()
    if invitations.send_invitation_mail(invitation, token, current_user):
        flash(_("The invitation has been sent to %(email)s.", email=invitation.email), "success")
    else:
        flash(_("The invitation was saved, but the e-mail could not be sent. Please revoke it and try again "
                "later."), "error")
    return _to_manage(organisation, "invitations")


@bp.post("/organisations/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = _member_page_or_404(slug)
    _require(permissions.can_manage_members(current_user, organisation), str(OWNERS_ONLY))
    invitation = db.session.get(Invitation, invitation_id) if invitation_id <= MAX_ID else None
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    if not ConfirmForm().validate():
        abort(400)
    try:
        invitations.revoke(invitation)
    except services.ActionRefused as refused:
        db.session.rollback()
        return render_error(409, refused.message)
    db.session.commit()
    flash(_("The invitation has been revoked; its link no longer works."), "success")
    return _to_manage(organisation, "invitations")


@bp.post("/organisations/<slug>/members/<int:membership_id>/role")
@login_required
def change_role(slug: str, membership_id: int):
    organisation = _member_page_or_404(slug)
    _require(permissions.can_manage_members(current_user, organisation), str(OWNERS_ONLY))
    membership = _membership_or_404(organisation, membership_id)
    form = RoleForm()
    if not form.validate():
        return render_error(422, _("Please choose one of the options offered."))
    try:
        services.change_role(membership, MembershipRole(form.role.data), current_user)
    except services.ActionRefused as refused:
        db.session.rollback()
        return render_error(refused.status, refused.message)
    db.session.commit()
    flash(_("The role has been changed."), "success")
    return _to_manage(organisation, "members")


@bp.post("/organisations/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int):
    organisation = _member_page_or_404(slug)
    _require(permissions.can_manage_members(current_user, organisation), str(OWNERS_ONLY))
    membership = _membership_or_404(organisation, membership_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        services.remove_member(membership, current_user)
    except services.ActionRefused as refused:
        db.session.rollback()
        return render_error(refused.status, refused.message)
    db.session.commit()
    flash(_("The member has been removed from the organisation."), "success")
    return _to_manage(organisation, "members")


@bp.route("/organisations/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.load(token)
        if current_user.is_authenticated:
            invitations.check_recipient(invitation, current_user)
    except invitations.InvitationError as refused:
        return render_error(refused.status, refused.message)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=request.path))
        return render_template(T + "invitation.html", invitation=invitation, form=None, next=request.path)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            invitations.accept(invitation, current_user._get_current_object())
        except invitations.InvitationError as refused:
            db.session.rollback()
            return render_error(refused.status, refused.message)
        db.session.commit()
        flash(_("Welcome! You are now a member of %(name)s.", name=invitation.organisation.name), "success")
        return _to_manage(invitation.organisation)
    return render_template(T + "invitation.html", invitation=invitation, form=form, next=None)


# --- administrators: verification and co-hosts ------------------------------------------------------

@bp.get("/staff/organisations")
def staff_list():
    status_arg = request.args.get("status") or None
    try:
        status = OrganisationStatus(status_arg) if status_arg else None
    except ValueError:
        return render_error(400, _("Please choose one of the options offered."))
    return render_template(T + "staff_list.html", organisations=services.staff_organisations(status),
                           statuses=list(OrganisationStatus), selected=status_arg or "")


def _organisation_by_id_or_404(organisation_id: int) -> Organisation:
    organisation = services.get_by_id(organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _render_review(organisation: Organisation, form: ReviewForm | None = None, code: int = 200,
                   problem: str | None = None):
    return render_template(T + "staff_review.html", organisation=organisation, form=form or ReviewForm(formdata=None),
                           members=services.members(organisation), decisions=services.decisions_for(organisation),
                           problem=problem), code


@bp.route("/staff/organisations/<int:organisation_id>", methods=["GET", "POST"])
def staff_review(organisation_id: int):
    organisation = _organisation_by_id_or_404(organisation_id)
    if request.method == "GET":
        return _render_review(organisation)
    form = ReviewForm()
    if not form.validate():
        return _render_review(organisation, form, 422)
    try:
        services.review(organisation, form.decision.data, form.note.data, current_user)
    except services.InvalidInput as invalid:
        db.session.rollback()
        for name, message in invalid.errors.items():
            getattr(form, name).errors = [message]
        return _render_review(organisation, form, 422)
    except services.ActionRefused as refused:
        db.session.rollback()
        return _render_review(organisation, form, 409, refused.message)
    db.session.commit()
    mailed = services.mail_decision(organisation, url_for(".profile", slug=organisation.slug, _external=True))
    flash(_("The decision has been saved and sent to the organisation.") if mailed
          else _("The decision has been saved, but the e-mail to the organisation could not be sent."),
          "success" if mailed else "error")
    return redirect(url_for(".staff_review", organisation_id=organisation.id), code=303)


@bp.route("/staff/consultations/<int:consultation_id>/cohosts", methods=["GET", "POST"])
def staff_cohosts(consultation_id: int):
    consultation = db.session.get(Consultation, consultation_id, options=[selectinload(Consultation.cohosts)]) \
        if consultation_id <= MAX_ID else None
    if consultation is None:
        abort(404)
    form = CohostForm()
    if request.method == "GET":
        return _render_cohosts(consultation, form)
    if not form.validate():
        return _render_cohosts(consultation, form, 422)
    raw_id = form.organisation_id.data or ""
    organisation = services.get_by_id(int(raw_id)) if raw_id.isascii() and raw_id.isdigit() \
        and len(raw_id) < 11 else None
    if organisation is None:
        form.organisation_id.errors = [_("Please choose one of the options offered.")]
        return _render_cohosts(consultation, form, 422)
    try:
        if form.action.data == "add":
            services.add_cohost(consultation, organisation, current_user)
            message = _("%(name)s now co-hosts the consultation.", name=organisation.name)
        else:
            services.remove_cohost(consultation, organisation, current_user)
            message = _("%(name)s no longer co-hosts the consultation.", name=organisation.name)
    except services.ActionRefused as refused:
        db.session.rollback()
        return _render_cohosts(consultation, form, 409, refused.message)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".staff_cohosts", consultation_id=consultation.id), code=303)


def _render_cohosts(consultation: Consultation, form: CohostForm, code: int = 200, problem: str | None = None):
    return render_template(T + "staff_cohosts.html", consultation=consultation, form=form,
                           candidates=services.cohost_candidates(consultation), problem=problem), code
