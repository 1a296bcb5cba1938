"""Hostile input in every form field and query parameter: script tags, SQL fragments, bidi override
and zero-width characters, invalid UTF-8, 10,000-character words, NUL bytes. Always a 4xx or a
correctly escaped display; never a 500; never a NUL byte stored; never markup that runs.

The fields of each form are read from the rendered page, so fields added later are attacked too.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts import services as account_services
from app.accounts.services import password_reset_token
from app.extensions import db
from tests.security.route_table import cases_for, url_for_case
from tests.security.world import PASSWORD, client_as

SCRIPT = '<script>alert("vs-xss")</script>'
IMG = '"><img src=x onerror=alert("vs-xss")>'
NUL = "before\x00after"
LONG_WORD = "W" * 10_000
HOSTILE = [
    SCRIPT,
    IMG,
    "' OR '1'='1'; DROP TABLE users; --",
    "Robert'); DELETE FROM contributions; --",
    "\u202eevil\u202c and \u2066isolated\u2069 text",
    "zero\u200bwidth\u200c\u200d\ufeffjoiners",
    LONG_WORD,
    NUL,
    "%00%27%22%3Cscript%3E",
    "{{ 7*7 }} {% if true %}x{% endif %} ${7*7}",
    "\U0001F600 \u0000\u0001\u001f\u007f",
]
MARKERS = ('<script>alert("vs-xss")', "<img src=x onerror", "<img src=x")
FAST_HASH = "pbkdf2:sha256:1"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hashing is slow on purpose; these tests post hundreds of forms, so use a cheap method here
    (test_headers_and_cookies.py checks that the application itself uses scrypt)."""
    import app.accounts.models as models

    monkeypatch.setattr(models, "generate_password_hash", lambda password: generate_password_hash(password, FAST_HASH))
    monkeypatch.setattr(account_services, "_dummy_hash", generate_password_hash("dummy", FAST_HASH))


