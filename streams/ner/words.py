"""What one word is to mention detection, from its matching form and the news.

Pure predicates of :mod:`streams.ner.detect`'s rules: whether a word can
stand alone for a name, reads as a person's, is و + a name, carries the
possessive ه or an indefinite accusative's alef, names a people, or is a
city noun. They look at the word (a matching form) and at what the
unlabeled news corpus says of it (:func:`~streams.ner.clusters.word_infos`,
:func:`~streams.ner.namelike.name_scores`), never at its neighbours, which
are the detector's business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from streams.ner.clitics import ARTICLE, bare_candidates, stripped_forms
from streams.ner.clusters import COMMON_WORD_COUNT, RARE_WORD_COUNT, is_common_word, word_infos
from streams.ner.namelike import name_scores
from streams.ner.triggers import triggers_of

#: The conjunction و.
AND = "و"
# Letters after which a word-initial و is a foreign W (وايلدر, ويبر, ووكر)
# when the news does not know the word.
_FOREIGN_W = frozenset("اوي")
#: News count from which a word never seen after a person's title does not
#: spread as a one-word name (see :func:`reads_as_name`).
KNOWN_WORD_COUNT = 50
# Name-likeness bucket (:data:`~streams.ner.namelike.SCORE_EDGES`) from which
# a frequent word reads as a person's name: log-odds above 0.
_PERSON_LIKE_BUCKET = 2
# Trigger-context bucket (:data:`~streams.ner.clusters.WordInfo.after_trigger`)
# from which a word as written follows person titles often enough (5% of its
# occurrences) to be a given name.
_GIVEN_NAME_BUCKET = 2
# Nouns before a place's name (مدينة الري), as matching forms; with the
# article they are no construct (المدينة القديمة).
_CITY_NOUNS = frozenset({"مدينه", "بلده"})
_CITY_DEFINITE = frozenset({"المدينه", "البلده"})
# A definite plural nisba (الفاطميون, الساسانيين), as a matching form.
_NISBA_PLURAL = re.compile(r"ال.{3,}ي(?:ون|ين)")
# A definite sound masculine plural, nominative or not (المسلمون, المسلمين).
_SOUND_PLURAL = re.compile(r"(ال.{3,})(?:ون|ين)")
_ALEF = "ا"
_BI = "ب"  # the preposition, which only a noun takes
_PREPOSITIONS = frozenset("لب")
_HIS = "ه"  # the possessive suffix
# Pronouns suffixed to a noun or verb, and prefixes of a verb's imperfect.
_PRONOUNS = ("ه", "ها", "هم", "هما")
_IMPERFECT = frozenset("يت")


def name_part_like(form: str) -> bool:
    """A first or last word of a person's name that can stand alone for
    them within the document: rare in the news, or up to
    :data:`COMMON_WORD_COUNT` if the news has it after a person title too
    (عمر, خالد, الغامدي) or it reads as a person's name by its letters
    (:func:`~streams.ner.namelike.name_scores`). A frequent word that is
    neither (الحكم, الكثير) ending a wrong span would otherwise be tagged
    all over it; but the short form of a name the article wrote in full
    must still find that person (آشتون كارتر … كارتر)."""
    if not name_like(form, COMMON_WORD_COUNT):
        return False
    info = word_infos().get(form)
    if info is None or info.count <= RARE_WORD_COUNT or info.after_trigger[0] > 0:
        return True
    # Foreign surnames the news has often and only after a given name
    # (كارتر, كيري): their letters still say name, where الكثير's do not.
    return spelt_like_a_person(form)


def given_name(form: str) -> bool:
    """Whether a word (a matching form) follows person titles in the news
    often enough to be a given name (محمد, خورخي, إسحاق, سعاد)."""
    info = word_infos().get(form)
    return info is not None and info.after_trigger[0] >= _GIVEN_NAME_BUCKET


def definite(form: str) -> bool:
    """Whether a word has the article, maybe after proclitics (الهيئة, بالهيئة, للهيئة)."""
    return any(candidate.startswith(ARTICLE) for candidate in (form, *stripped_forms(form)))


def is_city_noun(form: str) -> bool:
    """Whether a word is مدينة or بلدة, maybe with proclitics, without the article."""
    candidates = bare_candidates(form)
    return not _CITY_NOUNS.isdisjoint(candidates) and _CITY_DEFINITE.isdisjoint(candidates)


def reads_as_name(form: str) -> bool:
    """Whether a one-word person's name may spread through its document:
    the news has it seldom (under :data:`KNOWN_WORD_COUNT`), or after a
    person's title, or its letters read as a person's name. A word the news
    has often enough to know, never after a title, is a common word the CRF
    misread once (استطاع, خلافة), and spreading it multiplies the error."""
    return begins_name(form) or spelt_like_a_person(form)


def begins_name(form: str) -> bool:
    """Whether the word after a و inside a person's span can begin another
    name: rare in the news (بطليموس, جواو) or seen after person titles
    (طارق, ماكس). سمو (Highness) and استطاع are frequent and never are."""
    info = word_infos().get(form)
    return info is None or info.count < KNOWN_WORD_COUNT or info.after_trigger[0] > 0


def spelt_like_a_person(form: str) -> bool:
    """Whether a word's letters read as a person's name
    (:func:`~streams.ner.namelike.name_scores`)."""
    scores = name_scores(form)
    return bool(scores) and scores[0] >= _PERSON_LIKE_BUCKET


def conjoins(surface: str, form: str) -> bool:
    """Whether a word inside a person's span is و + the first word of
    another name (وبطليموس, وجواو, وطارق) rather than a name itself (وليد,
    ويلسون, وايلدر). A word the news knows is و + a word if the news has
    that word more often (واحمد 232 times, احمد 2,446), and a name if not
    (وليد, ويلسون); of a word the news lacks, a و before a plain alef, ي or
    و is a foreign W (وايلدر, ويبر), unless the alef is the article's
    (والبيروني); و + a name with hamza keeps it (وإسحاق)."""
    if not surface.startswith(AND) or len(form) < 4:
        return False
    infos = word_infos()
    written, bare = infos.get(form), infos.get(form[1:])
    if written is not None:
        return bare is not None and bare.count > written.count
    return bare is not None or surface[1] not in _FOREIGN_W or form[1:3] == ARTICLE


def suffixed(surface: str, form: str) -> bool:
    """Whether a word ends in the possessive suffix ه ("his": خلفه, ابنه):
    written with ه, not ة, common in the news as written, and more common
    without the ه (خلف, ابن); unless the word as written follows person
    titles, a name (عبده, طه; نزيه and فقيه have no shorter word, and
    foreign names such as ريميه, Rimet, are rare as written)."""
    if not surface.endswith(_HIS) or len(form) < 4:
        return False
    infos = word_infos()
    written, bare = infos.get(form), infos.get(form[:-1])
    return (
        written is not None
        and bare is not None
        and KNOWN_WORD_COUNT <= written.count < bare.count
        and written.after_trigger[0] < _GIVEN_NAME_BUCKET
    )


def accusative(form: str) -> bool:
    """Whether a word (a matching form) reads as an indefinite accusative,
    its tanween written as a final alef (صلحا, أبياتا: the news has صلح,
    أبيات more often): an adverb or object after a name, never a part of
    it, where a name's own final alef is part of the word (كوستا, ابن
    سينا). Only a noun takes tanween, and the news writes a noun with the
    article or after ب too, a verb never: ماتا (خوان ماتا) is no مات."""
    if not form.endswith(_ALEF):
        return False
    infos = word_infos()
    stem = form[:-1]
    written, bare = infos.get(form), infos.get(stem)
    noun = ARTICLE + stem in infos or _BI + stem in infos
    return bare is not None and noun and (written is None or bare.count > written.count)


def adverbial(form: str) -> bool:
    """Whether a word (a matching form) reads as an adverbial that ends a
    sentence's subject, never a name: an indefinite accusative
    (:func:`accusative`) or ب or ل with an indefinite noun (بارتفاع 'with a
    rise', لمدة 'for a period'), a noun being a word the news also writes
    with the article, has more often than this form and never after a
    name's trigger (a place's name, جدة, may end an organisation's:
    جمعية الثقافة والفنون بجدة). A name that begins with ب keeps it:
    بلاتيني is more frequent than لاتيني, and بلانك's لانك (لأنك) is no
    noun. With the article, ب or ل may belong to the name (الغرفة
    التجارية بالرياض), so such words are not adverbials here."""
    if accusative(form):
        return True
    if form[:1] not in _PREPOSITIONS:
        return False
    infos = word_infos()
    written = infos.get(form)
    for candidate in stripped_forms(form):
        bare = infos.get(candidate)
        if (
            bare is not None
            and not candidate.startswith(ARTICLE)
            and ARTICLE + candidate in infos
            and not any(bare.after_trigger)
            and (written is None or bare.count > written.count)
        ):
            return True
    return False


def name_like(form: str, above: int = RARE_WORD_COUNT) -> bool:
    """A word that can stand alone for a name: not more frequent than
    ``above`` in the news, and no trigger noun."""
    return not is_common_word(form, above) and not triggers_of(form)


def plural_demonym(forms: Sequence[str]) -> bool:
    """Whether a demonym's matching forms read as a plural, a people
    (المصريون, الصينيين, and the one-word broken plurals الألمان, الأتراك)
    rather than an adjective (الصينية, البرتغالي)."""
    last = forms[-1]
    return last.endswith(("ون", "ين")) or (len(forms) == 1 and last.endswith(("ان", "اك")))


def plural_nisba(form: str) -> bool:
    """Whether a word (a matching form) is a definite plural nisba the news
    does not know: ال + a stem + يون/يين (الفاطميون, للساسانيين), a people
    or a dynasty of the past, as a plural demonym is a people of today. The
    plural nisbas the news has are adjectives and professions (الرسميين,
    الصحفيين) or no nisba at all (الملايين)."""
    candidates = (form, *stripped_forms(form))
    if not any(_NISBA_PLURAL.fullmatch(candidate) for candidate in candidates):
        return False
    infos = word_infos()
    return not any(candidate in infos for candidate in bare_candidates(form))


def plural_stem(form: str) -> str | None:
    """The definite singular stem of a sound masculine plural (a matching
    form, maybe with proclitics), the same in both its cases: المسلم of
    المسلمون, المسلمين, للمسلمين. None for a word that reads as no such plural."""
    for candidate in (form, *stripped_forms(form)):
        if match := _SOUND_PLURAL.fullmatch(candidate):
            return match[1]
    return None


def affixed_word(surface: str, form: str) -> bool:
    """Whether a word (as written and as a matching form) reads as a word
    the news knows with an affix: ل or ب before it (:func:`preposition_and_word`:
    للمكتبات), a pronoun after it as written (احتياطياتها, جهده; not the ة
    of سارة, which the matching form writes ه) or the prefix of a verb's
    imperfect (يخط): a word of the sentence, where a name is one word (كالا,
    الجمالي)."""
    infos = word_infos()
    return (
        preposition_and_word(form)
        or any(
            surface.endswith(pronoun) and form[: -len(pronoun)] in infos for pronoun in _PRONOUNS
        )
        or (form[:1] in _IMPERFECT and form[1:] in infos)
    )


def preposition_and_word(form: str) -> bool:
    """Whether a word (a matching form) reads as ل or ب and a word the news
    knows (للصحفيين, لتميزه), where a name that begins so does not (لاجين)."""
    infos = word_infos()
    return form[:1] in _PREPOSITIONS and any(c in infos for c in stripped_forms(form))
