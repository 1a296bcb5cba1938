"""Request size limits: a body over MAX_CONTENT_LENGTH (512 KiB), or a form with more parts than
MAX_FORM_PARTS, gets the translated 413 page and writes nothing."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from tests.helpers import get_csrf_token
from tests.security.world import changed_tables, snapshot


def _contribute(client, consultation, lang="en", content_type=None, **fields):
    path = f"/{lang}/consultations/{consultation.slug}/contribute"
    data = {"csrf_token": get_csrf_token(client, path), "language": "en",
            f"q{consultation.questions[0].id}": "An idea", **fields}
    return client.post(path, data=data, content_type=content_type)


def test_the_limits_are_configured(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 512 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] <= app.config["MAX_CONTENT_LENGTH"]
    assert 100 <= app.config["MAX_FORM_PARTS"] <= 1000


def test_a_body_over_512_kib_gets_413_and_nothing_is_written(client, world):
    before = snapshot()
    response = _contribute(client, world.pub, **{f"q{world.pub.questions[0].id}": "x" * (520 * 1024)})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<h1>Too much data</h1>" in html and "Please shorten your text" in html
    assert changed_tables(before, snapshot()) == []


def test_the_413_page_is_translated(app, client, world):
    response = _contribute(client, world.pub, lang="de", **{f"q{world.pub.questions[0].id}": "x" * (520 * 1024)})
    assert response.status_code == 413
    with app.test_request_context("/de/"), force_locale("de"):
        title = _("Too much data")
    assert title != "Too much data" and f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_a_multipart_form_with_too_many_parts_gets_413_and_nothing_is_written(app, client, world):
    """Our forms are url-encoded; multipart bodies are what MAX_FORM_PARTS caps (werkzeug parses
    url-encoded bodies cheaply, bounded by MAX_CONTENT_LENGTH)."""
    extra = {f"extra{n}": "1" for n in range(app.config["MAX_FORM_PARTS"] + 1)}
    assert _contribute(client, world.pub, content_type="multipart/form-data").status_code == 303
    before = snapshot()
    response = _contribute(client, world.pub, content_type="multipart/form-data", **extra)
    assert response.status_code == 413
    assert changed_tables(before, snapshot()) == []


def test_a_body_just_under_the_limit_is_judged_by_the_form(client, world):
    """Not 413: the text is simply longer than an answer may be (422, with the form's message)."""
    before = snapshot()
    response = _contribute(client, world.pub, **{f"q{world.pub.questions[0].id}": "x" * (400 * 1024)})
    assert response.status_code == 422
    assert "Please write at most 5000 characters." in response.get_data(as_text=True)
    assert changed_tables(before, snapshot()) == []

