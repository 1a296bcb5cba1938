"""Every model, imported in one place so Alembic's autogenerate and relationships see them all."""
from app.accounts.models import Role, User  # noqa: F401
from app.consultations.models import (  # noqa: F401
    ActionField,
    Consultation,
    Department,
    Question,
    QuestionOption,
)
from app.contributions.models import Answer, Contribution, ContributionTranslation, ParticipantProfile  # noqa: F401
from app.moderation.models import AuditEntry, Flag  # noqa: F401
