"""Helpers for stable enum values stored as strings."""
from __future__ import annotations

import enum

import sqlalchemy as sa


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """Store an enum's ``value`` (a stable English word) as VARCHAR with a CHECK constraint."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


_TITLES: dict[enum.Enum, object] = {}


def register_titles(mapping: dict) -> None:
    """Register translated (lazy) display titles for stored enum values."""
    _TITLES.update(mapping)


def title_of(member: enum.Enum):
    """The translated display title of a stored enum value."""
    return _TITLES.get(member, member.value)
