"""A small world for the security tests: one user per role and one object of each kind a route can
name (consultations of every visibility and state, contributions published and pending, a reset
link), plus helpers to act as a role and to prove that a request wrote nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts.models import Role, User
from app.accounts.services import password_reset_token
from app.consultations.models import ActionField, ConsultationStatus, QuestionKind, Visibility
from app.contributions.models import ContributionStatus
from app.extensions import db
from app.organisations.models import Membership, MembershipRole, Organisation, OrganisationStatus
from tests.factories import make_consultation, make_contribution
from tests.helpers import get_csrf_token

PASSWORD = "correct horse battery"
ROLES = ("anonymous", "resident", "other_member", "member", "mediator", "owner", "moderator", "working_group",
         "admin")
# The organisation roles: users with the account role ``organisation_member`` and a membership.
# ``member``, ``mediator`` and ``owner`` belong to ``w.org`` (verified, co-hosts ``w.pub``);
# ``other_member`` owns ``w.other_org`` (verified, co-hosts nothing).
ORG_ROLES = {"other_member": "owner", "member": "member", "mediator": "language_mediator", "owner": "owner"}
CSRF_PAGE = "/en/account/reset"  # a form every role can open


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """One scrypt hash of :data:`PASSWORD` for every user of every world (hashing is slow on purpose)."""
    return generate_password_hash(PASSWORD)


def build_world() -> World:
    """Every kind of object the routes take, committed (needs the ``seeded`` reference data)."""
    w = World()
    for role in ROLES[1:]:
        account_role = Role.ORGANISATION_MEMBER if role in ORG_ROLES else Role(role)
        w.users[role] = User(email=f"{role}@example.org", display_name=f"The {role}", role=account_role,
                             password_hash=_password_hash())
        db.session.add(w.users[role])
    db.session.commit()
    choice = {"kind": QuestionKind.SINGLE_CHOICE, "prompt": {"de": "Wie oft?", "en": "How often?"},
              "options": [{"de": "Nie", "en": "Never"}, {"de": "Oft", "en": "Often"}]}
    free = {"kind": QuestionKind.FREE_TEXT, "required": True}
    o = w.objects
    o["field"] = db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).first()
    o["pub"] = make_consultation("public-open", questions=[free, choice])
    o["members_only"] = make_consultation("members-only", allow_anonymous=False)
    o["closed"] = make_consultation("closed-one", status=ConsultationStatus.CLOSED)
    o["inv"] = make_consultation("by-invitation", visibility=Visibility.INVITATION)
    o["internal"] = make_consultation("internal-one", visibility=Visibility.INTERNAL)
    o["draft"] = make_consultation("a-draft", status=ConsultationStatus.DRAFT,
                                   questions=[free, {"kind": QuestionKind.FREE_TEXT}])
    o["published"] = make_contribution(o["pub"], "A published contribution")
    o["pending"] = make_contribution(o["pub"], "A pending contribution", status=ContributionStatus.PENDING)
    o["hidden"] = make_contribution(o["pub"], "A hidden contribution", status=ContributionStatus.HIDDEN)
    o["internal_contribution"] = make_contribution(o["internal"], "An internal contribution")
    o["internal_pending"] = make_contribution(o["internal"], "A pending internal contribution",
                                              status=ContributionStatus.PENDING)
    o["reset_token"] = password_reset_token(w.users["resident"])
    o["org"] = Organisation(slug="verein-bremen", name="Verein Bremen", status=OrganisationStatus.VERIFIED,
                            contact_email="verein@example.org", languages=["de", "ar", "tr"])
    o["other_org"] = Organisation(slug="andere-initiative", name="Andere Initiative",
                                  status=OrganisationStatus.VERIFIED, contact_email="andere@example.org",
                                  languages=["de", "ru"])
    o["pending_org"] = Organisation(slug="neu-gegruendet", name="Neu gegründet", status=OrganisationStatus.PENDING,
                                    contact_email="neu@example.org")
    db.session.add_all([o["org"], o["other_org"], o["pending_org"]])
    for role, membership_role in ORG_ROLES.items():
        organisation = o["other_org"] if role == "other_member" else o["org"]
        db.session.add(Membership(organisation=organisation, user=w.users[role], role=MembershipRole(membership_role)))
    o["pub"].cohosts.append(o["org"])
    db.session.commit()
    # --- offline input (tests/security/routes_offline.py): a workshop of w.org for w.pub
    from datetime import date

    from app.contributions.models import InputSession, InputSessionFormat

    o["input_session"] = InputSession(consultation=o["pub"], organisation=o["org"], format=InputSessionFormat.WORKSHOP,
                                      title="Workshop im Quartier", held_on=date(2024, 5, 31))
    db.session.add(o["input_session"])
    db.session.commit()
    # --- end offline input
    # --- events and statements (tests/security/routes_events.py): an event of w.org for w.pub with one
    # registration (its cancel link's token in w.event_token), and a statement of w.org with a PDF
    _build_events_and_statements(w)
    # --- end events and statements
    # --- cohost (tests/security/routes_cohost.py): news updates of w.pub (by w.org) and of w.internal
    # (by the administration); contributions in Arabic awaiting a German translation, in w.pub and w.internal
    from app.consultations.models import ConsultationUpdate

    o["pub_update"] = ConsultationUpdate(consultation=o["pub"], organisation=o["org"], title={"de": "Neuigkeit"},
                                         body={"de": "Es geht weiter."})
    o["internal_update"] = ConsultationUpdate(consultation=o["internal"], title={"de": "Intern"}, body={"de": "Text"})
    db.session.add_all([o["pub_update"], o["internal_update"]])
    db.session.commit()
    o["pub_arabic"] = make_contribution(o["pub"], "مساهمة باللغة العربية", language="ar")
    o["internal_arabic"] = make_contribution(o["internal"], "مساهمة داخلية", language="ar")
    # --- end cohost
    # --- analysis themes (tests/security/routes_analysis.py): a finished summary of w.pub with two
    # themes, a theme of w.draft, a finished summary of w.field with a theme, and a code of the codebook
    _build_analysis_themes(w)
    # --- end analysis themes
    # --- organisations (tests/security/routes_organisations.py): an open invitation of w.org to an
    # address no role has (so accepting it is a 403 for every signed-in role and changes nothing)
    from app.organisations.invitations import create_invitation

    o["org_invitation"], o["org_invitation_token"] = create_invitation(
        o["org"], "invitee@example.org", MembershipRole.MEMBER, w.users["admin"])
    db.session.commit()
    # --- end organisations
    return w


def client_as(app, world: World | None, role: str):
    """A new test client, logged in as the world's user with ``role`` (none for anonymous)."""
    client = app.test_client()
    if role != "anonymous":
        user = world.users[role]
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def csrf_token_for(client) -> str:
    return get_csrf_token(client, CSRF_PAGE)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after a request that must write nothing."""
    db.session.expire_all()
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]




def _build_events_and_statements(w: World) -> None:
    """Objects of the events and statements area (see build_world)."""
    import io
    from datetime import timedelta

    from app.core.timeutil import utcnow
    from app.events import services as events
    from app.events.models import Event
    from app.organisations import statements

    o = w.objects
    o["event"] = Event(consultation=o["pub"], organisation=o["org"], title={"de": "Fachtag", "en": "Expert day"},
                       starts_at=utcnow() + timedelta(days=14), place_name="Bürgerhaus", languages=["de", "ar"],
                       registration_required=True, capacity=20)
    db.session.add(o["event"])
    db.session.flush()
    _registration, o["event_token"] = events.register(o["event"], name="Ayşe")
    db.session.commit()

    class _Upload:
        filename, mimetype = "Stellungnahme.pdf", "application/pdf"
        stream = io.BytesIO(b"%PDF-1.4\n%%EOF\n")

    o["statement"] = statements.submit_statement(o["pub"], o["org"], w.users["owner"], title="Unsere Stellungnahme",
                                                 text="Wir begrüßen die Beteiligung.", upload=_Upload())


def _build_analysis_themes(w: World) -> None:
    """Objects of the analysis theme pages (see build_world)."""
    from app.analysis.models import AnalysisRun, Code, RunStatus, Theme, ThemeAssignment
    from app.core.timeutil import utcnow

    o = w.objects
    scope = f"consultation:{o['pub'].id}"
    o["analysis_run"] = AnalysisRun(scope_key=scope, consultation_id=o["pub"].id, status=RunStatus.DONE, progress=100,
                                    method={"backend": "tfidf"}, input_hash="0" * 64, result={},
                                    started_at=utcnow(), finished_at=utcnow())
    db.session.add(o["analysis_run"])
    db.session.flush()
    o["theme"] = Theme(scope_key=scope, label="Kita, Plätze", keywords=["kita", "plätze"], run_id=o["analysis_run"].id)
    o["other_theme"] = Theme(scope_key=scope, label="Sprache, Kurse", keywords=["sprache"], position=1,
                             run_id=o["analysis_run"].id)
    o["draft_theme"] = Theme(scope_key=f"consultation:{o['draft'].id}", label="Entwurf")
    field_scope = f"field:{o['field'].slug}::"
    o["field_run"] = AnalysisRun(scope_key=field_scope, status=RunStatus.DONE, progress=100,
                                 method={"backend": "tfidf"}, input_hash="1" * 64, result={},
                                 started_at=utcnow(), finished_at=utcnow())
    db.session.add(o["field_run"])
    db.session.flush()
    o["field_theme"] = Theme(scope_key=field_scope, label="Sprache, Kurse", keywords=["sprache"],
                             run_id=o["field_run"].id)
    o["code"] = Code(name="Barrieren")
    db.session.add_all([o["theme"], o["other_theme"], o["draft_theme"], o["field_theme"], o["code"]])
    db.session.flush()
    published = make_contribution(o["pub"], "Mehr Kitaplätze im Quartier", language="de")
    db.session.add(ThemeAssignment(scope_key=scope, theme_id=o["theme"].id, contribution_id=published.id))
    db.session.commit()
