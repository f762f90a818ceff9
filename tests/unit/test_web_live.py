"""The live page's data: rates over a sliding minute, latest articles with
their chips, trending sums over the tumbling windows of the last hour."""

from __future__ import annotations

from streams.models import Message
from streams.web.live import LATEST_ARTICLES, RATE_WINDOW, LiveFeed, trending_counts


def _article(n: int, entities=()) -> dict:
    return {
        "id": f"a-{n}",
        "title": f"خبر {n}",
        "source": "sabq",
        "url": None,
        "language": "ar",
        "published_at": "2026-01-01T00:00:00Z",
        "entities": [
            {
                "id": e,
                "type": "location",
                "name": e,
                "name_ar": None,
                "topic": None,
                "salience": 0.5,
            }
            for e in entities
        ],
    }


def _enriched(n: int, entities=()) -> list[Message]:
    return [Message("articles.enriched", f"a-{n}", _article(n, entities))]


def test_rates_count_the_last_window_only():
    feed = LiveFeed(started=0.0)
    for second in range(100):
        feed.record("enriched", _enriched(second), now=float(second))
    feed.record("deadletter", [Message("dl", "x", {})], now=99.0)
    rates = feed.rates(now=100.0)
    in_window = sum(1 for s in range(100) if s >= 100 - RATE_WINDOW)
    assert rates["enriched_per_s"] == in_window / RATE_WINDOW
    assert rates["deadletters_per_s"] == 1 / RATE_WINDOW
    assert rates["deadletter_share"] == 1 / (in_window + 1)


def test_a_young_worker_divides_by_its_age():
    feed = LiveFeed(started=100.0)
    for i in range(10):
        feed.record("duplicate", [Message("d", "k", {})], now=101.0 + i / 10)
    assert feed.rates(now=105.0)["duplicates_per_s"] == 10 / 5.0


def test_latest_articles_newest_first_with_labels_kept():
    feed = LiveFeed(started=0.0)
    for n in range(LATEST_ARTICLES + 5):
        feed.record("enriched", _enriched(n, [f"e{n}"]), now=float(n))
    ids = [a["id"] for a in feed.latest]
    assert len(ids) == LATEST_ARTICLES
    assert ids[0] == f"a-{LATEST_ARTICLES + 4}"
    assert feed.latest[0]["entities"][0]["id"] == f"e{LATEST_ARTICLES + 4}"
    assert feed.labels["e0"]["name"] == "e0"


def test_trending_sums_windows_ending_within_the_horizon():
    windows = [
        (("cldr:RU", (0.0, 59.999)), 4),  # ended more than an hour before now
        (("cldr:RU", (3600.0, 3659.999)), 2),
        (("cldr:RU", (3660.0, 3719.999)), 1),
        (("cldr:UA", (3660.0, 3719.999)), 5),
    ]
    counts = trending_counts(windows, now=3700.0, horizon=3600.0)
    assert counts == {"cldr:RU": 3, "cldr:UA": 5}
    assert counts.most_common(1) == [("cldr:UA", 5)]
