"""``flask --app wsgi analysis run --consultation SLUG [--k N] [--format json|text]``: compute a
consultation's summary now (in this process) and print it."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

analysis_cli = AppGroup("analysis", help="Summaries of contributions: themes, campaigns, unassigned.")


@analysis_cli.command("run")
@click.option("--consultation", "slug", required=True, help="The consultation's slug.")
@click.option("--k", type=click.IntRange(2, 30), default=None, help="Number of themes (default: chosen by the method).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def run(slug: str, k: int | None, fmt: str):
    """Compute the summary of a consultation and print it."""
    from app.analysis import runs, themes
    from app.analysis.models import AnalysisRun, RunStatus
    from app.consultations.models import Consultation

    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"No consultation with the slug {slug!r}.")
    try:
        created = runs.create_run(themes.consultation_scope(consultation), None, k)
    except themes.ThemeRefused as refused:
        db.session.rollback()
        raise click.ClickException(str(themes.refusal_message(refused.reason))) from None
    db.session.commit()
    run_id = created.id
    runs.compute_run(run_id)
    db.session.expire_all()
    done = db.session.get(AnalysisRun, run_id)
    if done.status is not RunStatus.DONE:
        raise click.ClickException(f"The computation failed: {done.error}")
    document = runs.summary_document(consultation)
    if fmt == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(f"{consultation.slug}: {len(document['themes'])} themes, generated {document['generated_at']}, "
               f"input hash {done.input_hash}")
    for theme in document["themes"]:
        click.echo(f"- [{theme['id']}] {theme['label']} ({theme['size']}; {', '.join(theme['languages'])})")
    click.echo(f"Unassigned: {len(document['unassigned_ids'])}")
