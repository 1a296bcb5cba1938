"""On-site events: the public list and page with registration, cancelling by link, and the
organisers' pages (announce, edit, registrations, cancel)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consultations import queries
from app.consultations.models import Department
from app.core.errors import render_error
from app.core.honeypot import honeypot_filled
from app.contributions.privacy import retention_days
from app.events import services
from app.events.forms import CancelEventForm, CancelRegistrationForm, EventForm, RegistrationForm
from app.events.models import EventStatus, RegistrationStatus
from app.extensions import db
from app.i18n.locale import current_language

bp = Blueprint("events", __name__, url_prefix="/<lang:lang>/events", template_folder="templates")


def _tokens():
    return queries.session_invite_tokens()


def _event_or_404(event_id: int):
    return services.get_visible_event_or_404(event_id, current_user, _tokens())


def refusal_message(reason: str) -> str:
    return {
        "cancelled": _("This event has been cancelled. Registration is closed."),
        "past": _("This event has already taken place. Registration is closed."),
        "no_registration": _("This event needs no registration: just come along."),
        "already_cancelled": _("This registration has already been cancelled."),
    }.get(reason, _("Your registration could not be saved. Please check what you entered and send it again."))


CONFLICTS = {"cancelled", "past", "no_registration", "already_cancelled"}


@bp.app_template_global()
def upcoming_events_for(consultation) -> list:
    """The consultation's upcoming events (see events/_for_consultation.html)."""
    return services.upcoming_events(current_user, _tokens(), consultation)


@bp.app_template_global()
def may_create_event(consultation) -> bool:
    return services.can_create_event(current_user, consultation)


@bp.get("/")
def index():
    consultation = None
    slug = request.args.get("consultation")
    if slug:
        consultation = queries.get_visible_or_404(slug)
    events = services.upcoming_events(current_user, _tokens(), consultation)
    return render_template("events/index.html", events=events, consultation=consultation)


def _detail(event, form, status=200):
    open_for_registration = (event.registration_required and event.status is EventStatus.SCHEDULED
                             and not services.is_past(event))
    return render_template("events/detail.html", event=event, form=form if open_for_registration else None,
                           seats=services.seats(event), past=services.is_past(event),
                           can_manage=services.can_manage_event(current_user, event),
                           retention_days=retention_days()), status


@bp.get("/<int:event_id>")
def detail(event_id: int):
    event = _event_or_404(event_id)
    return _detail(event, RegistrationForm(event))


@bp.post("/<int:event_id>/register")
def register(event_id: int):
    event = _event_or_404(event_id)
    form = RegistrationForm(event)
    if form.is_submitted() and honeypot_filled(form):
        # Most likely a bot: thank it as usual, store nothing.
        flash(_("Thank you. Your registration has been received."), "success")
        return redirect(url_for("events.detail", event_id=event.id), code=303)
    try:
        services.check_open_for_registration(event)
    except services.EventRefused as refused:
        return render_error(409, refusal_message(refused.reason))
    if not form.validate_on_submit():
        return _detail(event, form, 422)
    try:
        registration, token = services.register(
            event, name=form.name.data, email=form.email.data, party_size=int(form.party_size.data),
            needs_childcare=form.needs_childcare.data, interpreter_language=form.interpreter_language.data or None,
            notes=form.notes.data, user=current_user)
    except services.EventRefused as refused:
        db.session.rollback()
        if refused.reason in CONFLICTS:
            return render_error(409, refusal_message(refused.reason))
        form.form_errors.append(refusal_message(refused.reason))
        return _detail(event, form, 422)
    db.session.commit()
    services.mail_registration(registration, token, current_language())
    if registration.status is RegistrationStatus.CONFIRMED:
        flash(_("You are registered."), "success")
    else:
        flash(_("The event is full: you are on the waiting list."), "success")
    return redirect(url_for("events.cancel_registration", token=token), code=303)


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str):
    """The registration's own page (its address is the secret link): status, and a button to cancel."""
    registration = services.registration_by_token_or_404(token)
    event = registration.event
    form = CancelRegistrationForm()
    if form.validate_on_submit():
        try:
            promoted = services.cancel_registration(registration)
        except services.EventRefused as refused:
            db.session.rollback()
            return render_error(409, refusal_message(refused.reason))
        db.session.commit()
        services.mail_promoted(promoted, current_language())
        flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("events.cancel_registration", token=token), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("events/registration.html", registration=registration, event=event, form=form,
                           link=url_for("events.cancel_registration", token=token, _external=True)), status


