"""Is this mention a name? Edge trimming and name-likeness of discovered mentions.

The CRF finds spans; a discovered entity (one the KB does not know) is keyed
by the span's words and earns a topic once the news repeats it (see
:mod:`streams.stages.topic_policy`). Repetition is no evidence of a name when
the span is a title, a fragment of one, or a common noun: the news repeats
"نائب رئيس مجلس الوزراء وزير الداخلية" every day. So, before linking, each
discovered span is cut to its name and tested, by rules about Arabic names
and statistics of the unlabeled news corpus (:mod:`streams.ner.clusters`),
never by lists of the bad strings:

* **Titles are not part of a name** (:func:`trim`). A person's span keeps
  what follows its last title (وزير التعليم الدكتور عزام الدخيل → عزام
  الدخيل), without the definite complements of the title (التعليم); an
  organisation or place ends before an office title (مجلس الوزراء وزير
  الداخلية → مجلس الوزراء). Honorifics that institutions are named after
  (جامعة الملك سعود, مطار الملك خالد) do not cut an organisation or place.
* **No common noun before a person's name**: a first word written with the
  article that the news also writes without it (:func:`is_common_noun`:
  العسكريين/عسكريين) and that rarely follows person titles (given names
  with the article do: الوليد, الحسن) is cut off (العسكريين رونالد لويس →
  رونالد لويس). Only the first word: at the end, such words are surnames as
  often as adjectives (الصباح, السادس as against الدولي).
* **A conjunction ends a person's name**: آل سعود وسمو ولي العهد gives
  سعود, not سعود وسمو (a word the corpus reads as و + word, unlike وليد,
  فيصل or فراس).
* **A title at the end of a person's span is cut off** (سعود ولي, of آل
  سعود ولي العهد → سعود), and عبد + a title is a name (عبد الملك).
* **A head trigger decides the type**: a span that begins with an
  organisation or place noun (جامعة, مطار, منطقة) is of that class whatever
  the CRF said (جامعة الملك سعود is an organisation).
* **A definite head noun followed by an indefinite word is no name**
  (:func:`is_name`): الدولة عضو, الدولة للشؤون (of وزير الدولة للشؤون
  الخارجية), الصحراء بحضرموت are phrases, not one noun phrase (a
  conjunction may join two names: البوسنة والهرسك).
* **A common noun with only a demonym is a description**, not a name: الهيئة
  السعودية, الشركة السعودية, البنك السعودي ("the Saudi authority") name no
  one organisation in particular (أرامكو السعودية does: أرامكو is a name).
  So is one without the article followed only by relative adjectives without
  it (قوات حكومية "government forces", دولة أوروبية): a name is definite.
* **A one-word place or organisation must not be a common noun**: a word the
  news also writes as often with the article as without it (ساحل/الساحل,
  نيل/النيل, مالي/المالي, خميس/الخميس) is a common word; a name is written
  one way (كاليفورنيا, الشام).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from streams.kb.catalog import kb_entities
from streams.ner.clitics import ARTICLE, bare_candidates, stripped_forms, without_article
from streams.ner.clusters import word_infos
from streams.ner.gazetteer import name_forms
from streams.ner.triggers import trigger_forms, triggers_of
from streams.text.memo import Memo
from streams.text.normalize import matching_form

#: Words that join the parts of an Arabic name (بن, أبو, آل…): person
#: triggers, but part of the name, never a title.
#: Son / daughter of: the words of a lineage (X بن Y), as matching forms.
LINEAGE = frozenset({"بن", "ابن", "بنت"})
NAME_LINKS = LINEAGE | frozenset(matching_form(w) for w in ["أبو", "أبي", "أم", "آل"])
#: Titles that are not among the person triggers of the CRF features;
#: المخلوع (deposed) stands as a title before a fallen ruler's name (المخلوع صالح),
#: رسول (messenger) before the Prophet's (رسول الله محمد, رسول الإسلام محمد).
_EXTRA_TITLES = frozenset(
    matching_form(w) for w in ["ولي", "وكيل", "محافظ", "مدير", "مخلوع", "رسول"]
)
_CONJUNCTIONS = ("و", "ف")  # البوسنة والهرسك is one name
# Endings of a relative (nisba) adjective's matching form: -ي, -ية.
_NISBA_ENDINGS = ("ي", "يه")
#: Honorifics institutions are named after (مطار الملك خالد, جامعة الإمام).
_HONORIFICS = frozenset(matching_form(w) for w in ["الملك", "الأمير", "الشيخ", "الإمام", "السلطان"])
#: Nouns of buildings and institutions, which are named after people.
_INSTITUTIONS = frozenset(
    matching_form(w)
    for w in [
        "مطار",
        "ميناء",
        "مسجد",
        "جامع",
        "شارع",
        "طريق",
        "قصر",
        "ملعب",
        "استاد",
        "مستشفى",
        "جامعة",
        "كلية",
        "مدرسة",
        "معهد",
        "مركز",
        "مدينة",
        "قاعدة",
        "جائزة",
        "مؤسسة",
        "برنامج",
        "كرسي",
        "صندوق",
        "مستشفيات",
    ]
)
_ABD = "عبد"  # عبد الملك is a name, not a title
#: Office titles: they end an organisation's or place's name (مجلس الوزراء
#: وزير الداخلية), unlike honorifics, which institutions are named after.
_OFFICE_TITLES = frozenset(
    matching_form(w)
    for w in [
        "الرئيس",
        "رئيس",
        "الوزير",
        "وزير",
        "وزيرة",
        "نائب",
        "المتحدث",
        "الناطق",
        "ولي",
        "السفير",
        "المبعوث",
        "المستشار",
        "المدرب",
        "اللاعب",
    ]
)
#: Both the article form and the bare form of a common noun occur at least
#: this often in the news corpus (~6M tokens).
COMMON_NOUN_MIN = 20
#: A word following person titles in at least this bucket of the corpus
#: trigger-context scores (5% of its occurrences) may be a given name.
_PERSON_BUCKET = 2
#: A written form following a trigger in this bucket (20% of its
#: occurrences) is a name as written, proclitic-like letters included.
NAME_AS_WRITTEN_BUCKET = 3
NAME_AS_WRITTEN_MIN = 20


@cache
def titles() -> frozenset[str]:
    """Matching forms of person titles (person triggers but name links, and a few more)."""
    return (trigger_forms()["PER"] - NAME_LINKS) | _EXTRA_TITLES


def is_title(form: str, offices_only: bool = False) -> bool:
    """Whether ``form`` (a matching form, maybe with proclitics) is a person title."""
    wanted = _OFFICE_TITLES if offices_only else titles()
    return any(candidate in wanted for candidate in bare_candidates(form))


@cache
def demonym_forms() -> frozenset[str]:
    """One-word matching forms of the KB's demonyms (السعوديه, الروسي…)."""
    out = set()
    for entity in kb_entities():
        for demonym in entity.demonyms:
            form = matching_form(demonym)
            if " " not in form:
                out.add(form)
    return frozenset(out)


