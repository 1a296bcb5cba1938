"""Command-line commands: ``flask --app wsgi seed``, ``demo``, ``translate ...``."""
from __future__ import annotations

import click

from app.extensions import db


def register(app) -> None:
    from app.accounts.cli import users
    from app.contributions.privacy import register_cli as register_privacy_cli
    from app.contributions.translations import register_cli as register_translations_cli
    from app.core.jobs import register_cli as register_jobs_cli

    app.cli.add_command(users)
    from app.analysis.cli import analysis_cli  # analysis: summary runs

    app.cli.add_command(analysis_cli)
    from app.contributions.cli import contributions

    app.cli.add_command(contributions)
    register_jobs_cli(app)
    register_translations_cli(app)
    register_privacy_cli(app)

    @app.cli.command("seed")
    def seed():
        """Create the 13 action fields and the departments (idempotent)."""
        from app.consultations.seed import seed_reference_data

        created = seed_reference_data()
        db.session.commit()
        click.echo(f"Seed data: {created['action_fields']} action fields and "
                   f"{created['departments']} departments created; the rest were up to date.")

    @app.cli.command("demo")
    def demo():
        """Create the demo consultation, organisation, event, news and offline input (idempotent)."""
        from app.demo import create_demo

        if create_demo():
            db.session.commit()
            click.echo("Demo data created (or completed).")
        else:
            click.echo("Demo data already present; nothing changed.")
