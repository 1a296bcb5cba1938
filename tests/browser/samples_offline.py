"""Sample objects and URL arguments for the browser tests of the offline pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py)."""
from __future__ import annotations


def build() -> tuple[dict, dict, dict]:
    """A workshop with two contributions for the demo consultation (the pages are visited as
    administrator, who may enter offline input for every consultation)."""
    from datetime import date

    import sqlalchemy as sa

    from app.consultations.models import Consultation
    from app.contributions.imports import NewContribution, add_contributions
    from app.contributions.models import Channel, InputSession, InputSessionFormat
    from app.demo import DEMO_SLUG
    from app.extensions import db

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    session = InputSession(consultation=demo, format=InputSessionFormat.WORKSHOP, title="Workshop im Nachbarschaftshaus",
                           place="Gröpelingen", held_on=date(2024, 5, 31), organiser="Verein Bremen",
                           participant_count=18, languages=["de", "ar", "tr"], notes="Zwei Tische, <b>kein</b> Beamer")
    db.session.add(session)
    db.session.flush()
    question = next(q for q in demo.questions if q.kind.value == "free_text")
    add_contributions(demo, [
        NewContribution(text="Mehr Bänke im Park, damit ältere Menschen sich ausruhen können.", question_id=question.id,
                        language="de", channel=Channel.WORKSHOP),
        NewContribution(text="نحتاج إلى مكان للقاء في الحي.", question_id=question.id, language="ar",
                        channel=Channel.WORKSHOP),
    ], input_session=session)
    db.session.commit()
    return {}, {"offline.session": {"slug": DEMO_SLUG, "session_id": session.id}}, {}
