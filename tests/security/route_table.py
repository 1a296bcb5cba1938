"""Who may reach which address: the expectation table of the authorisation matrix.

Every rule of ``app.url_map`` × every method it accepts must be classified here, with the status
each role gets (with a valid CSRF token, and an empty form for POST). A new route that is missing
fails ``test_every_route_is_classified``: add it below with its rule. Roles: anonymous, resident,
other_member (owner of another organisation), member, mediator (language mediator), owner (of the
organisation co-hosting ``w.pub``), moderator, working_group (staff), admin. Objects come from
:func:`tests.security.world.build_world`. Each area keeps its rows in a module of its own
(``tests/security/routes_*.py``, a list ``CASES``), collected at the end of this file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.security.world import ROLES, World

STAFF = ("moderator", "working_group", "admin")  # may see internal consultations
MODERATORS = ("moderator", "admin")  # moderate every consultation; see pending and hidden contributions
COHOST = ("member", "mediator", "owner")  # members of the organisation co-hosting w.pub
PUB_MODERATORS = MODERATORS + COHOST  # moderate w.pub
TRANSLATORS = ("moderator", "working_group", "admin")  # add translations of contributions
PUB_TRANSLATORS = TRANSLATORS + ("mediator",)  # ... of w.pub's contributions
ADMIN = ("admin",)
SIGNED_IN = ROLES[1:]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def everyone(code: int) -> dict[str, int]:
    return {role: code for role in ROLES}


def only(roles, code: int, otherwise: int = 404) -> dict[str, int]:
    """``code`` for ``roles``, ``otherwise`` (by default 404: the page hides that it exists) for the rest."""
    return {role: code if role in roles else otherwise for role in ROLES}


def signed_out(code: int, signed_in: int) -> dict[str, int]:
    return {role: code if role == "anonymous" else signed_in for role in ROLES}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    values: Callable[[World], dict]
    expect: dict[str, int]
    label: str = ""
    session: Callable[[World], dict] | None = None
    data: Callable[[World], dict] | None = None

    @property
    def name(self) -> str:
        return f"{self.method} {self.endpoint}{f' ({self.label})' if self.label else ''}"


def _none(w):
    return {}


def get(endpoint, expect, values=_none, **kwargs):
    return Case(endpoint, "GET", values, expect, **kwargs)


def post(endpoint, expect, values=_none, **kwargs):
    return Case(endpoint, "POST", values, expect, **kwargs)


def _slug(name):
    return lambda w: {"slug": getattr(w, name).slug}


def _contribution(name):
    return lambda w: {"slug": getattr(w, name).consultation.slug, "contribution_id": getattr(w, name).id}


def _staff_id(name):
    return lambda w: {"consultation_id": getattr(w, name).id}


def _question(name, position=0):
    return lambda w: {"consultation_id": getattr(w, name).id, "question_id": getattr(w, name).questions[position].id}


CASES: list[Case] = [
    # --- entry, language switch, static files: public
    get("i18n.root", everyone(302)),
    get("i18n.switch", everyone(302)),
    get("static", everyone(200), lambda w: {"filename": "css/site.css"}),
    # --- public pages
    get("consultations.home", everyone(200)),
    get("consultations.easy_read", everyone(200)),
    get("consultations.action_fields", everyone(200)),
    get("consultations.action_field", everyone(200), lambda w: {"slug": w.field.slug}),
    get("consultations.index", everyone(200)),
    get("pages.accessibility", everyone(200)),
    post("pages.accessibility", everyone(422), label="empty barrier report"),
    get("pages.accessibility_thanks", everyone(200)),
    get("moderation.netiquette", everyone(200)),
    # --- a consultation: public for all; by invitation only with the link (managers always);
    # internal for staff; drafts for administrators
    get("consultations.detail", everyone(200), _slug("pub"), label="public"),
    get("consultations.detail", only(ADMIN, 200), _slug("inv"), label="invitation, no link"),
    get("consultations.detail", everyone(200), _slug("inv"), label="invitation, link opened",
        session=lambda w: {"invites": [w.inv.invite_token]}),
    get("consultations.detail", only(STAFF, 200), _slug("internal"), label="internal"),
    get("consultations.detail", only(ADMIN, 200), _slug("draft"), label="draft"),
    get("consultations.invitation", everyone(302), lambda w: {"token": w.inv.invite_token}),
    get("consultations.invitation", everyone(404), lambda w: {"token": "not-a-token"}, label="unknown link"),
    # --- contributing: as the consultation's visibility; signing in where anonymity is not allowed
    get("contributions.contribute", everyone(200), _slug("pub"), label="public"),
    get("contributions.contribute", signed_out(401, 200), _slug("members_only"), label="members only"),
    get("contributions.contribute", everyone(409), _slug("closed"), label="closed"),
    get("contributions.contribute", only(STAFF, 200), _slug("internal"), label="internal"),
    get("contributions.contribute", only(ADMIN, 409), _slug("draft"), label="draft"),
    post("contributions.contribute", everyone(422), _slug("pub"), label="public, empty form"),
    post("contributions.contribute", signed_out(401, 422), _slug("members_only"), label="members only"),
    post("contributions.contribute", everyone(409), _slug("closed"), label="closed"),
    post("contributions.contribute", only(STAFF, 422), _slug("internal"), label="internal"),
    # the confirmation page only for the browser that just contributed
    get("contributions.thanks", everyone(404), _slug("pub"), label="someone else's"),
    get("contributions.thanks", everyone(200), _slug("pub"), label="own",
        session=lambda w: {"last_contribution": w.published.id}),
    post("contributions.correct_language", everyone(404), _slug("pub"), label="someone else's"),
    # one contribution: published for every reader; pending and hidden for moderators;
    # translations added by staff who work with the input
    get("contributions.detail", everyone(200), _contribution("published"), label="published"),
    get("contributions.detail", only(PUB_MODERATORS, 200), _contribution("pending"), label="pending"),
    get("contributions.detail", only(PUB_MODERATORS, 200), _contribution("hidden"), label="hidden"),
    get("contributions.detail", only(STAFF, 200), _contribution("internal_contribution"), label="internal"),
    post("contributions.detail", only(PUB_TRANSLATORS, 422, 403), _contribution("published"), label="translation"),
    # --- reporting a contribution: anyone who can read it, while it is published
    get("moderation.flag", everyone(200), _contribution("published"), label="published"),
    get("moderation.flag", everyone(404), _contribution("pending"), label="pending"),
    post("moderation.flag", everyone(422), _contribution("published"), label="empty form"),
    # --- accounts
    get("accounts.login", signed_out(200, 302)),
    post("accounts.login", signed_out(422, 302)),
    get("accounts.register", signed_out(200, 302)),
    post("accounts.register", signed_out(422, 302)),
    post("accounts.logout", everyone(303)),
    get("accounts.reset_request", everyone(200)),
    post("accounts.reset_request", everyone(422)),
    get("accounts.reset", everyone(200), lambda w: {"token": w.reset_token}, label="valid link"),
    get("accounts.reset", everyone(400), lambda w: {"token": "forged"}, label="forged link"),
    post("accounts.reset", everyone(422), lambda w: {"token": w.reset_token}, label="valid link"),
    # one's own data: signed in only (Flask-Login sends others to the login page)
    get("accounts.data", signed_out(302, 200)),
    post("accounts.data", signed_out(302, 200), label="download"),
    get("accounts.delete", signed_out(302, 200)),
    post("accounts.delete", signed_out(302, 422), label="empty form"),
    # --- open data API: the same visibility as the pages
    get("api.openapi", everyone(200)),
    get("api.action_fields", everyone(200)),
    get("api.consultations", everyone(200)),
    get("api.consultation", everyone(200), _slug("pub"), label="public"),
    get("api.consultation", only(ADMIN, 200), _slug("inv"), label="invitation, no link"),
    get("api.consultation", only(STAFF, 200), _slug("internal"), label="internal"),
    get("api.consultation", only(ADMIN, 200), _slug("draft"), label="draft"),
    get("api.contributions", everyone(200), _slug("pub"), label="public"),
    get("api.contributions", only(STAFF, 200), _slug("internal"), label="internal"),
    # --- the moderation queue: moderators; the audit log: administrators (404 to everyone else)
    get("moderation.queue", only(PUB_MODERATORS, 200)),
    get("moderation.bulk", only(PUB_MODERATORS, 303)),
    post("moderation.bulk", only(PUB_MODERATORS, 422), label="nothing ticked"),
    get("moderation.review", only(PUB_MODERATORS, 200), lambda w: {"contribution_id": w.pending.id}),
    post("moderation.review", only(PUB_MODERATORS, 422), lambda w: {"contribution_id": w.pending.id},
         label="no decision"),
    get("moderation.review", only(MODERATORS, 200), lambda w: {"contribution_id": w.internal_pending.id},
        label="not co-hosted"),
    get("moderation.audit_log", only(ADMIN, 200)),
    # --- staff pages: administrators only, 404 to everyone else
    get("staff.dashboard", only(ADMIN, 200)),
    get("staff.create", only(ADMIN, 200)),
    post("staff.create", only(ADMIN, 422)),
    get("staff.edit", only(ADMIN, 200), _staff_id("pub")),
    post("staff.edit", only(ADMIN, 422), _staff_id("pub")),
    get("staff.change_status", only(ADMIN, 303), _staff_id("pub")),
    post("staff.change_status", only(ADMIN, 400), _staff_id("pub"), label="no status"),
    get("staff.regenerate_invitation", only(ADMIN, 303), _staff_id("inv")),
    post("staff.regenerate_invitation", only(ADMIN, 303), _staff_id("inv")),
    get("staff.add_question", only(ADMIN, 200), _staff_id("draft")),
    post("staff.add_question", only(ADMIN, 422), _staff_id("draft")),
    get("staff.edit_question", only(ADMIN, 200), _question("draft")),
    post("staff.edit_question", only(ADMIN, 422), _question("draft")),
    get("staff.delete_question", only(ADMIN, 303), _question("draft", 1)),
    post("staff.delete_question", only(ADMIN, 303), _question("draft", 1)),
    get("staff.move_question", only(ADMIN, 303), _question("draft")),
    post("staff.move_question", only(ADMIN, 400), _question("draft"), label="no direction"),
    get("staff.edit_action_field", only(ADMIN, 200), lambda w: {"field_id": w.field.id}),
    post("staff.edit_action_field", only(ADMIN, 422), lambda w: {"field_id": w.field.id}),
]


def _collect_area_cases() -> None:
    """Rows of each area's module (``tests/security/routes_*.py``), appended to :data:`CASES`."""
    import importlib
    import pkgutil

    import tests.security as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("routes_"):
            CASES.extend(importlib.import_module(f"tests.security.{info.name}").CASES)


_collect_area_cases()


def routes_of(app) -> set[tuple[str, str]]:
    """``(endpoint, method)`` for every rule and every method it accepts (HEAD, OPTIONS aside)."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods
            if method in METHODS}


def classified() -> set[tuple[str, str]]:
    return {(case.endpoint, case.method) for case in CASES}


def cases_for(method: str | None = None) -> list[Case]:
    return [case for case in CASES if method is None or case.method == method]


def url_for_case(app, case: Case, world: World, lang: str = "en", **query) -> str:
    """The path of ``case`` for ``world`` (built outside any request, so with ``lang`` filled in)."""
    from flask import url_for

    values = dict(case.values(world))
    rule = next(rule for rule in app.url_map.iter_rules(case.endpoint))
    if "lang" in rule.arguments:
        values["lang"] = lang
    with app.test_request_context("/"):
        return url_for(case.endpoint, **values, **query)