def _departments():
    return list(db.session.scalars(sa.select(Department).order_by(Department.short_name)))


@bp.route("/new", methods=["GET", "POST"])
def new():
    slug = request.args.get("consultation")
    if not slug:  # first choose the consultation
        if request.method == "POST":
            abort(400)
        choices = services.consultations_for_new_event(current_user, _tokens())
        if not choices:
            abort(403)
        return render_template("events/choose_consultation.html", consultations=choices)
    consultation = queries.get_visible_or_404(slug)
    if not services.can_create_event(current_user, consultation):
        abort(403)
    if not services.accepts_events(consultation):
        return render_error(409, _("This consultation is closed: no new events can be announced for it."))
    admin = services.is_admin(current_user)
    organisations = [] if admin else services.organising_organisations(current_user, consultation)
    form = EventForm(organisations=organisations, departments=_departments() if admin else [],
                     lang=current_language())
    if form.validate_on_submit():
        organisation = next((o for o in organisations if str(o.id) == form.organisation.data), None)
        department = db.session.get(Department, int(form.department.data)) if admin else None
        try:
            event = services.create_event(consultation, current_user, form.event_data(),
                                          text_language=form.text_language.data, organisation=organisation,
                                          department=department)
        except services.EventRefused as refused:
            db.session.rollback()
            _field_error(form, refused.reason)
            return _form(form, consultation, None, organisations, 422)
        db.session.commit()
        flash(_("The event has been announced."), "success")
        return redirect(url_for("events.detail", event_id=event.id), code=303)
    return _form(form, consultation, None, organisations, 422 if form.is_submitted() else 200)


def _field_error(form, reason: str) -> None:
    field, message = {
        "past": (form.starts_at, _("The event must start in the future.")),
        "ends_at": (form.ends_at, _("The end must be after the start.")),
        "capacity": (form.capacity, _("Please enter a number from %(min)s to %(max)s.", min=1,
                                      max=services.CAPACITY_MAX)),
        "title": (form.title, _("Please enter a title.")),
        "place": (form.place_name, _("Please name the place.")),
    }.get(reason, (form.title, _("The event could not be saved.")))
    field.errors = [*field.errors, message]


def _form(form, consultation, event, organisations, status):
    return render_template("events/form.html", form=form, consultation=consultation, event=event,
                           organisations=organisations), status


def _managed_event_or_403(event_id: int):
    event = _event_or_404(event_id)
    if not services.can_manage_event(current_user, event):
        abort(403)
    return event


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _managed_event_or_403(event_id)
    form = EventForm(event=event, lang=current_language())
    if form.validate_on_submit():
        try:
            promoted = services.update_event(event, current_user, form.event_data(),
                                             text_language=form.text_language.data)
        except services.EventRefused as refused:
            db.session.rollback()
            _field_error(form, refused.reason)
            return _form(form, event.consultation, event, [], 422)
        db.session.commit()
        services.mail_promoted(promoted, current_language())
        flash(_("The event has been saved."), "success")
        return redirect(url_for("events.detail", event_id=event.id), code=303)
    return _form(form, event.consultation, event, [], 422 if form.is_submitted() else 200)


@bp.get("/<int:event_id>/registrations")
def registrations(event_id: int):
    event = _managed_event_or_403(event_id)
    return render_template("events/registrations.html", event=event, registrations=services.registrations_of(event),
                           seats=services.seats(event), cancel_form=CancelEventForm(formdata=None))


@bp.post("/<int:event_id>/cancel")
def cancel(event_id: int):
    event = _managed_event_or_403(event_id)
    form = CancelEventForm()
    if not form.validate_on_submit():
        return render_template("events/registrations.html", event=event,
                               registrations=services.registrations_of(event), seats=services.seats(event),
                               cancel_form=form), 422
    try:
        to_tell = services.cancel_event(event, current_user, form.reason.data or None)
    except services.EventRefused as refused:
        db.session.rollback()
        return render_error(409, _("This event has already been cancelled.") if refused.reason == "cancelled"
                            else refusal_message(refused.reason))
    db.session.commit()
    services.mail_event_cancelled(event, to_tell, current_language(), form.reason.data or None)
    flash(_("The event has been cancelled."), "success")
    return redirect(url_for("events.registrations", event_id=event.id), code=303)
