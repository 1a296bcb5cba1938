"""Register, log in, log out, password reset. (Placeholder: being written.)"""
from flask import Blueprint, abort

from app.extensions import db, login_manager
from app.accounts.models import User

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>/account", template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    abort(404)


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(404)


@bp.post("/logout")
def logout():
    abort(404)
