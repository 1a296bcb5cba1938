"""Keyboard helpers: move with Tab and read where the focus is; no clicks."""
from __future__ import annotations

import sqlalchemy as sa

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el), r = el.getBoundingClientRect();
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.getAttribute('href')) s += `[href=${el.getAttribute('href')}]`;
  if (el.getAttribute('name')) s += `[name=${el.getAttribute('name')}]`;
  return {
    describe: s, id: el.id,
    outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
    shadow: cs.boxShadow !== 'none',
    focusVisible: el.matches(':focus-visible'),
    visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden',
    inViewport: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    index: [...document.querySelectorAll('*')].indexOf(el),
  };
}"""


def active(page) -> dict | None:
    return page.evaluate(ACTIVE)


def focus_matches(page, selector: str) -> bool:
    return page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector)


def focus_arrives(page, selector: str, timeout_ms: int = 3000) -> bool:
    """Whether the focus moves to ``selector`` within the timeout (``autofocus`` is applied by the
    browser after the page loaded, not at once)."""
    try:
        page.wait_for_function(
            "(sel) => !!document.activeElement && document.activeElement.matches(sel)", arg=selector,
            timeout=timeout_ms)
    except Exception:  # playwright's TimeoutError
        return False
    return True


def tab_to(page, selector: str, limit: int = 250, key: str = "Tab") -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focus_matches(page, selector):
            return
    raise AssertionError(f"{selector!r} was not reached with {limit} presses of {key}")


def press_and_wait(page, key: str = "Enter"):
    """Press a key that navigates; returns the new page's response."""
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    return navigation.value


def demo_questions(site) -> list[dict]:
    """The demo consultation's questions: id, kind, required and option ids, in order."""
    from app.consultations.models import Consultation
    from app.extensions import db

    with site.app.app_context():
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == site.samples["slug"]))
        questions = [{"id": q.id, "kind": q.kind.value, "required": q.required, "options": [o.id for o in q.options]}
                     for q in consultation.questions]
        db.session.remove()
    return questions


def latest_contribution(site) -> dict | None:
    """The newest contribution with its answers, as plain data."""
    from app.contributions.models import Contribution
    from app.extensions import db

    with site.app.app_context():
        contribution = db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()).limit(1))
        if contribution is None:
            return None
        data = {"id": contribution.id, "language": contribution.language, "answers": {
            a.question_id: {"text": a.text, "scale": a.scale_value, "choices": [o.id for o in a.choices]}
            for a in contribution.answers}}
        db.session.remove()
    return data
