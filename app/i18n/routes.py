"""The language-neutral entry point ``/`` and the language switch."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from app.i18n.locale import LANG_COOKIE, preferred_language, supported

bp = Blueprint("i18n", __name__)


@bp.get("/")
def root():
    """Send the visitor to the home page in their remembered or preferred language."""
    return redirect(url_for("consultations.home", lang=preferred_language()), code=302)


@bp.get("/<lang:lang>/language")
def switch():
    """Remember the chosen language and go back to the same page in it (``?next=`` path)."""
    from flask import g

    from app.core.urls import safe_local_path

    target = safe_local_path(request.args.get("next"), default=url_for("consultations.home"))
    response = redirect(target)
    if g.lang in supported():
        response.set_cookie(LANG_COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response
