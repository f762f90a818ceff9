"""Linking rules: keys, short forms, display names, one-word names."""

from __future__ import annotations

from streams.ner.detect import CRF, Span, get_detector
from streams.ner.gazetteer import NAME, forms
from streams.ner.link import entity_key, link


def span(text: str, surface: str, label: str, field: int = 1, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    tokens = surface.split()
    return Span(
        field,
        start,
        start + len(surface),
        label,
        CRF,
        None,
        NAME,
        tuple(forms(tokens)),
        0,
        len(tokens) - 1,
    )


def test_keys_fold_proclitics_article_and_abd_compounds() -> None:
    assert entity_key(["لبوتين"])[0] == ("بوتين",)  # the corpus knows بوتين far better
    assert entity_key(["بايدن"])[0] == ("بايدن",)  # ايدن is no word: nothing cut
    assert entity_key(["الناتو"]) == (("ناتو",), "الناتو")
    assert entity_key(["للجمهوريه"]) == (("جمهوريه",), "الجمهوريه")
    assert entity_key(["عبد", "العزيز", "الصفيان"])[0] == ("عبدالعزيز", "الصفيان")
    assert entity_key([]) == ((), "")


def test_a_lineage_before_a_family_name_is_left_out_of_the_key() -> None:
    """The news writes a minister عزام بن محمد الدخيل and عزام الدخيل: one entity."""
    assert entity_key(forms(["عزام", "بن", "محمد", "الدخيّل"]))[0] == ("عزام", "الدخيل")
    assert entity_key(forms(["خالد", "بن", "عبد", "القادر", "بن", "محمد", "طاهر"]))[0] == (
        "خالد",
        "طاهر",
    )
    assert entity_key(forms(["محمد", "بن", "راشد", "آل", "مكتوم"]))[0] == ("محمد", "ال", "مكتوم")
    # no family name after the lineage: the whole name
    assert entity_key(forms(["فيصل", "بن", "خالد", "بن", "عبدالعزيز"]))[0] == (
        "فيصل",
        "بن",
        "خالد",
        "بن",
        "عبدالعزيز",
    )
    assert entity_key(forms(["أسامة", "بن", "لادن"]))[0] == ("اسامه", "بن", "لادن")
    body = "عين عزام بن محمد الدخيل وزيرا. وقال الدخيل إن عزام الدخيل يعمل."
    spans = [
        span(body, "عزام بن محمد الدخيل", "PER"),
        span(body, "الدخيل", "PER", nth=1),
        span(body, "عزام الدخيل", "PER"),
    ]
    (person,) = link(spans, ["", body])
    assert person.id == "ner:person:عزام الدخيل"
    assert person.names == ["عزام بن محمد الدخيل", "الدخيل", "عزام الدخيل"]


def test_short_forms_resolve_to_the_full_name_either_way() -> None:
    body = "قال الغامدي إن سعيد بن علي الغامدي سيعود، وأكد سعيد ذلك."
    spans = [
        span(body, "الغامدي", "PER"),
        span(body, "سعيد بن علي الغامدي", "PER"),
        span(body, "سعيد", "PER", nth=1),
    ]
    (person,) = link(spans, ["", body])
    assert person.id == "ner:person:سعيد الغامدي"
    assert len(person.spans) == 3
    assert person.names == ["الغامدي", "سعيد بن علي الغامدي", "سعيد"]


def test_a_middle_name_is_not_a_short_form() -> None:
    body = "أعلن محمد بن عبدالعزيز الصفيان إغلاق طريق الملك عبدالعزيز."
    spans = [span(body, "محمد بن عبدالعزيز الصفيان", "PER"), span(body, "عبدالعزيز", "PER", nth=1)]
    entities = link(spans, ["", body])
    assert [e.id for e in entities] == ["ner:person:محمد الصفيان"]  # lone name dropped


def test_one_word_names_stand_alone_only_when_rare_places_or_organisations() -> None:
    body = "زار فهد المملكة ثم سوروتش."
    spans = [span(body, "فهد", "PER"), span(body, "المملكة", "LOC"), span(body, "سوروتش", "LOC")]
    assert [e.id for e in link(spans, ["", body])] == ["ner:location:سوروتش"]


def test_display_names_drop_proclitics_and_restore_the_article() -> None:
    body = "دعا للجمهورية الأفريقية وقال إن الجمهورية الأفريقية"
    spans = [span(body, "للجمهورية الأفريقية", "LOC"), span(body, "الجمهورية الأفريقية", "LOC")]
    (entity,) = link(spans, ["", body])
    assert entity.names == ["الجمهورية الأفريقية"]
    assert entity.slug == "jmhwryh-alafryqyh"  # matching form: hamza folded


def test_titles_are_cut_off_and_the_person_is_one_entity() -> None:
    body = "قال وزير التعليم عزام الدخيل إن الدكتور عزام الدخيل سيزور المنطقة."
    spans = [span(body, "وزير التعليم عزام الدخيل", "PER"), span(body, "عزام الدخيل", "PER", nth=1)]
    (person,) = link(spans, ["", body])
    assert person.id == "ner:person:عزام الدخيل"
    assert [body[s.start : s.end] for s in person.spans] == ["عزام الدخيل", "عزام الدخيل"]
    assert person.spans[0].forms == ("عزام", "الدخيل")


def test_fragments_of_titles_descriptions_and_common_nouns_are_no_entities() -> None:
    body = "أعلن نائب رئيس مجلس الوزراء وزير الداخلية أن الدولة عضو في الهيئة السعودية على الساحل."
    spans = [
        span(body, "مجلس الوزراء وزير الداخلية", "ORG"),
        span(body, "الدولة عضو", "LOC"),
        span(body, "الهيئة السعودية", "ORG"),
        span(body, "الساحل", "LOC"),
        span(body, "وزير الداخلية", "PER"),
    ]
    entities = link(spans, ["", body])
    assert [e.id for e in entities] == ["ner:organization:مجلس الوزراء"]
    assert [body[s.start : s.end] for s in entities[0].spans] == ["مجلس الوزراء"]


def test_an_institution_named_after_someone_is_no_person() -> None:
    body = "وصل إلى مطار الملك خالد الدولي، وقال حمد الحربي إن الرحلة تأخرت."
    spans = [span(body, "خالد الدولي", "PER"), span(body, "حمد الحربي", "PER")]
    assert [e.id for e in link(spans, ["", body])] == ["ner:person:حمد الحربي"]


def test_a_head_trigger_retypes_a_discovered_name() -> None:
    body = "تخرج في جامعة الملك سعود."
    (entity,) = link([span(body, "جامعة الملك سعود", "LOC")], ["", body])
    assert entity.id == "ner:organization:جامعه الملك سعود"


def test_a_found_name_that_is_a_linked_alias_is_its_kb_entity() -> None:
    body = "هاجم مسلحو الدولة الإسلامية القرية، وقال مسؤول في الجمهورية الإسلامية إن الهجوم فشل."
    entities = link(
        [span(body, "الدولة الإسلامية", "LOC"), span(body, "الجمهورية الإسلامية", "LOC")],
        ["", body],
    )
    assert [(e.id, e.type, e.names) for e in entities] == [
        ("kb:organization:islamic-state", "organization", ["الدولة الإسلامية"]),
        ("cldr:IR", "location", ["الجمهورية الإسلامية"]),
    ]


def test_linked_aliases_are_never_matched_in_raw_text() -> None:
    text = "قامت الدولة الإسلامية في عهد الخلفاء"
    found = [(s.entity.id if s.entity else None) for s in get_detector().detect([text])]
    assert "kb:organization:islamic-state" not in found
