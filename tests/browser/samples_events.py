"""Sample objects and URL arguments for the browser tests of the events and statements pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py).
An event of a verified organisation co-hosting the demo consultation (with interpreters, childcare
and two registrations, one on the waiting list), a statement with a PDF, and a registration's link."""
from __future__ import annotations

import io
from datetime import timedelta


def build() -> tuple[dict, dict, dict]:
    import sqlalchemy as sa

    from app.consultations.models import Consultation
    from app.core.timeutil import utcnow
    from app.demo import DEMO_SLUG
    from app.events import services as events
    from app.events.models import Event
    from app.extensions import db
    from app.organisations import statements
    from tests.factories import make_organisation, make_user

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    member = make_user("organisation_member", email="events-member@example.org")
    organisation = make_organisation("kulturverein-events", name="Kulturverein Gröpelingen", cohosts=[demo],
                                     members=[(member, "owner")])
    event = Event(consultation=demo, organisation=organisation,
                  title={"de": "Fachtag Mehrsprachigkeit", "en": "Expert day on multilingualism",
                         "ar": "يوم متخصص حول تعدد اللغات"},
                  description={"de": "Wir sprechen über Sprachkurse im Quartier.\n\nMit Imbiss."},
                  starts_at=utcnow() + timedelta(days=21), ends_at=utcnow() + timedelta(days=21, hours=3),
                  place_name="Nachbarschaftshaus", address="Beispielstraße 1, 28237 Bremen", district="Gröpelingen",
                  step_free=True, accessible_toilet=True, accessibility_notes={"de": "Eingang über den Hof."},
                  languages=["de", "tr", "ar"], interpreters=True, interpreter_languages=["ar", "fa"],
                  childcare=True, registration_required=True, capacity=2)
    db.session.add(event)
    db.session.flush()
    _first, token = events.register(event, name="Ayşe Yılmaz", email="ayse@example.org", party_size=2,
                                    needs_childcare=True, interpreter_language="ar", notes="Mit Kinderwagen")
    events.register(event, name="Dmytro", party_size=1)  # waiting list
    db.session.commit()

    class _Upload:
        filename, mimetype = "Stellungnahme Kulturverein.pdf", "application/pdf"
        stream = io.BytesIO(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

    statement = statements.submit_statement(
        demo, organisation, member, title="Stellungnahme des Kulturvereins",
        text="Wir begrüßen die Beteiligung und bitten um mehr Angebote in den Stadtteilen.", upload=_Upload())
    samples = {"event_id": event.id, "statement_id": statement.id}
    endpoint_args = {"events.cancel_registration": {"token": token},
                     "events.new": {"consultation": DEMO_SLUG}}
    return samples, endpoint_args, {}
