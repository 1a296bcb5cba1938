"""``flask users create`` and ``set-role``."""
from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Role, User


def test_create_admin_and_change_role(runner, db):
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--name", "Ada", "--role", "admin",
                                 "--password", "a very long secret"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User)).one()
    assert user.email == "admin@example.org" and user.role is Role.ADMIN
    assert user.check_password("a very long secret") and user.password_hash.startswith("scrypt")
    again = runner.invoke(args=["users", "create", "admin@example.org", "--name", "X", "--password", "a very long secret"])
    assert again.exit_code != 0 and "exists already" in again.output
    result = runner.invoke(args=["users", "set-role", "ADMIN@example.org", "working_group"])
    assert result.exit_code == 0
    db.session.refresh(user)
    assert user.role is Role.WORKING_GROUP


def test_create_refuses_bad_input(runner, db):
    assert runner.invoke(args=["users", "create", "not-an-email", "--name", "X", "--password", "long enough pw"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "a@b.org", "--name", "X", "--password", "short"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "a@b.org", "--name", "X", "--role", "king",
                               "--password", "long enough pw"]).exit_code != 0
    assert runner.invoke(args=["users", "set-role", "nobody@b.org", "admin"]).exit_code != 0
    assert db.session.scalars(sa.select(User)).first() is None
