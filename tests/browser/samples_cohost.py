"""Sample objects and URL arguments for the browser tests of the cohost pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py).

The browser visits as administrator, who may use the co-host pages of every consultation: the demo
consultation gets a news update (shown on its public page too) and an Arabic contribution with a
machine translation waiting for a person's translation into German."""
from __future__ import annotations


def build() -> tuple[dict, dict, dict]:
    import sqlalchemy as sa

    from app.consultations.models import Consultation, ConsultationUpdate
    from app.contributions.models import ContributionTranslation, TranslationSource
    from app.demo import DEMO_SLUG
    from app.extensions import db
    from tests.factories import make_contribution

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    update = ConsultationUpdate(
        consultation=demo, title={"de": "Nächstes Treffen", "ar": "الاجتماع القادم"},
        body={"de": "Wir treffen uns am Montag im Quartierszentrum.\n\nAlle sind willkommen.",
              "ar": "نلتقي يوم الاثنين في مركز الحي.\n\nالجميع مرحب بهم."})
    db.session.add(update)
    db.session.commit()
    arabic = make_contribution(demo, "نريد المزيد من المقاعد في الحديقة", language="ar")
    db.session.add(ContributionTranslation(
        contribution_id=arabic.id, language="de", source_language="ar", text="Wir wollen mehr Bänke im Park",
        source=TranslationSource.MACHINE, provider="libretranslate", model="test", reviewed=False, is_current=True))
    db.session.commit()
    endpoint_args = {
        "cohost.update": {"slug": demo.slug, "update_id": update.id},
        "cohost.translate_item": {"contribution_id": arabic.id},
    }
    return {}, endpoint_args, {}
