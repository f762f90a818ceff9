import pytest

from streams.models import Origin
from streams.stages.enrich import content_hash, detect_language, enrich, parse_published_at

ORIGIN = Origin("articles.raw", 0, 7, 1_437_523_553_000)


def _article(**fields):
    base = {"id": "a1", "source": "was", "title": "عنوان", "body": "نص الخبر", "url": None}
    return {**base, **fields}


def test_enrich_is_deterministic_and_uses_the_record_timestamp():
    article = _article(published_at="2015-07-22 00:05:53", body="<b>وقالـت</b> الوزارة\n\nإن")
    first = enrich(article, ORIGIN, source_timezone="Asia/Riyadh")
    assert first == enrich(article, ORIGIN, source_timezone="Asia/Riyadh")
    assert first["body"] == "وقالت الوزارة\nإن"
    assert first["published_at"] == "2015-07-21T21:05:53Z"
    assert first["ingested_at"] == "2015-07-22T00:05:53.000Z"
    assert first["stats"] == {"chars": len(first["body"]), "words": 3, "paragraphs": 2}
    assert first["language"] == "ar"
    assert first["origin"]["offset"] == 7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-09-26T10:00:00+03:00", "2022-09-26T07:00:00Z"),
        ("2022-09-26T07:00:00Z", "2022-09-26T07:00:00Z"),
        ("Mon, 26 Sep 2022 07:00:00 GMT", "2022-09-26T07:00:00Z"),
        ("٢٠٢٢-٠٩-٢٦ ٠٧:٠٠:٠٠", "2022-09-26T07:00:00Z"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_published_at_forms(value, expected):
    assert parse_published_at(value, "UTC") == expected


def test_language_detection_and_declared_language():
    assert detect_language("Russia and Ukraine") == "en"
    assert detect_language("روسيا وأوكرانيا") == "ar"
    assert detect_language("12345 !!!") == "other"
    assert detect_language("Putin بوتين بوتين", declared="en") == "en"
    assert detect_language("روسيا", declared="en") == "ar"


def test_content_hash_ignores_diacritics_and_whitespace_and_headline_of_long_bodies():
    body = " ".join(["كلمة"] * 30)
    assert content_hash("عنوان", body) == content_hash("عنوان آخر", body.replace(" ", "  "))
    assert content_hash("الكاريكاتير 1", "الكاريكاتير") != content_hash(
        "الكاريكاتير 2", "الكاريكاتير"
    )
    assert content_hash("وَزَارَةُ", "") == content_hash("وزارة", "")
