"""Staff operations on consultations: create and edit them, change their status, renew the
invitation link, manage their questions and options, and edit the action fields.

Every rule lives here so that the staff pages, the command line and tests share it. Each
operation takes the acting user explicitly, checks everything before it changes anything,
flushes and never commits: the request commits once. Input that breaks a rule raises
:class:`InvalidInput` (messages per field, shown next to the form, 422); an action the current
state does not allow raises :class:`ActionRefused` (one message, 409).
"""
from app.consultations.services.action_fields import ActionFieldData, update_action_field
from app.consultations.services.common import (
    ActionRefused,
    InvalidInput,
    content_languages,
    missing_translations,
)
from app.consultations.services.consultations import (
    TRANSITIONS,
    ConsultationData,
    DashboardRow,
    allowed_transitions,
    consultation_saved,
    contribution_count,
    create_consultation,
    dashboard_rows,
    departments,
    regenerate_invite_token,
    set_status,
    status_changed,
    transition_choices,
    transition_problem,
    update_consultation,
)
from app.consultations.services.questions import (
    QuestionData,
    add_question,
    answer_counts,
    delete_question,
    move_question,
    update_question,
)

__all__ = [
    "TRANSITIONS", "ActionFieldData", "ActionRefused", "ConsultationData", "DashboardRow", "InvalidInput",
    "QuestionData", "add_question", "allowed_transitions", "answer_counts", "consultation_saved",
    "content_languages", "contribution_count", "create_consultation", "dashboard_rows", "delete_question",
    "departments", "missing_translations", "move_question", "regenerate_invite_token", "set_status",
    "status_changed", "transition_choices", "transition_problem", "update_action_field", "update_consultation",
    "update_question",
]
