"""Every public page, in every interface language: 200, the right lang and dir, translated chrome."""
from __future__ import annotations

import pytest

from app.i18n.languages import KNOWN_LANGUAGES
from config import Config
from tests.factories import make_consultation, make_contribution

PAGES = [
    "/{lang}/",
    "/{lang}/leichte-sprache",
    "/{lang}/action-fields",
    "/{lang}/action-fields/anti-discrimination",
    "/{lang}/consultations",
    "/{lang}/consultations?status=open&scope=state",
    "/{lang}/consultations/{slug}",
    "/{lang}/consultations/{slug}/contribute",
    "/{lang}/consultations/{slug}/contributions/{contribution}",
    "/{lang}/account/login",
    "/{lang}/account/register",
    "/{lang}/account/reset",
]


@pytest.mark.parametrize("lang", Config.LANGUAGES)
def test_public_pages_render_in_every_language(client, seeded, lang):
    consultation = make_consultation(slug="vielfalt")
    contribution = make_contribution(consultation, text="Mehr Kurse am Abend, bitte.")
    direction = KNOWN_LANGUAGES[lang].direction
    for page in PAGES:
        path = page.format(lang=lang, slug=consultation.slug, contribution=contribution.id)
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in html, path
    assert client.get(f"/{lang}/consultations/nope").status_code == 404


def test_language_switcher_names_each_language_in_itself(client, seeded):
    html = client.get("/de/").get_data(as_text=True)
    for code in Config.LANGUAGES:
        language = KNOWN_LANGUAGES[code]
        assert f'lang="{code}" dir="{language.direction}" hreflang="{code}"' in html
        assert language.native_name in html


def test_links_keep_the_language(client, seeded):
    consultation = make_consultation()
    html = client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)
    assert f'href="/en/consultations/{consultation.slug}/contribute"' in html
    assert 'href="/en/action-fields"' in html and 'href="/de/action-fields"' not in html


def test_easy_read_page_is_german_in_every_language(client, seeded):
    html = client.get("/en/leichte-sprache").get_data(as_text=True)
    assert '<article class="easy-read prose" lang="de" dir="ltr">' in html
    assert "So machen Sie mit" in html
    assert 'href="/en/leichte-sprache"' in client.get("/en/").get_data(as_text=True)


def test_404_page_speaks_the_language_of_the_path(client, seeded):
    response = client.get("/ar/no-such-page", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in client.get("/zz/nothing", headers={"Accept-Language": "de"}).get_data(as_text=True)
