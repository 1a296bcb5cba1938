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


def _question(position, kind, prompt: dict, options: list[dict] = (), required=False):
    question = Question(position=position, kind=kind, prompt=prompt, required=required)
    question.options = [QuestionOption(position=i, label=label) for i, label in enumerate(options)]
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

    if not db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == BOX_SLUG)):
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
    return True