def is_common_noun(form: str) -> bool:
    """Whether the news writes ``form`` (a matching form, without proclitics)
    both with and without the article, each at least :data:`COMMON_NOUN_MIN`
    times: a common noun or adjective, not a name (names are written one way)."""
    core = without_article(form) or form
    infos = word_infos()
    bare, definite = infos.get(core), infos.get(ARTICLE + core)
    return (
        bare is not None
        and definite is not None
        and min(bare.count, definite.count) >= COMMON_NOUN_MIN
    )


def _edge_noun(form: str) -> bool:
    """Whether the first word of a person's span is a common noun, not a
    given name (see the module docstring): written with the article, seen in
    the news without it too, and rarely after person titles."""
    bare = preferred_bare(form)
    if form in NAME_LINKS or not bare.startswith(ARTICLE) or not is_common_noun(bare):
        return False
    core = without_article(bare) or bare
    infos = [info for info in (word_infos().get(core), word_infos().get(bare)) if info]
    return max(info.after_trigger[0] for info in infos) < _PERSON_BUCKET


def preferred_bare(form: str) -> str:
    """``form`` without proclitics when the corpus knows that form better,
    unless the form as written is a name (it follows triggers in the news:
    بعقوبة after مدينة is not ب + عقوبة)."""
    infos = word_infos()
    written = infos.get(form)
    named = (
        [k for k, bucket in enumerate(written.after_trigger) if bucket >= NAME_AS_WRITTEN_BUCKET]
        if written is not None and written.count >= NAME_AS_WRITTEN_MIN
        else []
    )
    best, best_count = form, written.count if written else 0
    for candidate in stripped_forms(form):
        info = infos.get(candidate)
        if (
            info is not None
            and any(info.after_trigger[k] <= 1 for k in named)
            and not triggers_of(candidate)  # وشمال follows triggers as شمال does
        ):
            continue
        if info is not None and info.count > 2 * max(best_count, 1):
            best, best_count = candidate, info.count
    return best


