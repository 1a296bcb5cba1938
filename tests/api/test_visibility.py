"""What the API never shows: hidden consultations, unpublished contributions, personal data."""
from __future__ import annotations

import pytest

from app.consultations.models import ConsultationStatus, Visibility
from app.contributions.models import ContributionStatus
from tests.api.conftest import PREFIX, all_keys
from tests.factories import make_consultation, make_contribution, make_user

LIST = "/consultations"
DETAIL = "/consultations/{slug}"
CONTRIBUTIONS = "/consultations/{slug}/contributions"


@pytest.fixture()
def hidden(seeded):
    """One public consultation and one of each kind the public may not see, each with a contribution."""
    made = {
        "public": make_consultation("public-one"),
        "draft": make_consultation("draft-one", status=ConsultationStatus.DRAFT),
        "invitation": make_consultation("invited-one", visibility=Visibility.INVITATION),
        "internal": make_consultation("internal-one", visibility=Visibility.INTERNAL),
        "invited-draft": make_consultation("invited-draft", visibility=Visibility.INVITATION,
                                           status=ConsultationStatus.DRAFT),
    }
    for consultation in made.values():
        make_contribution(consultation, text=f"Beitrag zu {consultation.slug}")
    return made


def _listed(api_get, via=None, query: str = "") -> set[str]:
    body = api_get(f"{PREFIX}/consultations?per_page=100{query}", LIST, via=via).get_json()
    assert body["total"] == len(body["items"])
    return {item["slug"] for item in body["items"]}


def _visible_everywhere(api_get, slug: str, via=None) -> None:
    assert slug in _listed(api_get, via)
    assert api_get(f"{PREFIX}/consultations/{slug}", DETAIL, via=via).get_json()["slug"] == slug
    items = api_get(f"{PREFIX}/consultations/{slug}/contributions", CONTRIBUTIONS, via=via).get_json()["items"]
    assert [i["text"] for i in items] == [f"Beitrag zu {slug}"]


def _invisible_everywhere(api_get, slug: str, via=None) -> None:
    for status in ("open", "closed", "evaluated"):
        assert slug not in _listed(api_get, via, f"&status={status}")
    assert slug not in _listed(api_get, via)
    api_get(f"{PREFIX}/consultations/{slug}", DETAIL, 404, via=via)
    api_get(f"{PREFIX}/consultations/{slug}/contributions", CONTRIBUTIONS, 404, via=via)


def test_anonymous_sees_public_only(api_get, hidden):
    assert _listed(api_get) == {"public-one"}
    _visible_everywhere(api_get, "public-one")
    for slug in ("draft-one", "invited-one", "internal-one", "invited-draft"):
        _invisible_everywhere(api_get, slug)


def test_invitation_link_opens_it_for_that_session_only(app, client, api_get, hidden):
    token = hidden["invitation"].invite_token
    assert client.get(f"/de/invitation/{token}").status_code == 302
    _visible_everywhere(api_get, "invited-one")
    assert _listed(api_get) == {"public-one", "invited-one"}

    stranger = app.test_client()
    _invisible_everywhere(api_get, "invited-one", via=stranger)
    # The token itself is never published, not even to the invited session.
    for url in (f"{PREFIX}/consultations", f"{PREFIX}/consultations/invited-one",
                f"{PREFIX}/consultations/invited-one/contributions"):
        assert token not in client.get(url).get_data(as_text=True)


def test_invitation_link_to_a_draft_opens_nothing(client, api_get, hidden):
    token = hidden["invited-draft"].invite_token
    assert client.get(f"/de/invitation/{token}").status_code == 404
    _invisible_everywhere(api_get, "invited-draft")


def test_wrong_token_in_session_opens_nothing(client, api_get, hidden):
    with client.session_transaction() as session:
        session["invites"] = ["not-the-token", None, 42]
    _invisible_everywhere(api_get, "invited-one")


def test_residents_do_not_see_internal(login_as, api_get, hidden):
    login_as("resident")
    assert _listed(api_get) == {"public-one"}
    _invisible_everywhere(api_get, "internal-one")


def test_staff_see_internal_but_not_drafts(login_as, api_get, hidden):
    login_as("moderator")
    assert _listed(api_get) == {"public-one", "internal-one"}
    _visible_everywhere(api_get, "internal-one")
    _invisible_everywhere(api_get, "draft-one")


def test_administrators_see_drafts(login_as, api_get, hidden):
    login_as("admin")
    assert _listed(api_get) == set(c.slug for c in hidden.values())
    body = api_get(f"{PREFIX}/consultations/draft-one", DETAIL).get_json()
    assert body["status"] == "draft"


def test_pending_and_hidden_contributions_are_never_listed(api_get, seeded):
    made = make_consultation("moderiert")
    make_contribution(made, text="sichtbar")
    make_contribution(made, text="wartet", status=ContributionStatus.PENDING)
    make_contribution(made, text="versteckt", status=ContributionStatus.HIDDEN)
    body = api_get(f"{PREFIX}/consultations/moderiert/contributions", CONTRIBUTIONS).get_json()
    assert [i["text"] for i in body["items"]] == ["sichtbar"] and body["total"] == 1


def test_no_personal_data_anywhere(client, login_as, api_get, seeded):
    author = make_user(email="secret.person@example.org", display_name="Geheime Person")
    made = make_consultation("privat")
    make_contribution(made, text="von jemandem", author=author)
    login_as("admin")  # even administrators get no personal data from the open data API
    urls = [(f"{PREFIX}/action-fields", "/action-fields"), (f"{PREFIX}/consultations", LIST),
            (f"{PREFIX}/consultations/privat", DETAIL), (f"{PREFIX}/consultations/privat/contributions", CONTRIBUTIONS)]
    for url, path in urls:
        response = api_get(url, path)
        text = response.get_data(as_text=True)
        assert not all_keys(response.get_json()) & {"author", "author_id", "email", "display_name", "invite_token",
                                                    "created_by", "created_by_id"}
        assert "secret.person" not in text and "Geheime Person" not in text
