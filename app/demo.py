"""A demo consultation with questions and contributions in several languages (``flask demo``)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    Department,
    Question,
    QuestionKind,
    QuestionOption,
    Scope,
)
from app.contributions.models import Answer, Channel, Contribution
from app.core.timeutil import utcnow
from app.extensions import db

DEMO_SLUG = "zusammenleben-im-quartier"
BOX_SLUG = "vorschlaege-abbau-von-diskriminierung"

DEMO_CONTRIBUTIONS = [
    ("de", "Mehr Deutschkurse am Abend wären hilfreich, weil viele Menschen tagsüber arbeiten.", 0, [0, 2], 4),
    ("en", "Information from the authorities should be available in more languages, not only in German.", 1, [1], 2),
    ("tr", "Mahallemizde gençler için daha fazla buluşma yeri olmalı.", 2, [2, 3], 3),
    ("ar", "نحتاج إلى مواعيد أسرع في دائرة الأجانب، فالانتظار لعدة أشهر مرهق جداً.", 0, [1], 1),
    ("ru", "Было бы хорошо, если бы дипломы из других стран признавались быстрее.", 3, [0], 2),
    ("uk", "Потрібно більше місць у дитячих садках, щоб батьки могли відвідувати мовні курси.", 1, [0, 3], 3),
    ("pl", "W urzędach powinno być więcej tłumaczy, zwłaszcza dla osób starszych.", 2, [1], 2),
    ("fa", "برای زنان مهاجر باید کلاس‌های زبان همراه با مراقبت از کودک برگزار شود.", 0, [0, 2], 3),
]


def _question(position, kind, de, en, options=(), required=False):
    question = Question(position=position, kind=kind, prompt={"de": de, "en": en}, required=required)
    question.options = [QuestionOption(position=i, label={"de": o_de, "en": o_en})
                        for i, (o_de, o_en) in enumerate(options)]
    return question


def create_demo() -> bool:
    """Create the demo consultation and a suggestion box once; returns False if already there."""
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == DEMO_SLUG)):
        return False
    fields = {f.slug: f for f in db.session.scalars(sa.select(ActionField))}
    if not fields:
        raise RuntimeError("Run 'flask --app wsgi seed' first.")
    department = db.session.scalar(sa.select(Department).where(Department.slug == "sasji"))
    now = utcnow()
    demo = Consultation(
        slug=DEMO_SLUG,
        title={"de": "Zusammenleben im Quartier: Was brauchen Sie?",
               "en": "Living together in the neighbourhood: what do you need?"},
        summary={"de": "Erzählen Sie uns, was Ihnen im Stadtteil hilft und was fehlt – in Ihrer Sprache.",
                 "en": "Tell us what helps you in your district and what is missing – in your language."},
        body={"de": "Das Rahmenkonzept Gesellschaftliche Teilhabe und Diversity wird laufend weiterentwickelt.\n\n"
                    "Ihre Beiträge fließen in die Sitzungen der ressortübergreifenden Arbeitsgruppe ein. "
                    "Sie können in jeder Sprache schreiben.",
              "en": "The framework concept for social participation and diversity is continually being developed.\n\n"
                    "Your contributions go to the meetings of the cross-department working group. "
                    "You can write in any language."},
        kind=ConsultationKind.CROSS_CUTTING, status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=60),
        scope=Scope.CITY_BREMEN, department=department, allow_anonymous=True,
        action_fields=[fields["neighbourhoods"], fields["language"], fields["administration"]],
    )
    demo.questions = [
        _question(0, QuestionKind.FREE_TEXT, "Was hilft Ihnen, sich in Ihrem Stadtteil zu Hause zu fühlen, und was fehlt?",
                  "What helps you feel at home in your district, and what is missing?", required=True),
        _question(1, QuestionKind.SINGLE_CHOICE, "Wie haben Sie von dieser Beteiligung erfahren?",
                  "How did you hear about this consultation?",
                  [("Über einen Verein", "Through an association"), ("Im Internet", "On the internet"),
                   ("Von Freunden oder Familie", "From friends or family"), ("Über eine Behörde", "Through a public office")]),
        _question(2, QuestionKind.MULTIPLE_CHOICE, "Welche Themen sind Ihnen am wichtigsten?",
                  "Which topics matter most to you?",
                  [("Sprache", "Language"), ("Behörden", "Public offices"), ("Nachbarschaft", "Neighbourhood"),
                   ("Arbeit", "Work")]),
        _question(3, QuestionKind.SCALE, "Die Verwaltung nimmt die Anliegen von Menschen mit Migrationsgeschichte ernst.",
                  "The administration takes the concerns of people with a migration history seriously."),
    ]
    db.session.add(demo)
    db.session.flush()
    free, single, multi, scale = demo.questions
    for minutes, (lang, text, choice, choices, value) in enumerate(DEMO_CONTRIBUTIONS):
        contribution = Contribution(consultation=demo, language=lang, channel=Channel.ONLINE, text=text,
                                    created_at=now - timedelta(days=6, minutes=-minutes * 97))
        contribution.answers = [
            Answer(question=free, text=text),
            Answer(question=single, choices=[single.options[choice]]),
            Answer(question=multi, choices=[multi.options[i] for i in choices]),
            Answer(question=scale, scale_value=value),
        ]
        db.session.add(contribution)

    if not db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == BOX_SLUG)):
        box = Consultation(
            slug=BOX_SLUG,
            title={"de": "Ihre Vorschläge: Abbau von Diskriminierung",
                   "en": "Your suggestions: reducing discrimination"},
            summary={"de": "Dieser Briefkasten ist immer offen. Schreiben Sie uns Ihre Ideen und Erfahrungen.",
                     "en": "This box is always open. Send us your ideas and experiences."},
            kind=ConsultationKind.TOPIC_SPECIFIC, status=ConsultationStatus.OPEN, closes_at=None,
            scope=Scope.STATE, department=department, allow_anonymous=True, is_suggestion_box=True,
            action_fields=[fields["anti-discrimination"]],
        )
        box.questions = [_question(0, QuestionKind.FREE_TEXT, "Ihr Vorschlag", "Your suggestion", required=True)]
        db.session.add(box)
    db.session.flush()
    return True
