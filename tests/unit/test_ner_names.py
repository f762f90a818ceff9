"""Name-likeness of discovered mentions: titles, common nouns, descriptions (streams.ner.names)."""

from __future__ import annotations

from streams.ner.gazetteer import name_forms
from streams.ner.names import is_eponym, is_name, preferred_bare, trim


def trimmed(name: str, label: str) -> str | None:
    forms = tuple(name_forms(name))
    cut = trim(forms, label)
    if cut is None:
        return None
    first, last, kept = cut
    words = name.split()
    return f"{kept}:{' '.join(words[first : last + 1])}"


def named(name: str, label: str) -> bool:
    return is_name(tuple(name_forms(name)), label)


def test_a_persons_name_is_what_follows_the_last_title() -> None:
    assert trimmed("وزير التعليم الدكتور عزام الدخيل", "PER") == "PER:عزام الدخيل"
    assert trimmed("وزير التعليم عزام الدخيل", "PER") == "PER:عزام الدخيل"  # complement dropped
    assert trimmed("الأمير الوليد بن طلال", "PER") == "PER:الوليد بن طلال"  # not a complement
    # The last word stays (الرئيس السيسي: a short form of the full name);
    # alone, linking keeps it only as a short form of a longer name.
    assert trimmed("وزير الداخلية", "PER") == "PER:الداخلية"
    assert trimmed("الرئيس", "PER") is None
    assert trimmed("سعود ولي", "PER") == "PER:سعود"  # of آل سعود ولي العهد
    assert trimmed("عبد الملك الحوثي", "PER") == "PER:عبد الملك الحوثي"  # عبد + title: a name
    assert trimmed("المخلوع صالح", "PER") == "PER:صالح"  # a short form, or nobody
    assert trimmed("الرئيس المخلوع حسني مبارك", "PER") == "PER:حسني مبارك"


def test_an_office_title_ends_an_organisation_but_an_honorific_does_not() -> None:
    assert trimmed("مجلس الوزراء وزير الداخلية", "ORG") == "ORG:مجلس الوزراء"
    assert trimmed("مجلس الوزراء وزير", "ORG") == "ORG:مجلس الوزراء"
    assert trimmed("جامعة الملك سعود", "ORG") == "ORG:جامعة الملك سعود"


def test_a_common_noun_before_a_persons_name_is_cut_off() -> None:
    assert trimmed("العسكريين رونالد لويس", "PER") == "PER:رونالد لويس"
    assert trimmed("الحسن واتارا", "PER") == "PER:الحسن واتارا"  # follows titles: a given name
    assert trimmed("عبدالعزيز الدوسري", "PER") == "PER:عبدالعزيز الدوسري"


def test_a_conjunction_ends_a_persons_name() -> None:
    assert trimmed("سعود وسمو", "PER") == "PER:سعود"
    assert trimmed("أحمد وعبدالله", "PER") == "PER:أحمد"
    assert trimmed("محمد وليد", "PER") == "PER:محمد وليد"  # وليد is a name
    assert trimmed("خالد فيصل", "PER") == "PER:خالد فيصل"


def test_a_head_trigger_decides_the_type() -> None:
    assert trimmed("جامعة الملك سعود", "LOC") == "ORG:جامعة الملك سعود"
    assert trimmed("مطار الرياض", "ORG") == "LOC:مطار الرياض"
    assert trimmed("الهلال الأحمر", "LOC") == "LOC:الهلال الأحمر"  # no trigger: as tagged


def test_a_definite_head_and_an_indefinite_word_are_no_name() -> None:
    assert not named("الدولة عضو", "LOC")
    assert not named("الدولة للشؤون", "LOC")
    assert not named("الصحراء بحضرموت", "LOC")
    assert named("البوسنة والهرسك", "LOC")  # a conjunction joins two names
    assert named("المنطقة الشرقية", "LOC")
    assert named("دولة قطر", "LOC")  # indefinite head: a construct


def test_a_common_noun_and_a_demonym_are_a_description() -> None:
    assert not named("الهيئة السعودية", "ORG")
    assert not named("الشركة السعودية", "ORG")
    assert not named("البنك السعودي", "ORG")
    assert named("أرامكو السعودية", "ORG")  # أرامكو is a name
    assert named("الحملة الوطنية السعودية", "ORG")  # more than a demonym


def test_a_generic_noun_and_indefinite_relative_adjectives_are_a_description() -> None:
    assert not named("قوات حكومية", "ORG")  # "government forces"
    assert not named("دولة إسلامية", "LOC")
    assert not named("مؤسسة مالية دولية", "ORG")
    assert named("منتخب تشيلي", "ORG")  # تشيلي is a KB country
    assert named("جامع غازي", "LOC")  # غازي follows person titles: a given name
    assert named("جامعة برمنجهام", "ORG")


def test_a_one_word_place_is_no_common_noun() -> None:
    for word in ("الساحل", "ساحل", "النيل", "الخميس", "خميس", "تي"):
        assert not named(word, "LOC"), word
    for word in ("كاليفورنيا", "الشام", "سوروتش", "الزبداني"):
        assert named(word, "LOC"), word


def test_a_name_written_with_proclitic_like_letters_keeps_them() -> None:
    assert preferred_bare("بعقوبه") == "بعقوبه"  # follows مدينة: not ب + عقوبة
    assert preferred_bare("لبوتين") == "بوتين"
    assert preferred_bare("والساحل") == "الساحل"
    assert preferred_bare("وشمال") == "شمال"  # a trigger after a trigger, not a name


def test_an_eponym_is_part_of_an_institutions_name() -> None:
    assert is_eponym(["مطار", "الملك"], ["خالد", "الدولي"])
    assert is_eponym(["مستشفي"], ["الملك", "فهد", "التخصصي"])
    assert not is_eponym(["المنطقه", "الامير"], ["فيصل", "بن", "سلمان"])  # the governor
    assert not is_eponym(["قوات"], ["بشار", "الاسد"])
    assert not is_eponym([], ["خالد"])
