"""Works without JavaScript; stays light (≤ 150 KB for a consultation page) and first-party only."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.keys import demo_questions, latest_contribution

WEIGHT_LIMIT = 150 * 1000  # bytes: HTML, CSS, JS and fonts of one page, nothing cached
COUNTED_TYPES = {"document", "stylesheet", "script", "font"}


def test_contribution_flow_without_javascript(site, fresh_context):
    context = fresh_context(java_script_enabled=False)
    page = context.new_page()
    slug = site.samples["slug"]
    questions = demo_questions(site)

    page.goto(site.url("de", "/"))
    with page.expect_navigation():
        page.locator(".language-nav a[hreflang=tr]").click()
    assert page.url == site.url("tr", "/")
    with page.expect_navigation():
        page.locator(f"main a[href='/tr/consultations/{slug}']").first.click()
    with page.expect_navigation():
        page.locator(f"main a[href='/tr/consultations/{slug}/contribute']").click()
    assert page.locator("main form textarea").count() >= 1

    # Send without the required answer: the server lists the error at the top.
    for q in questions:
        if q["kind"] == "scale":
            page.locator(f"fieldset#q{q['id']} input[value='2']").check()
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    assert navigation.value.status == 422
    free = next(q for q in questions if q["kind"] == "free_text" and q["required"])
    assert page.locator(f".error-summary a[href='#q{free['id']}']").count() == 1
    assert page.locator(f"#q{free['id']}").get_attribute("aria-invalid") == "true"
    # What was chosen is kept.
    scale = next(q for q in questions if q["kind"] == "scale")
    assert page.locator(f"fieldset#q{scale['id']} input[value='2']").is_checked()

    page.locator(f"#q{free['id']}").fill("Mahallede akşamları daha fazla Almanca kursu olmalı.")
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    assert navigation.value.status == 200 and page.url.endswith(f"/tr/consultations/{slug}/thanks")
    stored = latest_contribution(site)
    assert stored["answers"][free["id"]]["text"].startswith("Mahallede")
    assert stored["answers"][scale["id"]]["scale"] == 2


@pytest.mark.parametrize("path", ["/consultations/{slug}", "/consultations/{slug}/contribute"])
@pytest.mark.parametrize("lang", ["de", "ar"])
def test_consultation_page_is_light_and_makes_no_third_party_request(site, fresh_context, path, lang):
    page = fresh_context().new_page()  # a fresh context: nothing cached
    requests, sizes = [], {}

    def on_response(response):
        kind = response.request.resource_type
        if kind in COUNTED_TYPES:
            sizes[response.url] = (kind, len(response.body()))

    page.on("request", lambda request: requests.append(request.url))
    page.on("response", on_response)
    response = page.goto(site.url(lang, path.format(slug=site.samples["slug"])), wait_until="networkidle")
    assert response.status == 200

    origin = urlsplit(site.base)
    foreign = [url for url in requests
               if not url.startswith(("data:", "about:")) and urlsplit(url)[:2] != origin[:2]]
    assert not foreign, f"requests to other origins: {foreign}"
    total = sum(size for _kind, size in sizes.values())
    detail = ", ".join(f"{urlsplit(url).path} ({kind}) {size} B" for url, (kind, size) in sizes.items())
    print(f"\npage weight {lang}{path}: {total} bytes – {detail}")
    assert total <= WEIGHT_LIMIT, f"{total} bytes transferred (limit {WEIGHT_LIMIT}): {detail}"
