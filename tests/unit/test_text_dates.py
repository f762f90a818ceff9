"""Publication dates: the forms feeds use, fallbacks and future dates."""

import pytest

from streams.text.dates import published_at

INGESTED_MS = 1_437_523_553_000  # 2015-07-22T00:05:53Z
INGESTED = "2015-07-22T00:05:53.000Z"


def _published(value, zone="UTC", ingested_ms=INGESTED_MS):
    return published_at(
        value, ingested_ms=ingested_ms, source_timezone=zone, future_tolerance_seconds=900
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-09-26T10:00:00+03:00", "2022-09-26T07:00:00Z"),
        ("2022-09-26T07:00:00Z", "2022-09-26T07:00:00Z"),
        ("2022-09-26T07:00:00.123456Z", "2022-09-26T07:00:00Z"),
        ("2022-09-26", "2022-09-26T00:00:00Z"),
        ("Mon, 26 Sep 2022 07:00:00 GMT", "2022-09-26T07:00:00Z"),
        ("Mon, 26 Sep 2022 10:00:00 +0300", "2022-09-26T07:00:00Z"),
        ("Mon, 26 Sep 2022 07:00:00 -0000", "2022-09-26T07:00:00Z"),
        ("٢٠٢٢-٠٩-٢٦ ٠٧:٠٠:٠٠", "2022-09-26T07:00:00Z"),
        ("2015/7/22 10:00", "2015-07-22T10:00:00Z"),
    ],
)
def test_feed_forms_become_rfc3339_utc(value, expected):
    assert _published(value, ingested_ms=1_700_000_000_000) == (expected, "feed")


def test_corpus_dates_are_read_in_the_source_time_zone():
    assert _published("2015-07-22 00:05:53", "Asia/Riyadh") == ("2015-07-21T21:05:53Z", "feed")
    # RFC 2822 without a zone is local time too; an explicit offset is not.
    assert _published("Wed, 22 Jul 2015 00:05:53", "Asia/Riyadh").value == "2015-07-21T21:05:53Z"
    assert _published("2015-07-22T00:05:53+00:00", "Asia/Riyadh").value == "2015-07-22T00:05:53Z"


@pytest.mark.parametrize(
    ("value", "status"), [(None, "missing"), ("", "missing"), ("  ", "missing")]
)
def test_missing_dates_fall_back_to_ingestion(value, status):
    assert _published(value) == (INGESTED, status)


@pytest.mark.parametrize(
    "value", ["yesterday", "2022-13-45 10:00", "0001-01-01T00:00:00+03:00", "منذ ساعة"]
)
def test_unreadable_dates_fall_back_to_ingestion(value):
    assert _published(value) == (INGESTED, "unparseable")


def test_future_dates_beyond_the_tolerance_are_flagged_and_kept():
    assert _published("2015-07-22T00:20:53Z") == ("2015-07-22T00:20:53Z", "feed")  # 15 min
    assert _published("2015-07-22T00:20:54Z") == ("2015-07-22T00:20:54Z", "future")
    # A local time read as UTC is three hours ahead: the typical wrong zone.
    assert _published("2015-07-22 03:05:53").status == "future"
    assert _published("2015-07-22 03:05:53", "Asia/Riyadh").status == "feed"


def test_without_an_ingestion_time_nothing_is_future():
    assert _published("2099-01-01T00:00:00Z", ingested_ms=None).status == "feed"
    assert _published(None, ingested_ms=None) == ("1970-01-01T00:00:00.000Z", "missing")
