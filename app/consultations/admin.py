"""Staff pages (admin role). (Placeholder: being written.)"""
from flask import Blueprint, abort

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff", template_folder="templates")


@bp.get("/")
def dashboard():
    abort(404)
