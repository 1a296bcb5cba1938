"""Demo data (``flask demo``): a consultation with questions and contributions in several languages,
a suggestion box, and what the organisations, events, offline input and news pages show: a verified
migrant self-organisation co-hosting the consultation, its statement, an event on site, a news update,
and contributions from a workshop and a paper round.

Every object is invented and marked as a demo. The texts are data (content in several languages, as
staff would type it), not interface strings. :func:`create_demo` adds only what is missing, so running
it again changes nothing, and a database made before the organisation objects existed gets them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.consultations import updates
from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    ConsultationUpdate,
    Department,
    Question,
    QuestionKind,
    QuestionOption,
    Scope,
)
from app.consultations.services.common import content_languages
from app.contributions.imports import NewContribution, add_contributions
from app.contributions.models import (
    Answer,
    Channel,
    Contribution,
    ContributionStatus,
    InputSession,
    InputSessionFormat,
    LanguageSource,
)
from app.core.timeutil import utcnow
from app.events.models import Event
from app.extensions import db
from app.organisations import services as organisations
from app.organisations.models import Organisation, OrganisationStatus, OrganisationType, Statement

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


def _question(position, kind, prompt: dict, options: list[dict] = (), required=False):
    question = Question(position=position, kind=kind, prompt=prompt, required=required)
    question.options = [QuestionOption(position=i, label=label) for i, label in enumerate(options)]
    return question


def create_demo() -> bool:
    """Create whatever of the demo is missing; returns False if everything was already there.

    Each part is looked up by a stable key (slugs, titles, the offline rows' ``external_id``) and
    only created when absent, so a second run adds nothing and a database that already has the demo
    consultation from an older version gets the organisation, statement, event, news update and
    offline input. Flushes, does not commit."""
    fields = {f.slug: f for f in db.session.scalars(sa.select(ActionField))}
    if not fields:
        raise RuntimeError("Run 'flask --app wsgi seed' first.")
    department = db.session.scalar(sa.select(Department).where(Department.slug == "sasji"))
    now = utcnow()
    created = False
    demo = db.session.scalar(sa.select(Consultation).where(Consultation.slug == DEMO_SLUG))
    if demo is None:
        demo = _create_consultation(fields, department, now)
        created = True
    if not db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == BOX_SLUG)):
        _create_suggestion_box(fields, department)
        created = True
    organisation, added = _ensure_organisation(now)
    created |= added
    created |= _ensure_cohost(demo, organisation)
    created |= _ensure_statement(demo, organisation, now)
    created |= _ensure_event(demo, organisation, now)
    created |= _ensure_update(demo, organisation)
    created |= _ensure_offline_input(demo, organisation, now)
    db.session.flush()
    return created


def _create_consultation(fields: dict, department, now: datetime) -> Consultation:
    """The demo consultation with four questions and eight online contributions."""
    demo = Consultation(
        slug=DEMO_SLUG,
        title={"de": "Zusammenleben im Quartier: Was brauchen Sie?",
               "en": "Living together in the neighbourhood: what do you need?",
               "tr": "Mahallede birlikte yaşam: Neye ihtiyacınız var?",
               "ar": "العيش المشترك في الحي: ما احتياجاتك؟",
               "ru": "Совместная жизнь в районе: что Вам нужно?",
               "uk": "Спільне життя в районі: що Вам потрібно?",
               "pl": "Wspólne życie w dzielnicy: czego potrzebujesz?",
               "fa": "زندگی در کنار هم در محله: به چه چیزهایی نیاز دارید؟"},
        summary={"de": "Erzählen Sie uns, was Ihnen im Stadtteil hilft und was fehlt – in Ihrer Sprache.",
                 "en": "Tell us what helps you in your district and what is missing – in your language.",
                 "tr": "Semtinizde size neyin yardımcı olduğunu ve neyin eksik olduğunu kendi dilinizde bize anlatın.",
                 "ar": "نود أن نعرف ما يساعدك في حيك وما ينقصه – بلغتك.",
                 "ru": "Расскажите на своём языке, что Вам помогает в районе и чего в нём не хватает.",
                 "uk": "Розкажіть своєю мовою, що Вам допомагає в районі й чого в ньому бракує.",
                 "pl": "Napisz nam w swoim języku, co pomaga Ci w dzielnicy, a czego w niej brakuje.",
                 "fa": "به زبان خودتان به ما بگویید در منطقهٔ محل زندگی‌تان چه چیزی به شما کمک می‌کند و چه چیزی کم است."},
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
        _question(0, QuestionKind.FREE_TEXT, {
            "de": "Was hilft Ihnen, sich in Ihrem Stadtteil zu Hause zu fühlen, und was fehlt?",
            "en": "What helps you feel at home in your district, and what is missing?",
            "tr": "Semtinizde kendinizi evinizde hissetmenize ne yardımcı oluyor, ne eksik?",
            "ar": "ما الذي يساعدك على الشعور بالانتماء إلى حيك، وما الذي ينقصه؟",
            "ru": "Что помогает Вам чувствовать себя в своём районе как дома и чего не хватает?",
            "uk": "Що допомагає Вам почуватися у своєму районі як удома і чого бракує?",
            "pl": "Co pomaga Ci czuć się w swojej dzielnicy jak w domu, a czego brakuje?",
            "fa": "چه چیزی به شما کمک می‌کند منطقهٔ محل زندگی‌تان را خانهٔ خود بدانید، و چه چیزی کم است؟"},
            required=True),
        _question(1, QuestionKind.SINGLE_CHOICE, {
            "de": "Wie haben Sie von dieser Beteiligung erfahren?",
            "en": "How did you hear about this consultation?",
            "tr": "Bu katılım sürecini nereden duydunuz?",
            "ar": "كيف عرفت بهذه الاستشارة؟",
            "ru": "Как Вы узнали об этом обсуждении?",
            "uk": "Як Ви дізналися про це обговорення?",
            "pl": "Skąd wiesz o tej konsultacji?",
            "fa": "از کجا دربارهٔ این نظرخواهی باخبر شدید؟"}, [
            {"de": "Über einen Verein", "en": "Through an association", "tr": "Bir dernek aracılığıyla",
             "ar": "عن طريق جمعية", "ru": "Через общественную организацию", "uk": "Через громадську організацію",
             "pl": "Przez stowarzyszenie", "fa": "از طریق یک انجمن"},
            {"de": "Im Internet", "en": "On the internet", "tr": "İnternetten", "ar": "عبر الإنترنت",
             "ru": "В интернете", "uk": "В інтернеті", "pl": "W internecie", "fa": "در اینترنت"},
            {"de": "Von Freunden oder Familie", "en": "From friends or family", "tr": "Arkadaşlardan veya aileden",
             "ar": "من الأصدقاء أو العائلة", "ru": "От друзей или родственников", "uk": "Від друзів або родини",
             "pl": "Od znajomych lub rodziny", "fa": "از دوستان یا خانواده"},
            {"de": "Über eine Behörde", "en": "Through a public office", "tr": "Bir kamu kurumu aracılığıyla",
             "ar": "عن طريق جهة حكومية", "ru": "Через государственное учреждение", "uk": "Через державну установу",
             "pl": "Przez urząd", "fa": "از طریق یک ادارهٔ دولتی"}]),
        _question(2, QuestionKind.MULTIPLE_CHOICE, {
            "de": "Welche Themen sind Ihnen am wichtigsten?",
            "en": "Which topics matter most to you?",
            "tr": "Sizin için en önemli konular hangileri?",
            "ar": "ما أهم المواضيع بالنسبة إليك؟",
            "ru": "Какие темы для Вас важнее всего?",
            "uk": "Які теми для Вас найважливіші?",
            "pl": "Które tematy są dla Ciebie najważniejsze?",
            "fa": "مهم‌ترین موضوع‌ها برای شما کدام‌اند؟"}, [
            {"de": "Sprache", "en": "Language", "tr": "Dil", "ar": "اللغة", "ru": "Язык", "uk": "Мова",
             "pl": "Język", "fa": "زبان"},
            {"de": "Behörden", "en": "Public offices", "tr": "Kamu kurumları", "ar": "الجهات الحكومية",
             "ru": "Государственные учреждения", "uk": "Державні установи", "pl": "Urzędy", "fa": "ادارات دولتی"},
            {"de": "Nachbarschaft", "en": "Neighbourhood", "tr": "Komşuluk", "ar": "الجيرة", "ru": "Соседство",
             "uk": "Сусідство", "pl": "Sąsiedztwo", "fa": "همسایگی"},
            {"de": "Arbeit", "en": "Work", "tr": "İş", "ar": "العمل", "ru": "Работа", "uk": "Робота",
             "pl": "Praca", "fa": "کار"}]),
        _question(3, QuestionKind.SCALE, {
            "de": "Die Verwaltung nimmt die Anliegen von Menschen mit Migrationsgeschichte ernst.",
            "en": "The administration takes the concerns of people with a migration history seriously.",
            "tr": "Kamu yönetimi, göç geçmişi olan insanların taleplerini ciddiye alıyor.",
            "ar": "تأخذ الإدارة مطالب الأشخاص الذين لديهم خلفية هجرة على محمل الجد.",
            "ru": "Администрация серьёзно относится к нуждам людей с миграционной историей.",
            "uk": "Адміністрація серйозно ставиться до потреб людей з міграційною історією.",
            "pl": "Administracja poważnie traktuje sprawy osób z historią migracyjną.",
            "fa": "دستگاه اداری خواسته‌های کسانی را که سابقهٔ مهاجرت دارند جدی می‌گیرد."}),
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
    db.session.flush()
    return demo


def _create_suggestion_box(fields: dict, department) -> None:
    """The always open suggestion box on reducing discrimination."""
    box = Consultation(
        slug=BOX_SLUG,
        title={"de": "Ihre Vorschläge: Abbau von Diskriminierung",
               "en": "Your suggestions: reducing discrimination",
               "tr": "Önerileriniz: Ayrımcılığın azaltılması",
               "ar": "اقتراحاتك: الحد من التمييز",
               "ru": "Ваши предложения: преодоление дискриминации",
               "uk": "Ваші пропозиції: подолання дискримінації",
               "pl": "Twoje pomysły: przeciwdziałanie dyskryminacji",
               "fa": "پیشنهادهای شما: کاهش تبعیض"},
        summary={"de": "Dieser Briefkasten ist immer offen. Schreiben Sie uns Ihre Ideen und Erfahrungen.",
                 "en": "This box is always open. Send us your ideas and experiences.",
                 "tr": "Bu öneri kutusu her zaman açık. Fikirlerinizi ve deneyimlerinizi bize yazın.",
                 "ar": "صندوق الاقتراحات هذا مفتوح دائمًا. يمكنك إرسال أفكارك وتجاربك إلينا.",
                 "ru": "Этот ящик для предложений открыт всегда. Напишите нам о своих идеях и опыте.",
                 "uk": "Ця скринька пропозицій відкрита завжди. Напишіть нам про свої ідеї та досвід.",
                 "pl": "Ta skrzynka jest zawsze otwarta. Napisz nam o swoich pomysłach i doświadczeniach.",
                 "fa": "این صندوق همیشه باز است. ایده‌ها و تجربه‌های خود را برای ما بنویسید."},
        kind=ConsultationKind.TOPIC_SPECIFIC, status=ConsultationStatus.OPEN, closes_at=None,
        scope=Scope.STATE, department=department, allow_anonymous=True, is_suggestion_box=True,
        action_fields=[fields["anti-discrimination"]],
    )
    box.questions = [_question(0, QuestionKind.FREE_TEXT, {
        "de": "Ihr Vorschlag", "en": "Your suggestion", "tr": "Öneriniz", "ar": "اقتراحك",
        "ru": "Ваше предложение", "uk": "Ваша пропозиція", "pl": "Twój pomysł", "fa": "پیشنهاد شما"},
        required=True)]
    db.session.add(box)
    db.session.flush()


# --- the organisation, its statement, an event, a news update, offline input ----------------------

DEMO_ORGANISATION_SLUG = "brueckenbauer-groepelingen-demo"
DEMO_ORGANISATION = {
    "name": "Brückenbauer Gröpelingen e.V. (Demo)",
    "type": OrganisationType.MIGRANT_SELF_ORGANISATION.value,
    "languages": ["de", "tr", "ar", "ku", "uk"],
    "districts": ["Gröpelingen", "Oslebshausen", "Walle"],
    "contact_name": "Team Brückenbauer (Demo)",
    "contact_email": "kontakt@brueckenbauer-demo.example",
    "website": "https://brueckenbauer-demo.example",
    "description": {
        "de": "Brückenbauer Gröpelingen e.V. ist eine erfundene Migrantenselbstorganisation für diese "
              "Demo. Wir begleiten Familien aus der Türkei, Syrien, dem Irak und der Ukraine zu Behörden, "
              "laden zu Erzählcafés ein und dolmetschen bei Elternabenden.\n\n"
              "In der Beteiligung „Zusammenleben im Quartier“ sind wir Mitveranstalter: Wir laden zu "
              "Werkstätten im Stadtteil ein und tragen die Beiträge ein, die dort und auf Papier "
              "gesammelt werden.",
        "en": "Brückenbauer Gröpelingen e.V. (“bridge builders”) is an invented migrant "
              "self-organisation for this demo. We accompany families from Turkey, Syria, Iraq and "
              "Ukraine to public offices, run storytelling cafés and interpret at parents’ evenings.\n\n"
              "We co-host the consultation “Living together in the neighbourhood”: we invite people to "
              "workshops in the district and enter the contributions collected there and on paper.",
    },
}

DEMO_STATEMENT_TITLE = "Brücken bauen: Vorschläge aus Gröpelingen (Demo)"
DEMO_STATEMENT_TEXT = (
    "Wir begrüßen, dass diese Beteiligung in acht Sprachen angeboten wird und dass auch Beiträge aus "
    "Werkstätten und auf Papier zählen. So erreichen wir Nachbarinnen und Nachbarn, die selten online "
    "mitreden.\n\n"
    "Aus unserer Arbeit mit Familien im Stadtteil schlagen wir vor: Sprechstunden der Behörden "
    "regelmäßig vor Ort im Quartier, mit Sprachmittlung; Sprachkurse mit Kinderbetreuung am Abend und "
    "am Wochenende; eine verlässliche Förderung von Migrantenselbstorganisationen, damit sie diese "
    "Brücken dauerhaft bauen können.\n\n"
    "Gern stellen wir diese Vorschläge in einer Sitzung der Arbeitsgruppe vor."
)

DEMO_EVENT = {
    "title": {"de": "Quartierswerkstatt: Zusammenleben in Gröpelingen (Demo)",
              "en": "Neighbourhood workshop: living together in Gröpelingen (demo)",
              "tr": "Mahalle atölyesi: Gröpelingen’de birlikte yaşam (demo)",
              "ar": "ورشة الحي: العيش المشترك في غروبلينغن (عرض تجريبي)"},
    "description": {
        "de": "Wir sammeln gemeinsam Ideen für das Zusammenleben im Stadtteil: an Thementischen, in "
              "kleinen Gruppen und in Ihrer Sprache. Die Ergebnisse gehen als Beiträge in diese "
              "Beteiligung ein.\n\nMit Kinderbetreuung und einem kleinen Imbiss.",
        "en": "Together we collect ideas for living together in the district: at theme tables, in small "
              "groups and in your language. The results go into this consultation as contributions.\n\n"
              "With childcare and a small snack.",
        "tr": "Mahallede birlikte yaşam için fikirleri birlikte topluyoruz: konu masalarında, küçük "
              "gruplarda ve kendi dilinizde. Sonuçlar bu katılım sürecine katkı olarak eklenir.\n\n"
              "Çocuk bakımı ve küçük bir ikram var.",
        "ar": "نجمع معًا أفكارًا للعيش المشترك في الحي: على طاولات حسب المواضيع، وفي مجموعات صغيرة، "
              "وبلغتك. تُضاف النتائج إلى هذه الاستشارة كمساهمات.\n\nتتوفر رعاية للأطفال ووجبة خفيفة.",
    },
    "accessibility_notes": {
        "de": "Ebenerdiger Eingang über den Hof; ein Aufzug führt in den Saal im ersten Stock.",
        "en": "Step-free entrance through the courtyard; a lift goes to the hall on the first floor.",
    },
    "place_name": "Quartierstreff der Brückenbauer (Demo)",
    "address": "Beispielstraße 12, 28237 Bremen",
    "district": "Gröpelingen",
    "step_free": True,
    "accessible_toilet": True,
    "hearing_loop": False,
    "languages": ["de", "tr", "ar"],
    "interpreters": True,
    "interpreter_languages": ["tr", "ar"],
    "childcare": True,
    "registration_required": True,
    "capacity": 30,
}

DEMO_UPDATE = {
    "title": {"de": "Erzählcafé: Stimmen aus Gröpelingen (Demo)",
              "en": "Storytelling café: voices from Gröpelingen (demo)",
              "tr": "Sohbet kafesi: Gröpelingen’den sesler (demo)",
              "ar": "مقهى الحكايات: أصوات من غروبلينغن (عرض تجريبي)"},
    "body": {
        "de": "Beim Erzählcafé der Brückenbauer haben 14 Nachbarinnen und Nachbarn auf Deutsch, Türkisch "
              "und Arabisch erzählt, was ihnen im Quartier hilft und was fehlt. Mit ihrem Einverständnis "
              "haben wir die Ergebnisse der Tische hier als Beiträge eingetragen, ebenso die Postkarten "
              "vom Wochenmarkt.\n\n"
              "Die nächste Quartierswerkstatt ist geplant; Sie finden sie unter den Veranstaltungen vor Ort.",
        "en": "At the bridge builders’ storytelling café, 14 neighbours told us in German, Turkish and "
              "Arabic what helps them in the district and what is missing. With their consent we have "
              "entered the results of the tables here as contributions, as well as the postcards from the "
              "weekly market.\n\n"
              "The next neighbourhood workshop is planned; you will find it among the events on site.",
        "tr": "Köprü Kurucular’ın sohbet kafesinde 14 komşumuz Almanca, Türkçe ve Arapça olarak "
              "mahallede kendilerine neyin yardımcı olduğunu ve neyin eksik olduğunu anlattı. Onayları "
              "ile masaların sonuçlarını ve pazar yerindeki kartpostalları buraya katkı olarak ekledik.\n\n"
              "Bir sonraki mahalle atölyesi planlandı; yerinde etkinlikler arasında bulabilirsiniz.",
        "ar": "في مقهى الحكايات الذي نظمته جمعية بناة الجسور، حكى 14 من الجيران بالألمانية والتركية "
              "والعربية عمّا يساعدهم في الحي وما ينقصه. أضفنا هنا نتائج الطاولات كمساهمات بموافقتهم، "
              "وكذلك البطاقات البريدية من السوق الأسبوعي.\n\n"
              "ورشة الحي القادمة مخطط لها؛ تجدها ضمن الفعاليات الحضورية.",
    },
}

# (format, title, days ago, place, participants, languages, [(external_id, language, text)])
DEMO_INPUT_SESSIONS = [
    (InputSessionFormat.WORKSHOP, "Erzählcafé der Brückenbauer (Demo)", 5, "Quartierstreff, Gröpelingen", 14,
     ["de", "tr", "ar"], [
         ("demo-workshop-1", "tr", "Çocuklar için ödev yardımı ve anneler için dil kursu aynı yerde olursa, "
                                   "daha çok kadın katılabilir."),
         ("demo-workshop-2", "ar", "نتمنى ساعات استشارة في مركز الحي، لأن كثيرًا من كبار السن لا يذهبون "
                                   "إلى المكاتب بأنفسهم."),
         ("demo-workshop-3", "de", "Am Tisch „Nachbarschaft“ hieß es oft: Es fehlen Orte, an denen man ohne "
                                   "Geld zusammensitzen kann, vor allem im Winter."),
     ]),
    (InputSessionFormat.PAPER, "Postkarten vom Wochenmarkt (Demo)", 3, "Wochenmarkt, Gröpelingen", None,
     ["de", "uk"], [
         ("demo-paper-1", "de", "Die Briefe vom Amt verstehe ich nicht. Bitte in einfacher Sprache und mit "
                                "einer Telefonnummer, unter der jemand meine Sprache spricht."),
         ("demo-paper-2", "uk", "Хотілося б, щоб у бібліотеці були книжки й газети українською мовою та "
                                "розмовний клуб німецької."),
     ]),
]


def _ensure_organisation(now: datetime) -> tuple[Organisation, bool]:
    """The demo organisation (checked by the same rules as a registration, then verified)."""
    organisation = organisations.get_by_slug(DEMO_ORGANISATION_SLUG)
    if organisation is not None:
        return organisation, False
    profile = organisations.check_profile(DEMO_ORGANISATION, require_description=True)
    organisation = Organisation(slug=DEMO_ORGANISATION_SLUG, status=OrganisationStatus.VERIFIED,
                                reviewed_at=now, created_at=now - timedelta(days=30), **profile)
    db.session.add(organisation)
    db.session.flush()
    return organisation, True


def _ensure_cohost(demo: Consultation, organisation: Organisation | None) -> bool:
    """The organisation co-hosts the demo consultation (recorded in the audit log as the system's)."""
    if organisation is None or not organisation.is_verified or organisation in demo.cohosts:
        return False
    organisations.add_cohost(demo, organisation, None)
    return True


def _ensure_statement(demo: Consultation, organisation: Organisation | None, now: datetime) -> bool:
    """A published statement of the organisation, without a PDF: a contribution with channel
    ``statement`` and its :class:`Statement` row (as ``statements.submit_statement`` stores them)."""
    if organisation is None or db.session.scalar(sa.select(Statement.id).where(
            Statement.consultation_id == demo.id, Statement.organisation_id == organisation.id,
            Statement.title == DEMO_STATEMENT_TITLE)):
        return False
    submitted = now - timedelta(days=4)
    contribution = Contribution(consultation=demo, channel=Channel.STATEMENT, status=ContributionStatus.PUBLISHED,
                                organisation_id=organisation.id, text=DEMO_STATEMENT_TEXT, language="de",
                                language_source=LanguageSource.AUTHOR, created_at=submitted)
    db.session.add_all([contribution, Statement(contribution=contribution, organisation=organisation,
                                                consultation=demo, title=DEMO_STATEMENT_TITLE,
                                                created_at=submitted)])
    db.session.flush()
    return True


def _ensure_event(demo: Consultation, organisation: Organisation | None, now: datetime) -> bool:
    """An upcoming event of the organisation two weeks ahead, 15:00 UTC (16:00 or 17:00 in Bremen),
    with registration."""
    title = DEMO_EVENT["title"]["de"]
    if any((e.title or {}).get("de") == title
           for e in db.session.scalars(sa.select(Event).where(Event.consultation_id == demo.id))):
        return False
    starts = (now + timedelta(days=14)).replace(hour=15, minute=0, second=0, microsecond=0)
    db.session.add(Event(consultation=demo, organisation=organisation, starts_at=starts,
                         ends_at=starts + timedelta(hours=2, minutes=30), **DEMO_EVENT))
    db.session.flush()
    return True


def _ensure_update(demo: Consultation, organisation: Organisation | None) -> bool:
    """A published news update signed by the organisation; the texts pass the editors' checks
    (restricted to the configured languages, so that a smaller LANGUAGES setting still works)."""
    title_de = DEMO_UPDATE["title"]["de"]
    if any((u.title or {}).get("de") == title_de for u in updates.all_updates(demo)):
        return False
    languages = set(content_languages())
    titles, bodies = updates.check_texts(
        {code: text for code, text in DEMO_UPDATE["title"].items() if code in languages},
        {code: text for code, text in DEMO_UPDATE["body"].items() if code in languages})
    db.session.add(ConsultationUpdate(consultation_id=demo.id,
                                      organisation_id=organisation.id if organisation else None,
                                      title=titles, body=bodies, published=True))
    db.session.flush()
    return True


def _ensure_offline_input(demo: Consultation, organisation: Organisation | None, now: datetime) -> bool:
    """A workshop and a paper round of the organisation, each with contributions typed in afterwards
    (through the import's writer; ``external_id`` keeps them unique)."""
    question = next((q for q in demo.questions if q.kind is QuestionKind.FREE_TEXT), None)
    if question is None:
        return False
    present = set(db.session.scalars(sa.select(Contribution.external_id).where(
        Contribution.consultation_id == demo.id, Contribution.external_id.like("demo-%"))))
    sessions = {s.title: s for s in db.session.scalars(
        sa.select(InputSession).where(InputSession.consultation_id == demo.id))}
    created = False
    for format_, title, days_ago, place, participants, languages, rows in DEMO_INPUT_SESSIONS:
        held = now - timedelta(days=days_ago)
        session = sessions.get(title)
        if session is None:
            session = InputSession(consultation=demo, organisation=organisation, format=format_, title=title,
                                   place=place, held_on=held.date(), participant_count=participants,
                                   languages=languages, organiser=organisation.name if organisation else None)
            db.session.add(session)
            db.session.flush()
            created = True
        channel = Channel.WORKSHOP if format_ is InputSessionFormat.WORKSHOP else Channel.PAPER
        missing = [NewContribution(text=text, question_id=question.id, language=language, channel=channel,
                                   organisation_id=session.organisation_id, submitted_at=held,
                                   external_id=external_id)
                   for external_id, language, text in rows if external_id not in present]
        if missing:
            add_contributions(demo, missing, input_session=session)
            created = True
    return created
