"""Per-token analysis and its one-pass, memoised form over whole texts."""

import orjson

from streams.sources import iter_records
from streams.text.normalize import clean_text, matching_form_of_clean
from streams.text.terms import (
    ARABIC,
    ARABIC_SCRIPT,
    ENGLISH_STOP,
    LATIN,
    NUMBER,
    OTHER,
    PUNCTUATION,
    analyse_text,
    content_stems,
    count_kinds,
    term,
    terms,
)
from streams.text.tokens import tokenize


def test_kinds_of_tokens():
    assert term("الوزارة").kind == ARABIC
    assert term("گفت").kind == ARABIC_SCRIPT  # Persian gaf
    assert term("Putin").kind == LATIN
    assert term("the").kind == ENGLISH_STOP
    assert term("Путин").kind == OTHER
    assert term("2015").kind == NUMBER
    assert term("،").kind == PUNCTUATION
    assert term("\n").kind == PUNCTUATION


def test_stop_words_numbers_single_letters_and_punctuation_have_no_stem():
    for token in ("في", "وفي", "فإن", "إلى", "the", "The", "don't", "2015", "و", "U", "."):
        assert term(token).stem is None, token
    assert term("الوزارة").stem == "زار"


def test_display_form_drops_diacritics_only():
    assert term("الرِّحْلات").display == "الرحلات"
    assert term("Putin").display == "Putin"


def test_content_stems_are_distinct_in_first_occurrence_order():
    words = terms(tokenize("وزارة الصحة في الرياض: الوزارة والصحة"))
    assert content_stems(words) == [term("وزارة").stem, term("الصحة").stem, term("الرياض").stem]
    assert len(set(content_stems(words))) == 3


def test_count_kinds():
    kinds = count_kinds(terms(tokenize("قالت الوزارة في Riyadh.")))
    assert kinds[ARABIC] == 3 and kinds[LATIN] == 1 and kinds[PUNCTUATION] == 1


def test_one_pass_analysis_equals_tokenizing_and_folding_the_text(corpus_day):
    for record in list(iter_records([corpus_day]))[::5]:
        article = orjson.loads(record.value)
        for raw in (article["title"], article["body"]):
            text = clean_text(raw)
            analysed = analyse_text(text)
            assert analysed.terms == terms(tokenize(text))
            assert analysed.matching_form == matching_form_of_clean(text)


def test_one_pass_analysis_of_edge_cases():
    for text in ("", "\n", "a\n\nb", "\nx ", "x\n", " \n ", "a\u2028b c"):
        assert analyse_text(text).terms == terms(tokenize(text))
        assert analyse_text(text).matching_form == matching_form_of_clean(text)
