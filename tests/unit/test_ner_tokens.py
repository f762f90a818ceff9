"""NER tokens: offsets, surfaces and word flags agree; units end at clause marks and line breaks."""

from __future__ import annotations

from streams.ner.tokens import sentence_bounds, tokenize, tokens_of


def test_tokens_carry_offsets_surfaces_and_word_flags() -> None:
    text = "قال الرئيس، (أمس) U.S.\nثم غادر"
    tokens = tokens_of(text)
    assert tokens.surfaces == [
        "قال",
        "الرئيس",
        "،",
        "(",
        "أمس",
        ")",
        "U",
        ".",
        "S",
        ".",
        "ثم",
        "غادر",
    ]
    assert [text[start:end] for start, end in tokens.spans] == tokens.surfaces
    assert tokens.words == [s not in "،().," for s in tokens.surfaces]
    assert tokenize(text) == [
        (start, end, word) for (start, end), word in zip(tokens.spans, tokens.words, strict=True)
    ]


def test_units_end_after_clause_marks_and_before_line_breaks() -> None:
    text = "قال الرئيس، أمس.\n\nثم غادر القاهرة\nإلى جدة"
    tokens = tokens_of(text)
    units = [tokens.surfaces[i:j] for i, j in sentence_bounds(text, tokens)]
    assert units == [
        ["قال", "الرئيس", "،"],
        ["أمس", "."],
        ["ثم", "غادر", "القاهرة"],
        ["إلى", "جدة"],
    ]


def test_no_empty_units() -> None:
    assert sentence_bounds("", tokens_of("")) == []
    text = "، ،\n."
    units = sentence_bounds(text, tokens_of(text))
    assert units == [(0, 1), (1, 2), (2, 3)]
