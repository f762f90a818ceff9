"""The enrich stage: the record every subscriber gets, from real snippets."""

import subprocess
import sys
from collections import Counter

import orjson
import pytest

from streams import schemas
from streams.models import Origin
from streams.sources import iter_records
from streams.stages import validate
from streams.stages.enrich import content_hash, enrich, enrich_with_forms, reading_seconds
from streams.text.normalize import matching_form_of_clean
from streams.text.stems import stem_arabic

ORIGIN = Origin("articles.raw", 0, 7, 1_437_523_553_000)  # 2015-07-22T00:05:53Z
OPTIONS = {"source_timezone": "Asia/Riyadh", "future_tolerance_seconds": 900}
LIMITS = {"max_message_bytes": 8 * 1024 * 1024, "max_body_chars": 1_000_000}

# An alweeam title with entities, an okaz author line with &nbsp; (2015-07-21/22).
TITLE = "توزيع &#8220;موسوعة خطب الجمعة&#8221; على خطباء الجوامع"
# Presentation forms, tatweel (لـ) and diacritics (aawsat, 2015-07-21).
BODY = (
    "ﻗﺎﻝ ﻣﺼﺪﺭ ﻣﺴﺆﻭﻝ لـ«الشرق الأوسط» إﻥ العشرات ﻣﻦ ﺍﻷﻓﺮﺍﺩ انضموا.\n\n"
    "وأوردت الباحثة تعريف كيليطو لأدب الرِّحْلات."
)
ENGLISH_TITLE = "Saudi Arabia raises oil output as OPEC meets in Vienna"
ENGLISH_BODY = (
    "<p>Saudi Arabia raised its crude oil output in June to a record, OPEC sources said on "
    "Tuesday.</p>\n<p>The kingdom pumped 10.5 million barrels per day. Saudi oil output "
    "has risen for three months.</p>"
)


def _article(**fields):
    base = {"id": "a1", "source": "alweeam", "title": TITLE, "body": BODY, "url": None}
    return {**base, **fields}


def _enrich(**fields):
    return enrich(_article(**fields), ORIGIN, **OPTIONS)


def test_enrich_is_deterministic_and_uses_the_record_timestamp():
    article = _article(published_at="2015-07-22 00:05:53", author="&nbsp;واس (الرياض)")
    first = enrich(article, ORIGIN, **OPTIONS)
    assert first == enrich(article, ORIGIN, **OPTIONS)
    assert first["ingested_at"] == "2015-07-22T00:05:53.000Z"
    assert first["published_at"] == "2015-07-21T21:05:53Z"
    assert first["published_at_status"] == "feed"
    assert first["author"] == "واس (الرياض)"
    assert first["origin"]["offset"] == 7


def test_text_is_cleaned_for_display():
    record = _enrich()
    assert record["title"] == "توزيع “موسوعة خطب الجمعة” على خطباء الجوامع"
    assert record["body"] == (
        "قال مصدر مسؤول ل«الشرق الأوسط» إن العشرات من الأفراد انضموا.\n"
        "وأوردت الباحثة تعريف كيليطو لأدب الرِّحْلات."
    )


def test_stats_count_the_cleaned_body():
    record = _enrich()
    assert record["stats"] == {
        "chars": len(record["body"]),
        "words": 17,  # ل in ل«الشرق is a word of its own
        "sentences": 2,
        "paragraphs": 2,
        "reading_seconds": 8,  # 17 words at 138 per minute, rounded up
    }


def test_stems_and_keywords_come_from_title_and_body():
    record = _enrich()
    assert record["stems"][:3] == ["توزيع", "موسوع", "خطب"]
    assert stem_arabic("الرِّحْلات") in record["stems"]
    assert "من" not in record["stems"]  # a stop word
    terms = [keyword["term"] for keyword in record["keywords"]]
    assert {"موسوعة", "خطباء", "كيليطو"} <= set(terms)


def test_registered_outlet_and_its_language_stand_in_for_a_declaration():
    record = _enrich()
    assert record["outlet"] == {
        "name": "Al Weeam",
        "name_ar": "الوئام",
        "country": "SA",
        "language": "ar",
    }
    assert record["language"] == "ar"
    assert _enrich(source="someone-new")["outlet"] is None


def test_an_english_article():
    record = _enrich(source="wire", title=ENGLISH_TITLE, body=ENGLISH_BODY, language="en")
    assert record["language"] == "en"
    assert record["body"].startswith("Saudi Arabia raised its crude oil output in June")
    assert record["stats"]["sentences"] == 3
    assert record["stats"]["reading_seconds"] == reading_seconds(record["stats"]["words"], "en")
    assert {"OPEC", "oil", "output"} <= {keyword["term"] for keyword in record["keywords"]}
    assert "oil output" in [phrase["text"] for phrase in record["keyphrases"]]


def test_an_empty_body_and_a_title_only_article():
    # As aleqtisadiya sent it (2015-07-21): a headline and no body.
    record = _enrich(title="الدول العشر الأكثر استفادة من طاقة الرياح", body="")
    assert record["body"] == ""
    assert record["stats"] == {
        "chars": 0,
        "words": 0,
        "sentences": 0,
        "paragraphs": 0,
        "reading_seconds": 0,
    }
    assert record["keywords"] and record["language"] == "ar"
    assert record["content_hash"] == content_hash(record["title"], "")


