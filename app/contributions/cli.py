"""``flask --app wsgi contributions import FILE --consultation SLUG [--dry-run]``: bulk import of
contributions from a CSV or XLSX file (see :mod:`app.contributions.imports` for the columns)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from app.contributions import imports
from app.contributions.models import Channel
from app.extensions import db

contributions = AppGroup("contributions", help="Import contributions.")


@contributions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--consultation", "slug", required=True, help="Slug of the consultation.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--default-channel", type=click.Choice(list(imports.CHANNELS)), default=Channel.PAPER.value,
              show_default=True, help="Channel of rows without one.")
def import_command(file: str, slug: str, dry_run: bool, default_channel: str):
    """Import contributions from FILE (CSV in UTF-8 with , or ; or XLSX). All or nothing: when a row
    is refused, nothing is written and the command exits with status 1."""
    from app.consultations.models import Consultation

    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"No consultation with the slug {slug!r}.")
    with open(file, "rb") as handle:
        data = handle.read(imports.MAX_FILE_BYTES + 1)
    with force_locale("en"):
        if len(data) > imports.MAX_FILE_BYTES:
            raise click.ClickException(f"The file is larger than {imports.MAX_FILE_BYTES // 2**20} MB.")
        try:
            report = imports.import_file(consultation, data, file, dry_run=dry_run, actor=None,
                                         default_channel=Channel(default_channel), via="cli")
        except imports.ImportFailed as failed:
            db.session.rollback()
            raise click.ClickException(failed.message()) from None
        lines = imports.report_lines(report)
    if dry_run or not report.ok:
        db.session.rollback()
    else:
        db.session.commit()
        from app.contributions.services import after_storing

        with force_locale("en"):  # the command line speaks English, like the report above
            translation = after_storing(report.added_ids)
        if translation:
            lines.append(translation)
    for line in lines:
        click.echo(line)
    if not report.ok:
        raise SystemExit(1)
