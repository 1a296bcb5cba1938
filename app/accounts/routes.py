"""Register, log in, log out, and set a new password through a link sent by e-mail."""
from __future__ import annotations

import hmac
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import privacy, services
from app.accounts.forms import (
    AccountDataExportForm,
    AccountDeleteForm,
    AccountLoginForm,
    AccountRegisterForm,
    PasswordResetForm,
    PasswordResetRequestForm,
)
from app.accounts.models import User
from app.core.honeypot import honeypot_filled
from app.core.timeutil import utcnow
from app.core.urls import safe_local_path
from app.extensions import db, login_manager
from app.i18n.locale import current_language

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account", template_folder="templates")

CSRF_SESSION_KEY = "csrf_token"  # Flask-WTF's key; dropped when the identity changes


def init_login_manager(manager) -> None:
    """Where Flask-Login sends visitors who must log in, and what it tells them."""
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    # Flash a plain string in the current language: a lazy string cannot be stored in the session.
    manager.localize_callback = str


init_login_manager(login_manager)


@login_manager.user_loader
def load_user(user_id: str):
    raw_id, _sep, fingerprint = user_id.partition(".")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 12:
        return None
    user = db.session.get(User, int(raw_id))
    # A deactivated account, or one whose password changed since, loses its sessions and
    # "remember me" cookies at once.
    if user is None or not user.active or not hmac.compare_digest(fingerprint, user.session_fingerprint):
        return None
    return user


@bp.after_request
def no_store(response):
    """Account pages carry tokens and personal data: keep them out of shared caches and history."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _next_param() -> str | None:
    """The ``next`` query parameter if it is a path on this site, else ``None``."""
    return safe_local_path(request.args.get("next"), default="") or None


def _next_target() -> str:
    return _next_param() or url_for("consultations.home")


def _start_session(user: User, remember: bool = False) -> None:
    session.pop(CSRF_SESSION_KEY, None)  # a fresh CSRF token for the new identity
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_next_target())
    form = AccountLoginForm()
    failure = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.InactiveAccount:
            return render_template("accounts/login.html", form=form, failure="inactive", next=_next_param()), 403
        if user is not None:
            services.record_login(user)
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            flash(_("You are logged in. Welcome back, %(name)s!", name=user.display_name), "success")
            return redirect(_next_target(), code=303)
        failure = "credentials"
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form, failure=failure, next=_next_param()), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_next_target())
    form = AccountRegisterForm()
    if form.is_submitted() and honeypot_filled(form):
        # Most likely a bot; a person who somehow filled the hidden field can simply try again.
        return render_template("accounts/register.html", form=AccountRegisterForm(formdata=None), next=_next_param(),
                               password_min=services.PASSWORD_MIN_LENGTH, refused=True), 422
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.display_name.data, form.password.data,
                                          language=current_language())
        except services.EmailTaken:
            db.session.rollback()
            form.email.errors.append(_("This e-mail address cannot be used for a new account. If you have "
                                       "registered before, please log in or set a new password."))
        except services.AccountError:
            db.session.rollback()
            abort(422)
        else:
            services.record_login(user)
            db.session.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s! Your account has been created and you are logged in.",
                    name=user.display_name), "success")
            return redirect(_next_target(), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form, next=_next_param(),
                           password_min=services.PASSWORD_MIN_LENGTH, refused=False), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        logout_user()
        session.pop(CSRF_SESSION_KEY, None)
        flash(_("You have been logged out."), "success")
    return redirect(url_for("consultations.home"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        # The same answer whether or not an account exists.
        return render_template("accounts/reset_requested.html", email=form.email.data)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        user = services.user_from_reset_token(token)
    except services.InvalidResetToken as invalid:
        return render_template("accounts/reset_invalid.html", reason=invalid.reason), 400
    form = PasswordResetForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        # Whoever was logged in in this browser is logged out (the old session no longer loads anyway).
        logout_user()
        session.pop(CSRF_SESSION_KEY, None)
        flash(_("Your password has been changed. You can now log in with your new password."), "success")
        return redirect(url_for("accounts.login"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/reset.html", form=form, token=token,
                           password_min=services.PASSWORD_MIN_LENGTH), status


# --- one's own data: download and deletion ------------------------------------------------------

@bp.route("/data", methods=["GET", "POST"])
@login_required
def data():
    """GET: what is stored and how to get or delete it; POST: download it all as JSON."""
    form = AccountDataExportForm()
    if form.validate_on_submit():
        payload = json.dumps(privacy.personal_data(current_user), ensure_ascii=False, indent=2)
        filename = f"vielstimmig-data-{utcnow():%Y-%m-%d}.json"
        return Response(payload + "\n", mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return render_template("accounts/data.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete one's own account, confirmed with the password."""
    form = AccountDeleteForm()
    problem = None
    if form.validate_on_submit():
        try:
            privacy.delete_account(current_user._get_current_object(), form.password.data, form.contributions.data)
        except services.AccountError as refused:
            db.session.rollback()
            if refused.reason == "password":
                form.password.errors = [*form.password.errors, _("The password is not correct.")]
            elif refused.reason == "last_admin":
                problem = _("You are the only administrator. Please make another account an administrator "
                            "before you delete yours.")
            else:
                form.contributions.errors = [*form.contributions.errors, _("Please choose one of the options offered.")]
        else:
            db.session.commit()
            logout_user()
            session.pop(CSRF_SESSION_KEY, None)
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("consultations.home"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/delete.html", form=form, problem=problem), status
