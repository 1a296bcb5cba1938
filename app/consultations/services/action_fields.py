"""Action fields: staff edit their translated names and descriptions and their order."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.consultations.models import ActionField
from app.consultations.services.common import (
    FIELD_DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    POSITION_MAX,
    InvalidInput,
    require_manager,
    translations,
)
from app.extensions import db
from app.moderation.audit import changed_attributes, record

log = logging.getLogger(__name__)


@dataclass
class ActionFieldData:
    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    position: int = 0


def update_action_field(action_field: ActionField, data: ActionFieldData, actor) -> ActionField:
    """Edit an action field's translated name and description and its place in lists."""
    require_manager(actor)
    errors: dict[str, object] = {}
    name = translations(errors, "name", data.name, FIELD_NAME_MAX, required=True)
    description = translations(errors, "description", data.description, FIELD_DESCRIPTION_MAX)
    if isinstance(data.position, bool) or not isinstance(data.position, int) or not 0 <= data.position <= POSITION_MAX:
        errors["position"] = _l("Please enter a whole number from %(min)d to %(max)d.", min=0, max=POSITION_MAX)
    if errors:
        raise InvalidInput(errors)
    action_field.name, action_field.description, action_field.position = name, description, data.position
    changed = changed_attributes(action_field)
    db.session.flush()
    log.info("action field %s updated by user %s", action_field.slug, actor.id)
    record(actor, "action_field.update", action_field, slug=action_field.slug, changed=changed)
    return action_field
