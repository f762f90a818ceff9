"""Keywords and keyphrases by TF-IDF over stems, and the DF file behind them."""

import orjson

from streams.sources import iter_records
from streams.text.build_df import count_documents, main, write_document_frequencies
from streams.text.keywords import (
    DF_PATH,
    KEYPHRASES,
    KEYWORDS,
    keywords,
    read_document_frequencies,
)
from streams.text.normalize import clean_text
from streams.text.terms import analyse_text, content_stems

ENGLISH_TITLE = "Saudi Arabia raises oil output as OPEC meets in Vienna"
ENGLISH_BODY = (
    "Saudi Arabia raised its crude oil output in June to a record, OPEC sources said on "
    "Tuesday, as the kingdom defends its market share.\nThe kingdom pumped 10.5 million "
    "barrels per day, according to OPEC figures. Saudi oil output has risen for three months."
)


def _keywords(title: str, body: str):
    found = keywords(analyse_text(clean_text(title)).terms, analyse_text(clean_text(body)).terms)
    return found.keywords, found.keyphrases


def test_seed_keywords_are_what_the_article_is_about(seed_text):
    words, phrases = _keywords(*seed_text)
    terms = [word["term"] for word in words]
    assert len(words) == KEYWORDS
    assert {"بوتين", "أوكرانيا", "روسيا"} <= set(terms[:3])
    assert phrases[0]["text"] == "الرئيس الروسي فلاديمير بوتين"
    assert "الجمعية العامة للأمم المتحدة" in [phrase["text"] for phrase in phrases]
    assert len(phrases) <= KEYPHRASES


def test_scores_are_unit_scaled_and_ordered(seed_text):
    words, phrases = _keywords(*seed_text)
    scores = [word["score"] for word in words]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert [p["score"] for p in phrases] == sorted((p["score"] for p in phrases), reverse=True)


def test_english_keywords_skip_stop_words_and_show_the_written_form():
    words, phrases = _keywords(ENGLISH_TITLE, ENGLISH_BODY)
    terms = [word["term"] for word in words]
    assert set(terms[:4]) == {"Saudi", "oil", "OPEC", "output"}
    assert not {"the", "its", "as", "in", "said"} & {term.lower() for term in terms}
    assert [phrase["text"] for phrase in phrases] == ["Saudi Arabia raises", "oil output"]


def test_a_phrase_contained_in_a_longer_equally_frequent_one_is_left_out():
    body = "مجلس الشؤون السياسية والأمنية يعقد اجتماعا. وترأس مجلس الشؤون السياسية والأمنية"
    _, phrases = _keywords("", body)
    assert [phrase["text"] for phrase in phrases] == ["مجلس الشؤون السياسية والأمنية"]


def test_stems_are_the_content_stems_of_title_and_body(seed_text):
    title, body = (analyse_text(clean_text(text)).terms for text in seed_text)
    stems = keywords(title, body).stems
    assert stems == content_stems(title + body)
    assert len(stems) == len(set(stems)) > 100


def test_title_only_and_empty_articles():
    words, phrases = _keywords("الدول العشر الأكثر استفادة من طاقة الرياح", "")
    assert [word["term"] for word in words][:1] and phrases == []
    assert _keywords("", "") == ([], [])
    assert _keywords("في من إلى", "the and of") == ([], [])


def test_document_frequency_file_is_small_and_sorted():
    assert DF_PATH.stat().st_size < 1_000_000
    frequencies = read_document_frequencies(DF_PATH)
    assert frequencies.documents > 19_000
    counts = list(frequencies.counts.items())
    assert counts == sorted(counts, key=lambda item: (-item[1], item[0]))


def test_rebuilding_the_df_file_is_reproducible(tmp_path):
    source = tmp_path / "articles.jsonl"
    articles = [
        {"source": "s", "title": "وزارة الصحة", "body": "أعلنت الوزارة اليوم"},
        {"source": "s", "title": "وزارة الصحة", "body": "أعلنت الوزارة اليوم"},  # a copy
        {"source": "s", "title": "الصحة العالمية", "body": "منظمة الصحة"},
        "not an article",
    ]
    source.write_bytes(b"\n".join(orjson.dumps(a) for a in articles))
    first, second = tmp_path / "first.tsv", tmp_path / "second.tsv"
    assert main([str(source), "--out", str(first), "--min-df", "1"]) == 0
    assert main([str(source), "--out", str(second), "--min-df", "1"]) == 0
    assert first.read_bytes() == second.read_bytes()
    frequencies = read_document_frequencies(first)
    assert frequencies.documents == 2
    assert frequencies.counts[analyse_text("الصحة").terms[0].stem] == 2


def test_shipped_df_file_matches_the_current_analysis(corpus_day, tmp_path):
    """The shipped file counts all corpus days, so any of their articles'
    document frequencies can only be lower. A stem they have and the file
    lacks, or a higher count, means stop words or stemming changed without
    a rebuild (python -m streams.text.build_df)."""
    sample = tmp_path / "sample.jsonl"
    records = list(iter_records([corpus_day]))[::3]  # a third of a day keeps the test fast
    sample.write_bytes(b"\n".join(record.value for record in records))
    shipped = read_document_frequencies(DF_PATH)
    counted = count_documents([sample])
    path = tmp_path / "sample.tsv"
    write_document_frequencies(counted, path, min_df=6, max_stems=10**6, note="test")
    kept = read_document_frequencies(path).counts
    assert len(kept) > 1000
    for stem, df in kept.items():
        assert df <= shipped.counts.get(stem, 0), stem
