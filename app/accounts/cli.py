"""``flask --app wsgi users ...``: create accounts and set roles from the command line
(the first administrator of a new installation is made this way)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.accounts.models import Role, User
from app.extensions import db
from app.moderation.audit import record

users = AppGroup("users", help="Create accounts and set roles.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


@users.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--role", type=ROLE_CHOICE, default=Role.RESIDENT.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given (preferred: it stays out of the shell history).")
def create(email: str, display_name: str, role: str, password: str):
    """Create an account."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="--password")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise click.ClickException(f"An account for {email} exists already.")
    user = User(email=email, display_name=display_name.strip()[:80], role=Role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(None, "user.create", user, via="cli", role=user.role)
    db.session.commit()
    click.echo(f"Created {email} with role {role}.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role(email: str, role: str):
    """Change the role of an existing account."""
    user = db.session.scalars(sa.select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    previous = user.role
    user.role = Role(role)
    record(None, "user.role", user, via="cli", previous=previous, role=user.role)
    db.session.commit()
    click.echo(f"{user.email} now has role {role}.")
