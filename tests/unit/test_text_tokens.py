"""Tokens and sentences, on corpus and seed snippets."""

import re

import orjson
import pytest
from camel_tools.tokenizers.word import simple_word_tokenize

from streams.sources import iter_records
from streams.text.normalize import clean_text
from streams.text.tokens import count_sentences, tokenize

# A token that camel-tools would split: our numbers keep separators, our
# words inner apostrophes (and underscores).
_JOINED_RE = re.compile(r"[.,٫٬'’_]")


def _words(tokens: list[str]) -> list[str]:
    return [token for token in tokens if token[0].isalnum()]


def test_arabic_words_punctuation_and_line_breaks():
    text = clean_text("وقالت الوزارة، إن «العملة المعدنية» ستطرح.\nوأضاف: لا")
    assert tokenize(text) == [
        "وقالت", "الوزارة", "،", "إن", "«", "العملة", "المعدنية", "»", "ستطرح", ".",
        "\n", "وأضاف", ":", "لا",
    ]  # fmt: skip


def test_diacritics_stay_inside_their_word():
    assert tokenize("لأدب الرِّحْلات الذي") == ["لأدب", "الرِّحْلات", "الذي"]


def test_numbers_keep_separators_and_english_words_their_apostrophes():
    text = "67 مليار ريال بزيادة 4.5 مليارات أو ٤٫٥ أو 1,000 Ukraine’s forces don't"
    assert _words(tokenize(text)) == [
        "67", "مليار", "ريال", "بزيادة", "4.5", "مليارات", "أو", "٤٫٥", "أو", "1,000",
        "Ukraine’s", "forces", "don't",
    ]  # fmt: skip


def test_empty_and_punctuation_only_texts_have_no_words_or_sentences():
    assert tokenize("") == []
    assert count_sentences("") == 0
    assert _words(tokenize("... ، !")) == []
    assert count_sentences("... ، !") == 0


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("البيت الأبيض: بايدن والعبادي بحثا تسليم الطائرات إف 16", 1),
        ("ارتفع المؤشر 4.5 في المئة. وقال المحلل إن الارتفاع مؤقت", 2),
        ("هل انتهت الأزمة؟ لا أحد يعرف! الانتظار مستمر…", 3),
        ("الفقرة الأولى بلا نقطة\nالفقرة الثانية", 2),
        ("U.S. officials met Mr. Smith in Riyadh. They left at 4.30 p.m. on Tuesday.", 2),
        ("End... Next one.", 2),
    ],
)
def test_sentences_end_at_arabic_and_latin_punctuation_and_line_breaks(text, sentences):
    assert count_sentences(text) == sentences


def test_word_boundaries_match_camel_tools_on_a_corpus_day(corpus_day):
    """Ours equal simple_word_tokenize's words once the tokens we keep
    joined are split at their separators."""
    records = list(iter_records([corpus_day]))[::10]  # 205 articles: keeps the test fast
    for record in records:
        article = orjson.loads(record.value)
        for text in (clean_text(article["title"]), clean_text(article["body"])):
            ours = [
                part for word in _words(tokenize(text)) for part in _JOINED_RE.split(word) if part
            ]
            camel = [token for token in simple_word_tokenize(text) if token[0].isalnum()]
            assert ours == camel
