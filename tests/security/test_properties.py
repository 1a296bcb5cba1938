"""Property-based tests (hypothesis): any text in the contribution form, the list filters and the
API's parameters gets a clear 4xx or is stored as sent and shown escaped; never a 500."""
from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.contributions.models import Contribution
from app.extensions import db
from tests.security.test_hostile_input import assert_safe, read_form
from tests.security.world import client_as

# Modest and without an example database (no .hypothesis folder in the work tree).
FAST = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any Unicode text, with hostile pieces mixed in (script tags, quotes, bidi and zero-width
# characters, NUL and other control characters).
FRAGMENTS = st.sampled_from(["<script>", "</script>", "<img src=x onerror=alert(1)>", "'", '"', "&amp;", "\x00",
                             "\u202e", "\u200b", "\ufeff", "\r\n", "%00", "{{", "}}", "--", ";"])
TEXT = st.lists(st.one_of(st.text(max_size=40), FRAGMENTS), max_size=8).map("".join)


@FAST
@given(text=TEXT)
def test_any_text_in_a_contribution_is_stored_as_sent_or_refused(app, world, text):
    path = f"/en/consultations/{world.pub.slug}/contribute"
    if "visitor" not in world.objects:  # one visitor for every example: the world is built once per test
        world.objects["visitor"] = client_as(app, world, "anonymous")
        world.objects["token"] = read_form(world.visitor.get(path).get_data(as_text=True))[1]
    client, token = world.visitor, world.token
    free, choice = world.pub.questions
    last = db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0
    response = client.post(path, data={**token, "language": "en", f"q{free.id}": text,
                                       f"q{choice.id}": str(choice.options[0].id)})
    assert_safe(response, repr(text))
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Contribution).where(Contribution.id > last)).all()
    if response.status_code == 303:
        assert len(stored) == 1 and "\x00" not in stored[0].text
        # Stored as sent (less surrounding space; line breaks as the browser sends them).
        assert stored[0].text == text.replace("\r\n", "\n").replace("\r", "\n").strip() or \
            stored[0].text == text.strip()
        if any(ch in text for ch in "<>&\"'"):
            page = client.get(f"/en/consultations/{world.pub.slug}/contributions/{stored[0].id}")
            assert_safe(page, repr(text))
            first_line = stored[0].text.split("\n")[0].strip()
            assert str(escape(first_line)) in page.get_data(as_text=True)
    else:
        assert response.status_code == 422 and stored == []


PARAMS = st.fixed_dictionaries({}, optional={
    "q": TEXT, "status": TEXT, "scope": TEXT, "action_field": TEXT, "page": TEXT, "per_page": TEXT})


@FAST
@given(params=PARAMS)
def test_any_list_filter_is_a_page_or_a_400(app, world, params):
    response = client_as(app, world, "anonymous").get("/en/consultations", query_string=params)
    assert_safe(response, repr(params))
    assert response.status_code in (200, 400)


@FAST
@given(params=PARAMS, path=st.sampled_from(["/api/v1/consultations", "/api/v1/action-fields",
                                            "/api/v1/consultations/public-open/contributions"]))
def test_any_api_parameter_is_json_200_or_400(app, world, params, path):
    response = client_as(app, world, "anonymous").get(path, query_string=params)
    assert response.status_code in (200, 400) and response.is_json, (path, params, response.status_code)
    if response.status_code == 400:
        assert response.get_json()["error"]["detail"]