def _is_conjoined(form: str) -> bool:
    """Whether ``form`` reads as و or ف + a word: the word without its first
    letter is more frequent in the news than with it (وسمو: سمو; but وليد,
    فيصل), and it is not a given name (names follow person titles: فراس)."""
    if form[:1] not in _CONJUNCTIONS:
        return False
    infos = word_infos()
    written, bare = infos.get(form), infos.get(form[1:])
    if bare is None or (written is not None and written.count >= bare.count):
        return False
    return written is None or written.after_trigger[0] < NAME_AS_WRITTEN_BUCKET


def is_eponym(before: Sequence[str], forms: Sequence[str]) -> bool:
    """Whether a person span (word forms ``forms``; ``before``: the forms of
    the words just before it) is part of an institution named after someone:
    an institution noun and an honorific before the name (مطار الملك خالد
    الدولي, مستشفى الملك فهد التخصصي, مركز الأمير سلطان الحضاري). Region
    nouns do not count: أمير المنطقة الأمير فيصل is the governor himself."""
    if not forms:
        return False
    words = list(before)
    if forms[0] not in _HONORIFICS:
        if not words or words[-1] not in _HONORIFICS:
            return False
        words.pop()
    return bool(words) and any(c in _INSTITUTIONS for c in bare_candidates(words[-1]))


def trim(forms: tuple[str, ...], label: str) -> tuple[int, int, str] | None:
    """The name inside a discovered span of word forms ``forms`` labelled
    ``label``: ``(first, last, label)`` word indices (inclusive) and the
    label it keeps, or None if no name is left (see the module docstring).

    Memoised: detection and linking both ask for every person span, and
    two asks in three are of a name asked before (in this article or an
    earlier one); the rules cost ~6 µs a span."""
    return _TRIMMED[forms, label]


def _trim(key: tuple[tuple[str, ...], str]) -> tuple[int, int, str] | None:
    forms, label = key
    first, last = 0, len(forms) - 1
    if label == "PER":
        while last >= first and is_title(forms[last]):
            last -= 1
        titled = [
            i for i in range(first, last + 1) if is_title(forms[i]) and forms[i - 1 : i] != (_ABD,)
        ]
        if titled:
            first = titled[-1] + 1
            # The title's complement: وزير التعليم عزام → عزام.
            while (
                first < last
                and preferred_bare(forms[first]).startswith(ARTICLE)
                and forms[first + 1] not in NAME_LINKS
            ):
                first += 1
        while first < last and forms[first + 1] not in NAME_LINKS and _edge_noun(forms[first]):
            first += 1
        for i in range(first + 1, last + 1):
            if _is_conjoined(forms[i]):
                last = i - 1
                break
    else:
        for i in range(1, len(forms)):
            if is_title(forms[i], offices_only=True):
                last = i - 1
                break
    if first > last:
        return None
    head = triggers_of(forms[first])
    if len(head) == 1 and head[0] in ("ORG", "LOC"):
        label = head[0]
    return first, last, label


_TRIMMED: Memo[tuple[tuple[str, ...], str], tuple[int, int, str] | None] = Memo(_trim, 1 << 16)


def is_name(forms: tuple[str, ...], label: str) -> bool:
    """Whether a discovered mention (already :func:`trim`-med) reads as a
    name: the noun-phrase and description rules of the module docstring for
    organisations and places, the common-noun rule for one word."""
    if label == "PER" or not forms:
        return True
    head = preferred_bare(forms[0])
    if len(forms) == 1:
        return not is_common_noun(head)
    second = forms[1]
    if head.startswith(ARTICLE) and not second.startswith((ARTICLE, *_CONJUNCTIONS)):
        return False
    demonyms = demonym_forms()
    generic_head = is_common_noun(head) or bool(triggers_of(head))
    if generic_head and not head.startswith(ARTICLE) and all(map(_indefinite_nisba, forms[1:])):
        return False
    return not (generic_head and all(form in demonyms for form in forms[1:]))


def _indefinite_nisba(form: str) -> bool:
    """Whether ``form`` is a relative adjective without the article that the
    news also writes with it (حكومية, إسلامية): after a generic noun, an
    indefinite description (قوات حكومية), where a name is definite. Names
    end like nisbas too: a KB place or organisation (تشيلي, مالي) and a word
    that follows person titles (عيسى, غازي) are names (منتخب تشيلي)."""
    if form.startswith(ARTICLE) or not form.endswith(_NISBA_ENDINGS) or form in _kb_words():
        return False
    info = word_infos().get(form)
    return is_common_noun(form) and (info is None or info.after_trigger[0] < _PERSON_BUCKET)


@cache
def _kb_words() -> frozenset[str]:
    """Matching forms of the KB's one-word names."""
    return frozenset(
        forms[0]
        for entity in kb_entities()
        for name in entity.names
        if len(forms := name_forms(name)) == 1
    )
