"""Seed data kept inside the project: the 13 action fields and the departments."""
from __future__ import annotations

import json
from importlib import resources

import sqlalchemy as sa

from app.consultations.models import ActionField, Department
from app.extensions import db


def _load(name: str) -> list[dict]:
    return json.loads(resources.files("app").joinpath("seed_data", name).read_text(encoding="utf-8"))


def seed_reference_data() -> dict[str, int]:
    """Create or update the action fields and departments; idempotent. Returns counts created."""
    created = {"action_fields": 0, "departments": 0}
    existing = {f.slug: f for f in db.session.scalars(sa.select(ActionField))}
    for position, item in enumerate(_load("action_fields.json"), start=1):
        field = existing.get(item["slug"])
        if field is None:
            field = ActionField(slug=item["slug"])
            db.session.add(field)
            created["action_fields"] += 1
        field.position = position
        # Keep translations staff added; seed only fills languages it knows.
        field.name = {**(field.name or {}), **item["name"]}
        field.description = {**item["description"], **(field.description or {})}
    departments = {d.slug: d for d in db.session.scalars(sa.select(Department))}
    for item in _load("departments.json"):
        department = departments.get(item["slug"])
        if department is None:
            department = Department(slug=item["slug"])
            db.session.add(department)
            created["departments"] += 1
        department.short_name = item["short_name"]
        department.name = {**(department.name or {}), **item["name"]}
    db.session.flush()
    return created
