"""Public consultation pages: home, action fields, list with filters, detail, visibility."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.consultations.models import ConsultationStatus, Scope, Visibility
from app.contributions.models import ContributionStatus
from tests.factories import HOSTILE, make_consultation, make_contribution


def test_root_redirects_by_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/")
    assert client.get("/", headers={"Accept-Language": "fr"}).headers["Location"].endswith("/de/")


def test_root_remembers_language_choice(client):
    response = client.get("/en/language?next=/en/consultations")
    assert response.status_code == 302 and response.headers["Location"] == "/en/consultations"
    assert client.get("/", headers={"Accept-Language": "de"}).headers["Location"].endswith("/en/")


def test_language_switch_refuses_open_redirect(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.get("/de/language", query_string={"next": target})
        assert response.headers["Location"] == "/de/", target


def test_home_lists_open_consultations_only(client, seeded):
    open_one = make_consultation(title={"de": "Offen hier"})
    make_consultation(title={"de": "Entwurf hier"}, status=ConsultationStatus.DRAFT)
    make_consultation(title={"de": "Vorbei hier"}, closes_in=timedelta(days=-1))
    html = client.get("/de/").get_data(as_text=True)
    assert "Offen hier" in html and "Entwurf hier" not in html and "Vorbei hier" not in html
    assert f'/de/consultations/{open_one.slug}' in html
    assert '<html lang="de" dir="ltr">' in html


def test_action_fields_list_shows_all_thirteen(client, seeded):
    response = client.get("/en/action-fields")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('href="/en/action-fields/') == 13
    assert "Reducing discrimination" in html


def test_action_field_detail_lists_its_consultations(client, seeded):
    from app.consultations.queries import action_fields

    fields = {f.slug: f for f in action_fields()}
    make_consultation(title={"de": "Sprachkurse am Abend"}, action_fields=[fields["language"]])
    make_consultation(title={"de": "Sportvereine"}, action_fields=[fields["culture-religion-sport"]])
    html = client.get("/de/action-fields/language").get_data(as_text=True)
    assert "Sprachkurse am Abend" in html and "Sportvereine" not in html
    assert client.get("/de/action-fields/no-such-field").status_code == 404


def test_list_filters(client, seeded):
    from app.consultations.queries import action_fields

    fields = {f.slug: f for f in action_fields()}
    make_consultation(title={"de": "Alpha Bremerhaven"}, scope=Scope.BREMERHAVEN, action_fields=[fields["work"]])
    make_consultation(title={"de": "Beta Stadt"}, scope=Scope.CITY_BREMEN, status=ConsultationStatus.CLOSED)
    make_consultation(title={"de": "Gamma abgelaufen"}, closes_in=timedelta(days=-2))

    def titles(**params):
        response = client.get("/de/consultations", query_string=params)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    html = titles(scope="bremerhaven")
    assert "Alpha" in html and "Beta" not in html
    html = titles(status="closed")
    assert "Beta" in html and "Gamma" in html and "Alpha" not in html  # past its closing time counts as closed
    html = titles(status="open")
    assert "Alpha" in html and "Gamma" not in html
    html = titles(action_field="work")
    assert "Alpha" in html and "Beta" not in html
    html = titles(q="gamma")
    assert "Gamma" in html and "Alpha" not in html
    html = titles(q="100%_")  # LIKE wildcards are escaped, not interpreted
    assert "Alpha" not in html


@pytest.mark.parametrize("params", [
    {"status": "draft"}, {"status": "bogus"}, {"scope": "mars"}, {"action_field": "nope"},
    {"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"per_page": "1000"}, {"q": "x" * 201},
])
def test_list_rejects_bad_filters_with_400(client, seeded, params):
    response = client.get("/de/consultations", query_string=params)
    assert response.status_code == 400
    assert "<html lang=\"de\"" in response.get_data(as_text=True)


def test_detail_escapes_and_paginates_published_contributions(client, seeded):
    consultation = make_consultation()
    for i in range(25):
        make_contribution(consultation, text=f"Beitrag Nummer {i:02d}")
    make_contribution(consultation, text="Noch nicht freigegeben", status=ContributionStatus.PENDING)
    make_contribution(consultation, text="Versteckt", status=ContributionStatus.HIDDEN)
    make_contribution(consultation, text="مرحبا بكم في الحي", language="ar")

    first = client.get(f"/de/consultations/{consultation.slug}").get_data(as_text=True)
    assert "<script>alert" not in first and "&lt;script&gt;" in first
    assert "26 veröffentlichte Beiträge" in first or "26 published contributions" in first
    assert "Noch nicht freigegeben" not in first and "Versteckt" not in first
    assert 'lang="ar" dir="rtl"' in first
    second = client.get(f"/de/consultations/{consultation.slug}?page=2").get_data(as_text=True)
    assert "Beitrag Nummer 00" in second and "Beitrag Nummer 24" not in second
    assert client.get(f"/de/consultations/{consultation.slug}?page=x").status_code == 400


def test_unknown_slug_and_language_are_translated_404(client, seeded):
    response = client.get("/en/consultations/does-not-exist")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/de/consultations/does-not-exist")
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
    assert client.get("/xx/consultations").status_code == 404
    assert client.get("/zz/").status_code == 404


def test_fallback_to_german_is_marked(client, seeded):
    consultation = make_consultation(title={"de": "Nur auf Deutsch"})
    html = client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)
    assert '<h1 lang="de" dir="ltr">Nur auf Deutsch</h1>' in html
    assert "Not yet available in your language" in html


@pytest.mark.parametrize("visibility", [Visibility.INVITATION, Visibility.INTERNAL])
def test_hidden_consultations_are_404_everywhere(client, seeded, visibility, login_as):
    secret = make_consultation(title={"de": "Geheime Beteiligung"}, visibility=visibility)
    make_contribution(secret)
    login_as("resident")
    for path in ("/de/", "/de/consultations", "/de/consultations?q=Geheime", f"/de/consultations/{secret.slug}",
                 f"/de/consultations/{secret.slug}/contribute"):
        response = client.get(path)
        assert "Geheime Beteiligung" not in response.get_data(as_text=True), path
    assert client.get(f"/de/consultations/{secret.slug}").status_code == 404
    assert client.get(f"/de/consultations/{secret.slug}/contribute").status_code == 404


def test_invitation_link_opens_consultation_for_this_browser_only(app, client, seeded):
    secret = make_consultation(title={"de": "Nur mit Einladung"}, visibility=Visibility.INVITATION)
    assert client.get("/de/invitation/wrong-token").status_code == 404
    response = client.get(f"/de/invitation/{secret.invite_token}")
    assert response.status_code == 302
    assert client.get(f"/de/consultations/{secret.slug}").status_code == 200
    assert "Nur mit Einladung" in client.get("/de/consultations").get_data(as_text=True)
    other_browser = app.test_client()
    assert other_browser.get(f"/de/consultations/{secret.slug}").status_code == 404


def test_internal_consultation_visible_to_staff(client, seeded, login_as):
    internal = make_consultation(title={"de": "Interkulturelle Öffnung intern"}, visibility=Visibility.INTERNAL)
    login_as("working_group")
    assert client.get(f"/de/consultations/{internal.slug}").status_code == 200


def test_draft_visible_to_admin_only(client, seeded, login_as):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    assert client.get(f"/de/consultations/{draft.slug}").status_code == 404
    login_as("working_group")
    assert client.get(f"/de/consultations/{draft.slug}").status_code == 404
    login_as("admin")
    assert client.get(f"/de/consultations/{draft.slug}").status_code == 200


def test_security_headers(client, seeded):
    response = client.get("/de/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
