"""Sample objects and URL arguments for the browser tests of the analysis pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py)."""
from __future__ import annotations


def build() -> tuple[dict, dict, dict]:
    samples, endpoint_args, extra_paths = {}, {}, {}
    # --- analysis themes: a computed summary of the demo consultation (its themes, a run; approved and
    # published on the consultation's page), one of its first action field, and a code
    more_args, more_paths = _themes()
    endpoint_args.update(more_args)
    extra_paths.update(more_paths)
    # --- end analysis themes
    # --- analysis summaries: the summary of an action field (the demo consultation's first field)
    endpoint_args.update(_summaries())
    # --- end analysis summaries
    return samples, endpoint_args, extra_paths


def _themes() -> tuple[dict, dict]:
    import sqlalchemy as sa

    from app.analysis import runs, stats, themes
    from app.analysis.models import AnalysisRun, Code, RunStatus, Theme, ThemeAssignment
    from app.consultations.models import Consultation
    from app.contributions.models import Contribution, ContributionStatus
    from app.core.timeutil import utcnow
    from app.demo import DEMO_SLUG
    from app.extensions import db

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    scope = themes.consultation_scope(demo)
    run = runs.create_run(scope, None)
    db.session.commit()
    runs.compute_run(run.id)  # inline, TF-IDF
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run.id)
    if run.status is not RunStatus.DONE or not themes.themes_of(scope):
        # Without the method library: the same objects, written directly.
        run.status, run.progress, run.finished_at, run.input_hash = RunStatus.DONE, 100, utcnow(), "0" * 64
        run.method, run.result = {"backend": "tfidf", "input_hash": "0" * 64}, {}
        ids = db.session.scalars(sa.select(Contribution.id).where(
            Contribution.consultation_id == demo.id, Contribution.status == ContributionStatus.PUBLISHED)
            .order_by(Contribution.id)).all()
        for position, part in enumerate((ids[::2], ids[1::2])):
            theme = Theme(scope_key=scope, label=f"Thema {position + 1}", keywords=["thema"], position=position,
                          run_id=run.id, representative_ids=list(part[:3]))
            db.session.add(theme)
            db.session.flush()
            db.session.add_all(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=i) for i in part)
    code = Code(name="Barrieren", description="Zugang, Sprache, Behinderung")
    db.session.add(code)
    db.session.commit()
    theme = themes.themes_of(scope)[0]
    # A machine-written summary, as SUMMARY_PROVIDER=openai would write one (no service here).
    theme.abstract = ("Die Beiträge wünschen sich mehr Angebote im Stadtteil und bessere Informationen in "
                      "mehreren Sprachen. Einige halten die bisherigen Angebote für ausreichend.")
    theme.abstract_model, theme.abstract_at = "beispiel-modell-8b", utcnow()
    db.session.commit()
    # Approved and published: the demo consultation's public page (checked in every language, at 320 px)
    # shows it as "What we heard".
    runs.approve_run(run, None)
    runs.publish_run(run, None)
    db.session.commit()
    # The themes of the demo consultation's first action field (whatever the period), computed too.
    field_slug = demo.action_fields[0].slug
    field_run = runs.create_run(stats.field_scope(field_slug), None)
    db.session.commit()
    runs.compute_run(field_run.id)  # inline, TF-IDF; without the method library the page shows no themes
    db.session.commit()
    return ({"themes.run_status": {"run_id": run.id}, "themes.theme": {"theme_id": theme.id},
             "themes.edit_code": {"code_id": code.id}, "themes.field_themes": {"slug": field_slug}},
            {})


def _summaries() -> dict:
    from app.consultations.models import Consultation
    from app.demo import DEMO_SLUG
    from app.extensions import db

    import sqlalchemy as sa

    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    return {"analysis.field": {"slug": demo.action_fields[0].slug},
            "analysis.consultation": {"slug": demo.slug}}
