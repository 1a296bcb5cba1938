"""``flask --app wsgi analysis run (--consultation SLUG | --field SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD])
[--k N] [--format json|text]``: compute the summary of a consultation, or of an action field and a
period, now (in this process) and print it."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db

analysis_cli = AppGroup("analysis", help="Summaries of contributions: themes, campaigns, unassigned.")


def _scope(slug: str | None, field_slug: str | None, start: str | None, end: str | None) -> tuple[str, dict, str]:
    """The scope key, the head of the JSON document and the name printed in text output."""
    from app.analysis import stats, themes
    from app.consultations.models import ActionField, Consultation

    if bool(slug) == bool(field_slug):
        raise click.UsageError("Give either --consultation or --field.")
    if slug:
        if start or end:
            raise click.UsageError("--from and --to go with --field.")
        consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
        if consultation is None:
            raise click.ClickException(f"No consultation with the slug {slug!r}.")
        return themes.consultation_scope(consultation), {"consultation": consultation.slug}, consultation.slug
    field = db.session.scalar(sa.select(ActionField).where(ActionField.slug == field_slug))
    if field is None:
        raise click.ClickException(f"No action field with the slug {field_slug!r}.")
    try:
        first, last = stats.parse_day(start), stats.parse_day(end)
        scope_key = stats.field_scope(field.slug, first, last)
    except stats.BadScope as bad:
        message = ("--from must not be after --to." if bad.reason == "order"
                   else "Please give dates as YYYY-MM-DD, for example 2025-03-31.")
        raise click.UsageError(message) from None
    head = {"field": field.slug, "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None}
    name = f"{field.slug} ({head['from'] or '…'} to {head['to'] or '…'})" if first or last else field.slug
    return scope_key, head, name


@analysis_cli.command("run")
@click.option("--consultation", "slug", default=None, help="The consultation's slug.")
@click.option("--field", "field_slug", default=None, help="An action field's slug (instead of --consultation).")
@click.option("--from", "start", default=None, metavar="YYYY-MM-DD",
              help="With --field: the first day (Bremen time) of the period; default: no limit.")
@click.option("--to", "end", default=None, metavar="YYYY-MM-DD",
              help="With --field: the last day (included) of the period; default: no limit.")
@click.option("--k", type=click.IntRange(2, 30), default=None, help="Number of themes (default: chosen by the method).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def run(slug: str | None, field_slug: str | None, start: str | None, end: str | None, k: int | None, fmt: str):
    """Compute the summary of a consultation, or of an action field and a period, and print it."""
    from app.analysis import runs, themes
    from app.analysis.models import AnalysisRun, RunStatus

    scope_key, head, name = _scope(slug, field_slug, start, end)
    try:
        created = runs.create_run(scope_key, None, k)
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
    document = runs.scope_document(scope_key, head)
    if fmt == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(f"{name}: {len(document['themes'])} themes, generated {document['generated_at']}, "
               f"input hash {done.input_hash}")
    for theme in document["themes"]:
        click.echo(f"- [{theme['id']}] {theme['label']} ({theme['size']}; {', '.join(theme['languages'])})")
    click.echo(f"Unassigned: {len(document['unassigned_ids'])}")