def test_markup_only_text_enriches_to_empty_fields_without_failing():
    record = _enrich(title="", body="<p>&nbsp;</p><script>x()</script>")
    assert (record["title"], record["body"], record["stems"], record["keywords"]) == (
        "",
        "",
        [],
        [],
    )
    assert record["language"] == "ar"  # nothing contradicts the outlet's language


def test_urls_are_kept_as_sent_and_canonicalised():
    raw = " http://aawsat.com/home/article/411641/الفقر-أحد#top "
    record = _enrich(url=raw)
    assert record["url"] == raw.strip()
    assert (
        record["canonical_url"]
        == "http://aawsat.com/home/article/411641/%D8%A7%D9%84%D9%81%D9%82%D8%B1-%D8%A3%D8%AD%D8%AF"
    )
    assert _enrich(url="   ")["canonical_url"] is None


@pytest.mark.parametrize(
    ("published", "value", "status"),
    [
        (None, "2015-07-22T00:05:53.000Z", "missing"),
        ("قبل ساعة", "2015-07-22T00:05:53.000Z", "unparseable"),
        ("2015-07-22T09:00:00Z", "2015-07-22T09:00:00Z", "future"),
    ],
)
def test_missing_unreadable_and_future_dates_are_flagged(published, value, status):
    record = _enrich(published_at=published)
    assert (record["published_at"], record["published_at_status"]) == (value, status)


def test_content_hash_ignores_diacritics_and_whitespace_and_headline_of_long_bodies():
    body = " ".join(["كلمة"] * 30)
    assert content_hash("عنوان", body) == content_hash("عنوان آخر", body.replace(" ", "  "))
    assert content_hash("الكاريكاتير 1", "الكاريكاتير") != content_hash(
        "الكاريكاتير 2", "الكاريكاتير"
    )
    assert content_hash("وَزَارَةُ", "") == content_hash("وزارة", "")


def test_enrich_hashes_what_content_hash_hashes(seed_text):
    record = _enrich(title=seed_text[0], body=seed_text[1])
    assert record["content_hash"] == content_hash(record["title"], record["body"])


def test_enrich_hands_on_the_matching_forms_of_title_and_body(seed_text):
    """Dedup shingles these forms instead of computing them again, so they
    must be exactly the forms of the record's title and body."""
    article = _article(title=seed_text[0], body=seed_text[1] + "\n\n" + BODY)
    record, title_form, body_form = enrich_with_forms(article, ORIGIN, **OPTIONS)
    assert record == enrich(article, ORIGIN, **OPTIONS)
    assert title_form == matching_form_of_clean(record["title"]) != ""
    assert body_form == matching_form_of_clean(record["body"]) != ""


def _corpus_articles(path):
    articles, rejected = [], 0
    for record in iter_records([path]):
        try:
            articles.append(validate.validate(record.value, **LIMITS))
        except Exception:
            rejected += 1
    return articles, rejected


@pytest.mark.corpus
def test_a_corpus_day_enriches_within_the_schema(corpus_day):
    """Every article of a day enriches without error, and each record, with
    what the later stages add when they find nothing, is a valid
    ``articles.enriched`` value."""
    articles, rejected = _corpus_articles(corpus_day)
    assert rejected == 3  # blank title and body: validate dead-letters them
    statuses: Counter[str] = Counter()
    for index, article in enumerate(articles):
        origin = Origin("offline", 0, index, 1_700_000_000_000)
        record = enrich(article, origin, **OPTIONS)
        complete = {**record, "story_id": record["id"]}
        assert schemas.errors(schemas.ENRICHED, complete) == [], article["id"]
        assert record["language"] == "ar" and record["outlet"] is not None
        assert record["keywords"] or not (record["title"] or record["body"])
        statuses[record["published_at_status"]] += 1
    assert statuses == {"feed": len(articles)}


_ENRICH_IN_CHILD = """
import sys, orjson
from streams.models import Origin
from streams.sources import iter_records
from streams.stages import validate
from streams.stages.enrich import enrich
for index, record in enumerate(list(iter_records([sys.argv[1]]))[::20]):
    try:
        article = validate.validate(record.value, max_message_bytes=8388608, max_body_chars=10**6)
    except Exception:
        continue
    origin = Origin("offline", 0, index, 1_700_000_000_000)
    out = enrich(article, origin, source_timezone="Asia/Riyadh", future_tolerance_seconds=900)
    sys.stdout.buffer.write(orjson.dumps(out) + b"\\n")
"""


@pytest.mark.corpus
def test_another_process_enriches_byte_identically(corpus_day):
    """The worker and the offline mode run enrich in different processes
    (other hash seeds, other cache states): the records must not differ."""
    child = subprocess.run(
        [sys.executable, "-c", _ENRICH_IN_CHILD, str(corpus_day)],
        capture_output=True,
        check=True,
        env={"PYTHONHASHSEED": "12345"},
    )
    theirs = child.stdout.splitlines()
    ours = []
    for index, record in enumerate(list(iter_records([corpus_day]))[::20]):
        try:
            article = validate.validate(record.value, **LIMITS)
        except Exception:
            continue
        origin = Origin("offline", 0, index, 1_700_000_000_000)
        ours.append(orjson.dumps(enrich(article, origin, **OPTIONS)))
    assert len(ours) > 100
    assert theirs == ours
