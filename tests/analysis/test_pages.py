"""The summary pages for the working group: who may see them, what they show, bad arguments."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.consultations.models import ActionField, ConsultationStatus
from app.contributions.models import Channel
from app.extensions import db
from tests.analysis.test_stats import QUESTIONS, add
from tests.factories import make_consultation


@pytest.fixture()
def consultation(seeded):
    field = db.session.query(ActionField).filter_by(slug="language").one()
    consultation = make_consultation(questions=QUESTIONS, action_fields=[field])
    for i in range(6):
        add(consultation, choice=0, scale=4, created=datetime(2025, 3, 3, 10))
    for i in range(5):
        add(consultation, language="ar", choice=1, scale=2, created=datetime(2025, 3, 17, 10),
            text="نحتاج إلى مزيد من دورات اللغة")
    add(consultation, channel=Channel.PAPER, text="=HYPERLINK(\"http://evil\")")
    return consultation


@pytest.mark.parametrize("role", ["anonymous", "resident", "organisation_member", "moderator"])
def test_hidden_from_everyone_but_analysts(client, login_as, consultation, role):
    if role != "anonymous":
        login_as(role)
    for path in ("/de/analysis/", f"/de/analysis/consultations/{consultation.slug}", "/de/analysis/fields/language",
                 f"/de/analysis/consultations/{consultation.slug}/export.xlsx",
                 f"/de/analysis/consultations/{consultation.slug}/memo.pdf"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("role", ["working_group", "admin"])
def test_index_lists_consultations(client, login_as, consultation, role):
    login_as(role)
    page = client.get("/en/analysis/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'/en/analysis/consultations/{consultation.slug}' in html
    assert 'name="from"' in html and 'name="to"' in html
    # the link in the navigation
    assert 'href="/en/analysis/"' in client.get("/en/").get_data(as_text=True)


def test_summary_page_shows_figures_and_accessible_charts(client, login_as, consultation):
    login_as("working_group")
    page = client.get(f"/en/analysis/consultations/{consultation.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0].replace("&lt;script", "")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        assert 'role="img"' in svg and "viewBox=" in svg and 'width="100%"' in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        assert f'<title id="{ids[0]}">' in svg and f'<desc id="{ids[1]}">' in svg
    assert html.count("<caption>") >= len(svgs)  # a table next to every chart
    assert "Contributions by language" in html and "العربية" in html
    assert "Participants" in html and ">12<" in html
    # the scale compared by language: de 6, ar 5 (paper one has no scale)
    assert "By language" in html


def test_summary_page_right_to_left(client, login_as, consultation):
    login_as("working_group")
    html = client.get(f"/ar/analysis/consultations/{consultation.slug}").get_data(as_text=True)
    assert 'dir="rtl"' in html
    # labels anchored at the right edge, bars grow from the right
    assert 'text-anchor="end"' in html


def test_new_since(client, login_as, consultation):
    login_as("working_group")
    html = client.get(f"/en/analysis/consultations/{consultation.slug}?since=2025-03-10").get_data(as_text=True)
    assert "contributions since" in html
    assert "?since=2025-03-10" in html  # the memo keeps the date


@pytest.mark.parametrize("query", ["since=31.03.2025", "since=2025-02-30", "since=" + "9" * 40])
def test_bad_since_is_400(client, login_as, consultation, query):
    login_as("working_group")
    page = client.get(f"/en/analysis/consultations/{consultation.slug}?{query}")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.get_data(as_text=True)


def test_field_page(client, login_as, consultation):
    login_as("working_group")
    page = client.get("/en/analysis/fields/language?from=2025-03-10&to=2025-12-31")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "export.xlsx?from=2025-03-10&amp;to=2025-12-31" in html
    assert client.get("/en/analysis/fields/no-such-field").status_code == 404


@pytest.mark.parametrize("query", ["from=2025-13-01", "from=2025-03-10&to=2025-03-01", "to=yesterday"])
def test_field_bad_dates_are_400(client, login_as, consultation, query):
    login_as("working_group")
    for path in ("/en/analysis/fields/language", "/en/analysis/fields/language/export.csv",
                 "/en/analysis/fields/language/memo.docx"):
        page = client.get(f"{path}?{query}")
        assert page.status_code == 400, path
        assert "date" in page.get_data(as_text=True)


def test_choose_field_redirects_or_explains(client, login_as, consultation):
    login_as("working_group")
    page = client.get("/en/analysis/fields?field=language&from=2025-01-01&to=")
    assert page.status_code == 303
    assert page.headers["Location"].endswith("/en/analysis/fields/language?from=2025-01-01")
    bad = client.get("/en/analysis/fields?field=nope&from=2025-01-01")
    assert bad.status_code == 400
    assert "error-summary" in bad.get_data(as_text=True)


def test_draft_only_for_admin(client, login_as, seeded):
    draft = make_consultation(status=ConsultationStatus.DRAFT, questions=QUESTIONS)
    login_as("working_group")
    assert client.get(f"/en/analysis/consultations/{draft.slug}").status_code == 404


def test_draft_for_admin(client, login_as, seeded):
    draft = make_consultation(status=ConsultationStatus.DRAFT, questions=QUESTIONS)
    login_as("admin")
    assert client.get(f"/en/analysis/consultations/{draft.slug}").status_code == 200


def test_theme_section_is_included(client, login_as, consultation):
    from app.analysis.models import Theme, ThemeAssignment
    from app.analysis.themes import consultation_scope

    scope = consultation_scope(consultation)
    theme = Theme(scope_key=scope, label="Sprachkurse am Abend")
    db.session.add(theme)
    db.session.commit()
    login_as("working_group")
    html = client.get(f"/en/analysis/consultations/{consultation.slug}").get_data(as_text=True)
    assert ThemeAssignment  # the model is there
    assert "themes-section-heading" in html
