"""With the keyboard alone: a skip link first, a visible focus on every stop in document order, and
the whole contribution flow (choose a language, open a consultation, answer every question kind,
correct an error through the error summary, send) with keyboard.press and keyboard.type only."""
from __future__ import annotations

import pytest

from tests.browser.keys import active, demo_questions, focus_arrives, focus_matches, latest_contribution, press_and_wait, tab_to


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_skip_link_comes_first_and_moves_focus_to_main(site, visitor_context, lang):
    page = visitor_context.new_page()
    try:
        page.goto(site.url(lang, "/consultations"))
        page.keyboard.press("Tab")
        focused = active(page)
        assert focus_matches(page, "a.skip-link"), f"the first Tab stop is {focused}"
        assert focused["visible"] and focused["inViewport"] and (focused["outline"] or focused["shadow"])
        page.keyboard.press("Enter")
        assert focus_matches(page, "main#main"), f"after the skip link the focus is on {active(page)}"
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)"), \
            f"the next Tab stop after the skip link is outside <main>: {active(page)}"
    finally:
        page.close()


FOCUS_PAGES = [
    ("/", False),
    ("/consultations/{slug}", False),
    ("/consultations/{slug}/contribute", False),
    ("/accessibility", False),
    ("/staff/", True),
]


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("path, as_admin", FOCUS_PAGES)
def test_focus_is_visible_on_every_stop_in_document_order(site, visitor_context, admin_context, lang, path, as_admin):
    page = (admin_context if as_admin else visitor_context).new_page()
    try:
        response = page.goto(site.url(lang, path.format(slug=site.samples["slug"])))
        assert response.status == 200
        stops, last_index = [], -1
        for _ in range(400):
            page.keyboard.press("Tab")
            focused = active(page)
            if focused is None or (stops and focused["describe"] == stops[0]["describe"]):
                break  # left the document, or wrapped around
            index = focused["index"]
            assert index > last_index, f"focus went backwards in the document: {stops[-1]['describe']} -> {focused}"
            last_index = index
            assert focused["visible"] and focused["inViewport"], f"focused but not visible: {focused}"
            assert focused["outline"] or focused["shadow"], f"no visible focus indicator on {focused}"
            stops.append(focused)
        assert len(stops) >= 5
    finally:
        page.close()


def test_contribution_flow_with_the_keyboard_alone(site, fresh_context):
    page = fresh_context().new_page()
    slug = site.samples["slug"]
    questions = demo_questions(site)
    kinds = {q["kind"] for q in questions}
    assert {"free_text", "single_choice", "multiple_choice", "scale"} <= kinds
    before = latest_contribution(site)

    page.goto(site.url("de", "/"))
    # Choose Arabic in the language switcher.
    tab_to(page, ".language-nav a[hreflang=ar]")
    press_and_wait(page)
    assert page.url == site.url("ar", "/") and page.evaluate("document.documentElement.dir") == "rtl"
    # Open the consultation, then its form.
    tab_to(page, f"main a[href='/ar/consultations/{slug}']")
    press_and_wait(page)
    tab_to(page, f"main a[href='/ar/consultations/{slug}/contribute']")
    press_and_wait(page)

    # Answer every closed question; leave the required free text empty.
    for q in questions:
        group = f"fieldset#q{q['id']}"
        if q["kind"] == "single_choice":
            tab_to(page, f"{group} input[type=radio]")
            page.keyboard.press("ArrowDown")  # moves to and selects the second option
            if not page.evaluate("(sel) => document.querySelector(sel).checked", f"{group} input:focus"):
                page.keyboard.press("Space")
        elif q["kind"] == "multiple_choice":
            tab_to(page, f"{group} input[type=checkbox]")
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")  # skip the second option
            page.keyboard.press("Space")
        elif q["kind"] == "scale":
            tab_to(page, f"{group} input[type=radio]")
            page.keyboard.press("Space")  # 1
            for _ in range(3):
                page.keyboard.press("ArrowDown")  # 2, 3, 4
    tab_to(page, "main form button[type=submit]")
    response = press_and_wait(page)
    assert response.status == 422
    assert focus_arrives(page, ".error-summary"), f"the error page starts with the focus on {active(page)}"

    # The error summary lists the missing answer and leads to it.
    free = next(q for q in questions if q["kind"] == "free_text" and q["required"])
    tab_to(page, f".error-summary a[href='#q{free['id']}']")
    page.keyboard.press("Enter")
    assert active(page)["id"] == f"q{free['id']}", f"the focus is on {active(page)}, not on the field"
    assert page.evaluate("(id) => document.getElementById(id).getAttribute('aria-describedby')", f"q{free['id']}")
    page.keyboard.type("نحتاج إلى مزيد من المقاعد في الحديقة ودورات لغة في المساء.")
    tab_to(page, "main form button[type=submit]")
    response = press_and_wait(page)
    assert response.status == 200 and page.url.endswith(f"/ar/consultations/{slug}/thanks")

    stored = latest_contribution(site)
    assert stored and (before is None or stored["id"] > before["id"])
    answers = stored["answers"]
    assert answers[free["id"]]["text"].startswith("نحتاج إلى مزيد")
    for q in questions:
        if q["kind"] == "single_choice":
            assert answers[q["id"]]["choices"] == [q["options"][1]]
        elif q["kind"] == "multiple_choice":
            assert answers[q["id"]]["choices"] == [q["options"][0], q["options"][2]]
        elif q["kind"] == "scale":
            assert answers[q["id"]]["scale"] == 4
