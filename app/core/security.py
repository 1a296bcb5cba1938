"""Response headers every page gets (a strict Content-Security-Policy and friends), and the
refusal of NUL bytes in addresses before any view looks them up."""
from __future__ import annotations

from flask import abort, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def has_nul_byte() -> bool:
    """Does the path or the query string (names or values) hold a NUL byte? No address needs one,
    and PostgreSQL refuses it in any query parameter (a slug lookup would fail with a 500)."""
    if "\x00" in request.path:
        return True
    return any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True))


def register(app) -> None:
    @app.before_request
    def refuse_nul_bytes():
        if has_nul_byte():
            abort(400)

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SECURE_HEADERS_HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
