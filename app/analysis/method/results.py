"""The method's data types: what goes in (:class:`Item`) and what comes out (:class:`Result`)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Item:
    """One contribution. ``text_de`` is its German translation, if there is one."""

    id: int
    text: str
    language: str
    channel: str = "online"
    text_de: str | None = None


@dataclass
class Campaign:
    """Near-identical contributions (same text sent by many, a template with small edits).
    ``representative_id`` is shown once and takes part in theme-finding; the others do not."""

    id: int
    member_ids: list[int]
    representative_id: int

    @property
    def count(self) -> int:
        return len(self.member_ids)


@dataclass
class Theme:
    """A theme. ``member_ids`` excludes campaign duplicates (their representative is a member);
    ``size`` counts the members, ``weight`` the members plus their campaigns' duplicates.
    ``centroid`` is the L2-normalised mean of the members' input vectors (the caller's space)."""

    key: str
    keywords: list[str]
    label: str
    member_ids: list[int]
    representative_ids: list[int]
    languages: dict[str, int]
    channels: dict[str, int]
    centroid: np.ndarray
    is_minority: bool
    share: float = 0.0
    weight: int = 0

    @property
    def size(self) -> int:
        return len(self.member_ids)


@dataclass
class Result:
    themes: list[Theme] = field(default_factory=list)
    unassigned_ids: list[int] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    method: dict = field(default_factory=dict)

    def theme_of(self) -> dict[int, int | None]:
        """Every input id -> index of its theme in ``themes`` (None: unassigned). Campaign
        duplicates get the theme of their campaign's representative."""
        found: dict[int, int | None] = {}
        for index, theme in enumerate(self.themes):
            for member in theme.member_ids:
                found[member] = index
        for member in self.unassigned_ids:
            found[member] = None
        for campaign in self.campaigns:
            for member in campaign.member_ids:
                found.setdefault(member, found.get(campaign.representative_id))
        return found