class _FormFields(HTMLParser):
    """The fields (name -> value) of each POST form on a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {} if (attrs.get("method") or "get").lower() == "post" else None
        elif tag in ("input", "textarea", "select") and self._current is not None and attrs.get("name"):
            if attrs.get("type") not in ("submit", "button"):
                self._current[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def read_form(html: str) -> tuple[set[str], dict[str, str]]:
    """The field names of the page's largest POST form (not the header's log-out button), and its
    CSRF token as ``{field name: token}`` (forms with a prefix name it ``<prefix>-csrf_token``)."""
    parser = _FormFields()
    parser.feed(html)
    assert parser.forms, "no POST form on the page"
    form = max(parser.forms, key=len)
    token = {name: value for name, value in form.items() if name.endswith("csrf_token")}
    assert token, "the form has no CSRF token"
    return set(form) - set(token), token


def assert_safe(response, where: str):
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        for marker in MARKERS:
            assert marker not in html, f"{where}: unescaped {marker!r}"


def assert_no_nul_stored():
    """No NUL byte in any text column of any table (it breaks PostgreSQL and hides text)."""
    db.session.expire_all()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
            for row in conn.execute(sa.select(*columns)) if columns else ():
                for value in row:
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    assert "\x00" not in text and "\\u0000" not in text, (table.name, value)


@dataclass
class FormSpec:
    role: str
    path: callable  # world -> path (called for every post: a reset link changes after use)
    baseline: callable  # (world, n) -> valid data without the token
    shows_input: bool = True  # stored values appear on pages: look at every page afterwards
    baseline_status: int = 303  # what the valid form gets (proves the hostile posts reach the service)
    fresh_client: bool = False  # a new visitor for every post (registering logs the visitor in)


def _contribution_baseline(w, n):
    free, choice = w.pub.questions
    return {"language": "en", f"q{free.id}": f"My idea number {n}", f"q{choice.id}": str(choice.options[0].id)}


def _staff_baseline(w, n):
    from tests.consultations.test_staff import consultation_form

    return consultation_form(db, slug=f"hostile-{n}")


def _reset_path(w):
    from app.accounts.models import User

    db.session.expire_all()
    return f"/en/account/reset/{password_reset_token(db.session.get(User, w.users['resident'].id))}"


FORMS = {
    "contribution": FormSpec("anonymous", lambda w: f"/en/consultations/{w.pub.slug}/contribute",
                             _contribution_baseline),
    "register": FormSpec("anonymous", lambda w: "/en/account/register", lambda w, n: {
        "email": f"new{n}@example.org", "display_name": f"Person {n}", "password": PASSWORD, "confirm": PASSWORD},
        fresh_client=True),
    "login": FormSpec("anonymous", lambda w: "/en/account/login",
                      lambda w, n: {"email": "nobody@example.org", "password": PASSWORD}, shows_input=False,
                      baseline_status=422),
    "reset request": FormSpec("anonymous", lambda w: "/en/account/reset",
                              lambda w, n: {"email": f"someone{n}@example.org"}, shows_input=False,
                              baseline_status=200),
    "reset": FormSpec("anonymous", _reset_path, lambda w, n: {"password": f"{PASSWORD} {n}",
                                                              "confirm": f"{PASSWORD} {n}"}, shows_input=False),
    "barrier report": FormSpec("anonymous", lambda w: "/en/accessibility", lambda w, n: {
        "name": "A reader", "email": "reader@example.org", "page_url": "/en/", "description": f"Report {n}"},
        shows_input=False),
    "flag": FormSpec("anonymous", lambda w: f"/en/consultations/{w.pub.slug}/contributions/{w.published.id}/report",
                     lambda w, n: {"flag-reason": "spam", "flag-comment": f"Comment {n}"}),
    "translation": FormSpec("admin", lambda w: f"/en/consultations/{w.pub.slug}/contributions/{w.published.id}",
                            lambda w, n: {"language": "en", "text": f"Translation {n}"}),
    "staff consultation": FormSpec("admin", lambda w: "/en/staff/consultations/new", _staff_baseline),
}


ONE_AT_A_TIME = (SCRIPT, IMG, NUL, LONG_WORD, HOSTILE[4])


@pytest.mark.parametrize("name", FORMS)
def test_hostile_strings_in_every_field_of_every_form(app, world, name):
    spec = FORMS[name]
    counter = itertools.count()

    def open_form():
        client = client_as(app, world, spec.role)
        fields, token = read_form(client.get(spec.path(world)).get_data(as_text=True))
        return client, fields | set(spec.baseline(world, 0)), token

    client, fields, token = open_form()

    def send(data, where):
        visitor, _fields, csrf = open_form() if spec.fresh_client else (client, fields, token)
        response = visitor.post(spec.path(world), data={**csrf, **data})
        assert_safe(response, f"{name}: {where}")
        return response

    assert send(spec.baseline(world, next(counter)), "valid form").status_code == spec.baseline_status

    # Every field hostile at once: the form comes back with every value escaped.
    for value in HOSTILE:
        send({field: value for field in fields}, f"all fields = {value[:30]!r}")
    # One field at a time in an otherwise valid form: stored or refused, never run. Small forms get
    # every value in every field; large ones a different value per field (all values are used).
    for n, field in enumerate(sorted(fields)):
        values = ONE_AT_A_TIME if len(fields) <= 8 else [ONE_AT_A_TIME[n % len(ONE_AT_A_TIME)]]
        for value in values:
            send({**spec.baseline(world, next(counter)), field: value}, f"{field} = {value[:30]!r}")
    assert_no_nul_stored()


def test_markup_stored_through_any_form_is_escaped_on_every_page(app, world):
    """Markup in every field of every form that stores what it gets, then every page of the table
    as an administrator (who sees every page, drafts and staff pages included)."""
    counter = itertools.count()
    for name, spec in FORMS.items():
        if not spec.shows_input:
            continue
        for n, field in enumerate(sorted(set(spec.baseline(world, 0)))):
            client = client_as(app, world, spec.role)
            _fields, token = read_form(client.get(spec.path(world)).get_data(as_text=True))
            value = (SCRIPT, IMG)[n % 2] + f" {field}"
            data = {**token, **spec.baseline(world, next(counter)), field: value}
            assert_safe(client.post(spec.path(world), data=data), f"{name}: {field}")
    from app.consultations.models import Consultation
    from app.contributions.models import Contribution, ContributionTranslation

    for model, column in ((Contribution, Contribution.text), (ContributionTranslation, ContributionTranslation.text),
                          (Consultation, sa.cast(Consultation.title, sa.Text))):
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column.contains("vs-xss")))
        assert stored, f"no markup reached {model.__name__}: the test would prove nothing"
    for case in cases_for("GET"):
        viewer = client_as(app, world, "admin")
        if case.session:
            with viewer.session_transaction() as session:
                session.update(case.session(world))
        assert_safe(viewer.get(url_for_case(app, case, world)), case.name)


def test_invalid_utf8_in_bodies_paths_and_query_strings(app, world):
    client = client_as(app, world, "anonymous")
    path = f"/en/consultations/{world.pub.slug}/contribute"
    token = read_form(client.get(path).get_data(as_text=True))[1]["csrf_token"]
    free = world.pub.questions[0]
    for body in (f"csrf_token={token}&language=en&q{free.id}=".encode() + b"\xff\xfe\xc3\x28",
                 f"csrf_token={token}&language=".encode() + b"%ff%fe" + f"&q{free.id}=x".encode(),
                 b"\xff\xfe=\xc3\x28&csrf_token=" + token.encode()):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert_safe(response, f"body {body[-20:]!r}")
    for url in ("/en/consultations/%FF%FE", "/en/%C3%28", "/api/v1/consultations/%FF", "/%FF/"):
        assert_safe(client.get(url), url)
    for query in ("q=%ff%fe", "status=%c3%28", "page=%ff", "next=%ff%fe", "%ff=%fe"):
        assert_safe(client.get(f"/en/consultations?{query}"), query)
        assert_safe(client.get(f"/api/v1/consultations?{query}"), query)
    assert_no_nul_stored()


NUL_ADDRESSES = [
    "/en/consultations/a%00b", "/en/consultations/a%00b/contribute", "/en/consultations/a%00b/thanks",
    "/en/consultations/a%00b/contributions/1/report", "/en/action-fields/a%00b", "/en/invitation/a%00b",
    "/en/account/reset/a%00b", "/api/v1/consultations/a%00b", "/api/v1/consultations/a%00b/contributions",
    "/en/consultations?q=a%00b", "/en/consultations?a%00b=1", "/api/v1/consultations?action_field=%00",
]


def test_nul_bytes_in_addresses_are_refused_before_any_lookup(app, world):
    """PostgreSQL refuses NUL in a query parameter: without this, a slug lookup would be a 500."""
    client = client_as(app, world, "anonymous")
    for url in NUL_ADDRESSES:
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.is_json == url.startswith("/api/"), url
    assert client.post("/en/consultations/a%00b/contribute", data={}).status_code == 400


QUERY_PAGES = [
    ("anonymous", "/en/consultations", ("q", "action_field", "status", "scope", "page", "per_page")),
    ("anonymous", "/en/consultations/public-open", ("page", "per_page")),
    ("anonymous", "/en/accessibility", ("page",)),
    ("anonymous", "/en/language", ("next",)),
    ("resident", "/en/account/login", ("next",)),
    ("moderator", "/en/moderation/", ("view", "consultation", "page", "per_page")),
    ("admin", "/en/moderation/audit", ("action", "page", "per_page")),
    ("anonymous", "/api/v1/consultations", ("page", "per_page", "action_field", "status", "scope")),
    ("anonymous", "/api/v1/action-fields", ("page", "per_page")),
    ("anonymous", "/api/v1/consultations/public-open/contributions", ("page", "per_page")),
]


QUERY_VALUES = [SCRIPT, IMG, HOSTILE[2], HOSTILE[4], HOSTILE[5], LONG_WORD, NUL, HOSTILE[8],
                "-1", "0", "99999999999999999999", "\u0661"]


def test_hostile_query_parameters(app, world):
    """Every parameter of the list, filter and API addresses: a page, a redirect or a 400."""
    for role, path, params in QUERY_PAGES:
        client = client_as(app, world, role)
        for param in params:
            for value in QUERY_VALUES:
                response = client.get(path, query_string={param: value})
                where = f"{path}?{param}={value[:30]!r} as {role}"
                assert_safe(response, where)
                assert response.status_code in (200, 302, 400), f"{where}: {response.status_code}"
                if path.startswith("/api/"):
                    assert response.is_json, where


def test_a_stored_script_is_shown_as_text(app, world):
    """What was stored comes back escaped on the pages and as plain JSON data in the API."""
    client = client_as(app, world, "anonymous")
    path = f"/en/consultations/{world.pub.slug}/contribute"
    token = read_form(client.get(path).get_data(as_text=True))[1]
    response = client.post(path, data={**token, **_contribution_baseline(world, 0),
                                       f"q{world.pub.questions[0].id}": SCRIPT})
    assert response.status_code == 303
    page = client.get(f"/en/consultations/{world.pub.slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;vs-xss&#34;)&lt;/script&gt;" in page and SCRIPT not in page
    api = client.get(f"/api/v1/consultations/{world.pub.slug}/contributions")
    assert api.mimetype == "application/json" and api.headers["X-Content-Type-Options"] == "nosniff"
    assert any(SCRIPT in item["text"] for item in api.get_json()["items"])
