"""Theme keywords by class-based TF-IDF (c-TF-IDF, as in BERTopic): all texts of a theme form one
document; a word scores ``tf(word, theme) * log(1 + mean words per theme / frequency over all themes)``.

German first: a contribution contributes its German text (the original when its language is
``de``, else its German translation ``text_de``). A theme without any German text gets keywords
from its originals, each marked with its language, e.g. ``"okul [tr]"``.
Stop words: a compact hand-written German list (plus a few English words), nothing downloaded.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

_WORD = re.compile(r"[^\W\d_][\w\-]*[\w]|[^\W\d_]{2,}", re.UNICODE)

STOP_WORDS = frozenset("""
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anders auch auf aus
bei beim bin bis bist bitte bzw da dabei dadurch dafür dagegen daher dahin damals damit danach dann daran darauf
daraus darf darin darum darunter das dass daß davon davor dazu dein deine dem den denen denn dennoch der deren des
deshalb dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch eben ebenfalls ein eine einem
einen einer eines einfach einige einigen einiger einiges einmal er es etwa etwas euch euer eure für gab gar gegen
gehabt gehen geht gemacht gerade gewesen gibt gleich gut habe haben hat hatte hätte hätten hier hin hinter ich ihm
ihn ihnen ihr ihre ihrem ihren ihrer ihres im immer in ins ist ja jede jedem jeden jeder jedes jedoch jetzt kann
kannst kaum kein keine keinem keinen keiner keines können könnte könnten konnte man manche manchen mancher manches
mehr mein meine meinem meinen meiner meines meist mich mir mit muss musste müssen müsste nach nachdem nein nicht
nichts noch nun nur ob oben oder ohne sehr sein seine seinem seinen seiner seines seit selbst sich sie sind so
sodass solche solchem solchen solcher soll sollen sollte sollten sondern sonst soweit sowie statt über um und uns
unser unsere unserem unseren unserer unter usw viel viele vielen vom von vor wann war waren warum was weg wegen weil
weiter weitere welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir wird wirklich wo
wohl wollen worden wurde würde würden zu zum zur zwar zwischen schon ganz ab eher mal z.b zb ggf etc dort hier
gibt sowie beim damit dafür bereits sowohl also eigentlich natürlich leider außerdem ebenso lassen lässt wäre
wären wurden seid seien sei bzw bspw evtl ca
the and for that this with are was were from have has not but you your they their there what which will would can
could should into about also more than then them these those its our out all any been being some such very
""".split())


def tokenise(text: str) -> list[str]:
    """Lower-cased words of at least three letters (numbers and single letters dropped)."""
    return [w for w in _WORD.findall((text or "").lower()) if len(w) >= 3]


def german_text(item) -> tuple[str, str | None]:
    """The German text of an item and, when there is none, (original, its language)."""
    if (item.language or "").lower().startswith("de"):
        return item.text or "", None
    if item.text_de:
        return item.text_de, None
    return item.text or "", (item.language or "?")


def c_tf_idf(documents: list[Counter], top: int = 8, min_count: int = 1) -> list[list[tuple[str, float]]]:
    """Top words of each class document (a Counter of words) by c-TF-IDF."""
    if not documents:
        return []
    total = Counter()
    for doc in documents:
        total.update(doc)
    sizes = [sum(d.values()) for d in documents]
    mean_size = (sum(sizes) / len(documents)) or 1.0
    out = []
    for doc, size in zip(documents, sizes):
        if not size:
            out.append([])
            continue
        scored = []
        for word, count in doc.items():
            if count < min_count:
                continue
            score = (count / size) * np.log(1.0 + mean_size / total[word])
            scored.append((-score, word))
        scored.sort()
        out.append([(w, float(-s)) for s, w in scored[:top]])
    return out


def theme_keywords(items_by_theme: list[list], top: int = 6) -> list[list[str]]:
    """German keywords for each theme (a list of Items per theme); see the module docstring."""
    german_docs, foreign_docs, has_german = [], [], []
    for members in items_by_theme:
        g, f = Counter(), Counter()
        for item in members:
            text, language = german_text(item)
            words = [w for w in tokenise(text) if w not in STOP_WORDS]
            if language is None:
                g.update(words)
            else:
                f.update(f"{w} [{language}]" for w in words)
        german_docs.append(g)
        foreign_docs.append(f)
        has_german.append(bool(g))
    german = c_tf_idf(german_docs, top=top)
    foreign = c_tf_idf(foreign_docs, top=top)
    result = []
    for index, members in enumerate(items_by_theme):
        words = [w for w, _ in german[index]] if has_german[index] else [w for w, _ in foreign[index]]
        if has_german[index] and len(words) < 3:  # very small German part: complete with marked originals
            words += [w for w, _ in foreign[index]][: 3 - len(words)]
        result.append(words[:top])
    return result
