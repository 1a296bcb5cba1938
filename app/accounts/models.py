"""User accounts and roles."""
from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.enums import enum_column, register_titles
from app.core.timeutil import utcnow
from app.extensions import db


class Role(enum.Enum):
    RESIDENT = "resident"
    ORGANISATION_MEMBER = "organisation_member"
    MODERATOR = "moderator"
    WORKING_GROUP = "working_group"
    ADMIN = "admin"



register_titles({
    Role.RESIDENT: _l("Resident"),
    Role.ORGANISATION_MEMBER: _l("Organisation member"),
    Role.MODERATOR: _l("Moderator"),
    Role.WORKING_GROUP: _l("Working-group member"),
    Role.ADMIN: _l("Administrator"),
})

# Roles that belong to the administration: they may see internal consultations.
STAFF_ROLES = frozenset({Role.MODERATOR, Role.WORKING_GROUP, Role.ADMIN})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.RESIDENT)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    department = relationship("Department")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's session id: the user id and a fingerprint of the password hash, so that
        changing the password ends every other session and "remember me" cookie."""
        return f"{self.id}.{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        return hashlib.sha256(f"session:{self.password_hash}".encode()).hexdigest()[:16]

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_staff(self) -> bool:
        """A member of the administration (may see internal consultations)."""
        return self.role in STAFF_ROLES or self.department_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
