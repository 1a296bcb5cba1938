"""The voluntary self-description: offered when the consultation asks for it, every field
optional with "prefer not to say", stored apart from the contribution, never shown or published."""
from __future__ import annotations

import re

import pytest

from app.contributions import services
from app.contributions.models import Contribution, ParticipantProfile
from app.contributions.self_description import (
    BREMEN_DISTRICTS,
    BREMERHAVEN_DISTRICTS,
    PREFER_NOT,
    clean_self_description,
    InvalidSelfDescription,
)
from tests.helpers import count
from tests.privacy.conftest import contributions, form_data, form_path, profiles

FULL = {"about_age_group": "30_44", "about_district": "hb-groepelingen", "about_languages": ["tr", "ku", "de"],
        "about_migration_history": "parents", "about_gender": "non_binary", "about_disability": "yes"}


def test_form_offers_every_field_with_prefer_not_to_say(client, consultation):
    html = client.get(form_path(consultation)).get_data(as_text=True)
    start = html.index("<legend>About you (voluntary)</legend>")
    section = html[start:html.index('id="consent-heading"')]
    assert "whose voices are missing" in section
    assert "groups of at least 5 people" in section and "stored apart from your contribution" in section
    for name in ("about_age_group", "about_migration_history", "about_gender", "about_disability"):
        assert len(re.findall(rf'name="{name}"[^>]*value="{PREFER_NOT}"|value="{PREFER_NOT}"[^>]*name="{name}"',
                              html)) == 1, name
    assert re.search(rf'<input[^>]*name="about_languages"[^>]*value="{PREFER_NOT}"', html)
    select = re.search(r'<select[^>]*name="about_district"[^>]*>', html).group(0)
    assert "required" not in select
    assert '<option value="">No answer</option>' in html
    assert "Gröpelingen (Bremen)" in html and "Lehe (Bremerhaven)" in html and "Mitte (Bremerhaven)" in html
    assert "Outside Bremen and Bremerhaven" in html
    assert "Another gender" in html and "Non-binary" in html
    assert 'type="text" name="about_gender' not in html  # no free text about gender
    assert "(required)" not in html[start:html.index('id="consent-heading"')]


def test_form_leaves_it_out_when_the_consultation_does_not_ask(client, db, consultation):
    consultation.asks_self_description = False
    db.session.commit()
    html = client.get(form_path(consultation)).get_data(as_text=True)
    assert "About you (voluntary)" not in html and "about_gender" not in html
    # values sent anyway are not stored
    response = client.post(form_path(consultation), data=form_data(client, consultation, **FULL))
    assert response.status_code == 303 and count(db, ParticipantProfile) == 0


def test_answers_are_stored_apart_from_the_contribution(client, db, consultation):
    response = client.post(form_path(consultation), data=form_data(client, consultation, **FULL))
    assert response.status_code == 303
    [contribution] = contributions(db)
    [profile] = profiles(db)
    assert profile.contribution_id == contribution.id and profile.consultation_id == consultation.id
    assert (profile.age_group, profile.district, profile.migration_history, profile.gender, profile.disability) == (
        "30_44", "hb-groepelingen", "parents", "non_binary", "yes")
    assert profile.languages == ["tr", "ku", "de"]
    assert "Gröpelingen" not in contribution.text and "non_binary" not in contribution.text


def test_nothing_is_stored_when_nothing_is_answered(client, db, consultation):
    assert client.post(form_path(consultation), data=form_data(client, consultation, about_district="")
                       ).status_code == 303
    assert count(db, Contribution) == 1 and count(db, ParticipantProfile) == 0


def test_prefer_not_to_say_is_an_answer_of_its_own(client, db, consultation):
    data = form_data(client, consultation, about_gender=PREFER_NOT, about_languages=[PREFER_NOT])
    assert client.post(form_path(consultation), data=data).status_code == 303
    [profile] = profiles(db)
    assert profile.gender == PREFER_NOT and profile.languages == [PREFER_NOT]
    assert profile.age_group is None and profile.district is None and profile.disability is None


@pytest.mark.parametrize("overrides", [
    {"about_gender": "something-typed"},
    {"about_age_group": "17"},
    {"about_district": "Gröpelingen"},
    {"about_languages": ["tr", "xx"]},
    {"about_languages": ["tr", PREFER_NOT]},
    {"about_disability": "maybe"},
    {"about_migration_history": "<script>"},
])
def test_bad_values_are_refused_and_nothing_is_written(client, db, consultation, overrides):
    response = client.post(form_path(consultation), data=form_data(client, consultation, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'class="error"' in html
    assert count(db, Contribution) == 0 and count(db, ParticipantProfile) == 0


def test_service_refuses_bad_values_before_writing(db, consultation):
    answers = {consultation.questions[0].id: "Text"}
    for description in [{"gender": "x"}, {"languages": "de"}, {"languages": ["de", PREFER_NOT]},
                        {"shoe_size": "44"}, {"district": 5}]:
        with pytest.raises(services.ContributionRefused) as refused:
            services.submit_contribution(consultation, answers, language="de", self_description=description)
        assert refused.value.reason == "self_description"
        db.session.rollback()
    consultation.asks_self_description = False
    with pytest.raises(services.ContributionRefused):
        services.submit_contribution(consultation, answers, language="de", self_description={"gender": "man"})
    db.session.rollback()
    assert count(db, Contribution) == 0 and count(db, ParticipantProfile) == 0


def test_clean_self_description():
    assert clean_self_description({"gender": "", "age_group": None, "languages": []}) == {}
    assert clean_self_description({"languages": ["de", "de", "other"]}) == {"languages": ["de", "other"]}
    with pytest.raises(InvalidSelfDescription):
        clean_self_description({"languages": [PREFER_NOT, "de"]})
    assert len(BREMEN_DISTRICTS) == 23 and len(BREMERHAVEN_DISTRICTS) == 9


def test_self_description_is_never_shown_or_published(client, db, consultation, login_as):
    client.post(form_path(consultation), data=form_data(client, consultation, **FULL))
    [contribution] = contributions(db)
    pages = [f"/en/consultations/{consultation.slug}",
             f"/en/consultations/{consultation.slug}/contributions/{contribution.id}",
             f"/api/v1/consultations/{consultation.slug}/contributions",
             f"/api/v1/consultations/{consultation.slug}"]
    hints = ["Gröpelingen", "groepelingen", "non_binary", "Non-binary", "30_44", "30 to 44", "parents",
             "migration", "disability", "age_group"]
    for role in (None, "admin"):
        if role:
            login_as(role)
        for path in pages:
            response = client.get(path)
            text = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert "Mehr Sprachkurse" in text or "api/v1/consultations/" in path and path.endswith(consultation.slug)
            found = [hint for hint in hints if hint.lower() in text.lower()]
            assert not found, (path, found)
