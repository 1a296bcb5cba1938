"""Every model, imported in one place so Alembic's autogenerate and relationships see them all."""
from app.accounts.models import Role, User  # noqa: F401
from app.consultations.models import (  # noqa: F401
    ActionField,
    Consultation,
    ConsultationUpdate,
    Department,
    Question,
    QuestionOption,
)
from app.contributions.models import (  # noqa: F401
    Answer,
    Contribution,
    ContributionTranslation,
    InputSession,
    ParticipantProfile,
)
from app.organisations.models import Invitation, Membership, Organisation, Statement  # noqa: F401
from app.events.models import Event, EventRegistration  # noqa: F401
from app.analysis.models import AnalysisRun, Code, ContributionEmbedding, Theme, ThemeAssignment  # noqa: F401
from app.moderation.models import AuditEntry, Flag  # noqa: F401
