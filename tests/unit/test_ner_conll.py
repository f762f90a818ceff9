"""CoNLL reading (AQMAR's malformed tags included) and conlleval-style scoring."""

from __future__ import annotations

import io

import pytest

from streams.ner.conll import Sentence, normalize_tag, parse_conll, repair_bio, write_conll
from streams.ner.evaluate import chunks, score


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("O", "O"),
        ("OO", "O"),
        ("IO", "O"),
        ("B-PER", "B-PER"),
        ("I-LOC", "I-LOC"),
        ("-ORG", "I-ORG"),
        ("B-MIS1", "O"),
        ("MIS1`", "O"),
        ("B-MIS-2", "O"),
        ("B-ENGLISH", "O"),
        ("", "O"),
        ("???", "O"),
    ],
)
def test_normalize_tag(raw: str, tag: str) -> None:
    assert normalize_tag(raw) == tag


def test_repair_bio_starts_every_chunk_with_b() -> None:
    assert repair_bio(["I-ORG", "I-ORG", "O", "I-PER", "B-LOC", "I-PER"]) == [
        "B-ORG",
        "I-ORG",
        "O",
        "B-PER",
        "B-LOC",
        "B-PER",
    ]


def test_parse_and_write_round_trip() -> None:
    text = "محمد B-PER\nعلي I-PER\nزار O\nمصر -LOC\n\n\nوقال O\n"
    sentences = list(parse_conll(io.StringIO(text)))
    assert [s.tokens for s in sentences] == [["محمد", "علي", "زار", "مصر"], ["وقال"]]
    assert sentences[0].gold == ["B-PER", "I-PER", "O", "B-LOC"]
    assert sentences[0].predicted is None
    sentences[0].predicted = ["B-PER", "O", "O", "B-LOC"]
    out = io.StringIO()
    write_conll(out, sentences)
    again = list(parse_conll(io.StringIO(out.getvalue())))
    assert again[0].predicted == ["B-PER", "O", "O", "B-LOC"]
    assert again[1].predicted == ["O"]


def test_tokens_only_input_has_no_gold() -> None:
    (sentence,) = parse_conll(["كلمة\n", "أخرى\n"])
    assert sentence.gold is None and sentence.tokens == ["كلمة", "أخرى"]


def test_chunks_as_conlleval_reads_them() -> None:
    assert chunks(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG"]) == {
        ("PER", 0, 2),
        ("LOC", 3, 5),
        ("LOC", 5, 6),
        ("ORG", 6, 7),
    }


def test_exact_span_scores() -> None:
    gold = ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"]
    predicted = ["B-PER", "O", "O", "B-LOC", "B-LOC", "B-ORG"]
    scores = score([Sentence(["w"] * 6, gold, predicted)])
    assert scores.prf("PER") == (0.0, 0.0, 0.0)  # a partial span is wrong
    assert scores.prf("LOC") == (0.5, 1.0, pytest.approx(2 / 3))
    assert scores.prf("ORG") == (1.0, 1.0, 1.0)
    p, r, f = scores.prf()
    assert (p, r, f) == (0.5, pytest.approx(2 / 3), pytest.approx(4 / 7))
    report = scores.report()
    assert report.splitlines()[-1].startswith("overall")
    assert "50.00" in report


def test_score_needs_both_columns() -> None:
    with pytest.raises(ValueError):
        score([Sentence(["w"], ["O"], None)])
