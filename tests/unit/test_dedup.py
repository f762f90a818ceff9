"""The dedup stage on its own: exact, URL and near duplicates, stories, the
window, re-delivery and recovery, with dicts as the store."""

from __future__ import annotations

import random

import orjson
import pytest

from streams import schemas
from streams.stages.dedup import (
    ARTICLE,
    CLOCK,
    MAX_MATCHES,
    SEQ,
    URL,
    DedupConfig,
    Deduplicator,
    event_time_ms,
    url_key,
)
from streams.stages.enrich import content_hash
from streams.stages.minhash import jaccard

DAY = "2015-07-21T10:00:00Z"


def words(start: int, count: int = 200) -> list[str]:
    return [f"word{i}" for i in range(start, start + count)]


def edited(text: list[str], *positions: int) -> list[str]:
    """``text`` with the words at ``positions`` replaced: each replacement far
    from the others removes 5 of the 196 shingles of a 200-word text."""
    copy = list(text)
    for position in positions:
        copy[position] = f"edit{position}"
    return copy


def article(
    article_id: str,
    body: list[str] | str,
    *,
    title: str = "",
    url: str | None = None,
    published_at: str | None = DAY,
    ingested_at: str = "2025-01-01T00:00:00.000Z",
    **extra: object,
) -> dict:
    body_text = body if isinstance(body, str) else " ".join(body)
    return {
        "id": article_id,
        "source": "okaz",
        "url": url,
        "title": title,
        "body": body_text,
        "published_at": published_at,
        "ingested_at": ingested_at,
        "content_hash": content_hash(title, body_text),
        "origin": {"topic": "articles.raw", "partition": 0, "offset": 1, "timestamp": 0},
        **extra,
    }


@pytest.fixture
def dedup() -> Deduplicator:
    return Deduplicator(DedupConfig())


def test_first_article_starts_a_story_and_an_exact_copy_is_a_duplicate_of_it(dedup):
    store: dict = {}
    first = dedup.dedup(article("a", words(0), title="the headline"), store)
    assert not first.is_duplicate and first.story_id == "a"
    copy = dedup.dedup(article("b", words(0), title="the headline"), store)
    assert copy.duplicate_of == "a" and copy.story_id == "a"
    notice = copy.notice(article("b", words(0), title="the headline"))
    assert notice["method"] == "exact"
    assert notice["matches"] == [{"id": "a", "method": "exact", "similarity": 1.0}]
    assert schemas.errors(schemas.DUPLICATE, notice) == []


def test_an_old_body_under_a_new_headline_is_judged_by_the_jaccard_of_both(dedup):
    """enrich's content hash covers a long body alone; dedup's definition is
    the Jaccard of title and body shingles, and only that decides."""
    store: dict = {}
    body = words(0, 40)
    first = article("a", body, title="minister opens the new hospital today")
    retitled = article("b", body, title="hospital inaugurated by health minister")
    assert first["content_hash"] == retitled["content_hash"]
    similarity = jaccard(dedup.sketch(first).shingles, dedup.sketch(retitled).shingles)
    assert 0.4 <= similarity < 0.8  # 6 of 42 shingles replaced: 36 / 48
    dedup.dedup(first, store)
    decision = dedup.dedup(retitled, store)
    assert not decision.is_duplicate and decision.story_id == "a"
    # a long body under a new headline stays above the threshold: a near copy
    dedup.dedup(article("c", words(100), title="one headline"), store)
    copy = dedup.dedup(article("d", words(100), title="another headline"), store)
    assert [(m.id, m.method) for m in copy.matches] == [("c", "near")]
    assert 0.95 < copy.matches[0].similarity < 1.0  # the new headline adds shingles


def test_near_duplicate_at_and_below_the_threshold(dedup):
    store: dict = {}
    original = words(0)
    dedup.dedup(article("a", original), store)
    near = dedup.dedup(article("b", edited(original, 20, 60, 100, 140)), store)  # J = 0.815
    assert near.duplicate_of == "a"
    assert [(m.method, m.similarity) for m in near.matches] == [("near", 0.8148)]
    # six edits against the original: J = 166/226 = 0.73, below 0.8 but the same story
    loose = dedup.dedup(article("c", edited(original, 10, 40, 70, 110, 150, 180)), store)
    assert not loose.is_duplicate and loose.story_id == "a"
    unrelated = dedup.dedup(article("d", words(1000)), store)
    assert not unrelated.is_duplicate and unrelated.story_id == "d"


def test_the_threshold_is_configurable():
    store: dict = {}
    strict = Deduplicator(DedupConfig(threshold=0.9))
    strict.dedup(article("a", words(0)), store)
    assert not strict.dedup(article("b", edited(words(0), 20, 60, 100, 140)), store).is_duplicate


def test_same_canonical_url_labels_a_copy_but_a_rewritten_page_is_a_new_article(dedup):
    store: dict = {}
    dedup.dedup(article("a", words(0), url="http://x/1", canonical_url="https://x/1"), store)
    tracked = "http://x/1?utm_source=t"
    update = dedup.dedup(
        article("b", edited(words(0), 50), url=tracked, canonical_url="https://x/1"), store
    )
    assert update.duplicate_of == "a"
    assert [(m.method, m.similarity) for m in update.matches] == [("url", 0.9502)]  # 191 / 201
    rewritten = dedup.dedup(
        article("c", words(500), url=tracked, canonical_url="https://x/1"), store
    )
    assert not rewritten.is_duplicate and rewritten.story_id == "a"


def test_url_is_the_fallback_when_there_is_no_canonical_url(dedup):
    store: dict = {}
    dedup.dedup(article("a", words(0), url="http://x/1"), store)
    copy = dedup.dedup(article("b", edited(words(0), 50), url="http://x/1"), store)
    assert [(m.id, m.method) for m in copy.matches] == [("a", "url")]


def test_short_texts_and_placeholders_match_by_url_only(dedup):
    store: dict = {}
    cartoon = "الكاريكاتير"
    assert dedup.sketch(article("a", cartoon, title="كاريكاتير")) is None
    first = dedup.dedup(article("a", cartoon, title="كاريكاتير", url="http://x/c1"), store)
    second = dedup.dedup(article("b", cartoon, title="كاريكاتير", url="http://x/c2"), store)
    assert not first.is_duplicate and not second.is_duplicate
    assert second.story_id == "b"  # identical placeholders are different cartoons
    title_only = "عاجل خادم الحرمين يستقبل ولي العهد"  # six words
    dedup.dedup(article("c", "", title=title_only), store)
    assert not dedup.dedup(article("d", "", title=title_only), store).is_duplicate
    same_page = dedup.dedup(article("e", cartoon, title="كاريكاتير", url="http://x/c1"), store)
    assert same_page.duplicate_of == "a"
    assert [(m.method, m.similarity) for m in same_page.matches] == [("url", 1.0)]
    # the full text later fetched from a page first seen as a placeholder
    full = dedup.dedup(article("f", words(0), url="http://x/c1"), store)
    assert not full.is_duplicate and full.story_id == "a"


def test_min_words_is_configurable():
    store: dict = {}
    loose = Deduplicator(DedupConfig(min_words=5))
    loose.dedup(article("a", "", title="one two three four five six"), store)
    assert loose.dedup(article("b", "", title="one two three four five six"), store).is_duplicate


def test_redelivery_replays_the_first_decision(dedup):
    store: dict = {}
    original, copy = article("a", words(0)), article("b", edited(words(0), 50))
    first = dedup.dedup(original, store)
    duplicate = dedup.dedup(copy, store)
    # a re-delivered original is not a duplicate of itself nor of its later copy
    assert dedup.dedup(original, store) == first
    # and a re-delivered duplicate gets the same notice, byte for byte
    again = dedup.dedup(copy, store)
    assert orjson.dumps(again.notice(copy)) == orjson.dumps(duplicate.notice(copy))
    assert dedup.window(store) == 2


def test_resent_article_with_edited_text_keeps_its_decision(dedup):
    store: dict = {}
    dedup.dedup(article("a", words(0)), store)
    assert not dedup.dedup(article("a", words(500)), store).is_duplicate
    assert not dedup.dedup(article("b", words(500)), store).is_duplicate


def test_duplicate_of_is_the_first_of_the_group_and_matches_list_every_copy(dedup):
    store: dict = {}
    a = words(0)
    b = edited(a, 20, 60, 100, 140)  # J(a, b) = 0.815
    c = edited(b, 40, 80, 120, 160)  # J(b, c) = 0.815, J(a, c) = 0.66
    dedup.dedup(article("a", a), store)
    dedup.dedup(article("b", b), store)
    chained = dedup.dedup(article("c", c), store)
    assert chained.duplicate_of == "a"
    assert [m.id for m in chained.matches] == ["b"]
    assert chained.story_id == "a"
    cluster = dedup.dedup(article("d", edited(a, 20, 60)), store)
    assert [m.id for m in cluster.matches] == ["a", "b"]


def test_an_article_near_two_unrelated_originals_lists_both(dedup):
    store: dict = {}
    left, right = words(0, 100), words(5000, 100)
    dedup.dedup(article("left", left + words(9000, 10)), store)
    dedup.dedup(article("right", words(8000, 10) + right), store)
    both = dedup.dedup(article("both", left + right), store)
    # each shares about half the shingles: J < 0.8, the same story as the first
    assert not both.is_duplicate and both.story_id == "left"
    lower = Deduplicator(DedupConfig(threshold=0.45, story_threshold=0.4))
    store = {}
    lower.dedup(article("left", left + words(9000, 10)), store)
    lower.dedup(article("right", words(8000, 10) + right), store)
    both = lower.dedup(article("both", left + right), store)
    assert both.duplicate_of == "left" and [m.id for m in both.matches] == ["left", "right"]


def test_matches_are_capped(dedup):
    store: dict = {}
    text = words(0)
    for i in range(MAX_MATCHES + 5):
        dedup.dedup(article(f"a{i:03d}", edited(text, 100 + i % 3)), store)
    last = dedup.dedup(article("last", text), store)
    assert len(last.matches) == MAX_MATCHES and last.matches[0].id == "a000"


def test_window_expires_by_stream_time(dedup):
    store: dict = {}
    dedup.dedup(article("old", words(0), published_at="2015-07-01T00:00:00Z"), store)
    dedup.dedup(article("mid", words(1000), published_at="2015-07-05T00:00:00Z"), store)
    assert dedup.dedup(
        article("copy", words(0), published_at="2015-07-07T23:00:00Z"), store
    ).is_duplicate
    assert dedup.window(store) == 3
    # eight days after "old": it is gone, "mid" stays
    fresh = dedup.dedup(article("later", words(0), published_at="2015-07-09T01:00:00Z"), store)
    assert fresh.duplicate_of == "old"  # "copy" arrived on 07-07 and is still in the window
    dedup.dedup(
        article("much-later", words(2000), url="http://x/m", published_at="2015-07-16T00:00:00Z"),
        store,
    )
    # nothing of the expired entries is left behind
    assert set(store) == {
        ARTICLE + "later",
        ARTICLE + "much-later",
        SEQ + "3",
        SEQ + "4",
        URL + url_key({"url": "http://x/m"}),
        CLOCK,
    }
    assert not dedup.dedup(article("new", words(1000), published_at=DAY), store).is_duplicate


def test_late_article_is_compared_and_kept_for_a_window_after_it_arrived(dedup):
    store: dict = {}
    dedup.dedup(article("now", words(0), published_at="2015-07-20T00:00:00Z"), store)
    late = dedup.dedup(article("late", words(0), published_at="2015-06-01T00:00:00Z"), store)
    assert late.duplicate_of == "now"
    dedup.dedup(article("other", words(3000), published_at="2015-06-02T00:00:00Z"), store)
    day_later = "2015-07-21T00:00:00Z"
    assert dedup.dedup(article("copy", words(3000), published_at=day_later), store).is_duplicate


def test_event_time_prefers_a_trustworthy_publication_time():
    ingested = "2025-01-01T00:00:00.000Z"
    assert event_time_ms(article("a", "", published_at=DAY)) == 1437472800000
    assert event_time_ms(article("a", "", published_at=None, ingested_at=ingested)) == (
        1735689600000
    )
    future = article("a", "", published_at="2030-01-01T00:00:00Z", published_at_status="future")
    assert event_time_ms(future) == 1735689600000


def test_restart_with_the_same_store_continues_exactly(dedup):
    """A new process (new Deduplicator) over the recovered store decides what an
    uninterrupted one would: the LSH index is rebuilt from the entries."""
    rng = random.Random(5)
    base = [words(i * 300) for i in range(6)]
    stream = [
        article(f"x{i}", edited(rng.choice(base), *rng.sample(range(5, 195), rng.randint(0, 6))))
        for i in range(40)
    ]
    uninterrupted: dict = {}
    expected = [dedup.dedup(a, uninterrupted) for a in stream]
    interrupted: dict = {}
    first_half = [dedup.dedup(a, interrupted) for a in stream[:20]]
    restarted = Deduplicator(DedupConfig())
    recovered = dict(interrupted)
    second_half = [restarted.dedup(a, recovered) for a in stream[20:]]
    assert first_half + second_half == expected
    assert any(d.is_duplicate for d in expected) and not all(d.is_duplicate for d in expected)


def test_index_is_rebuilt_when_the_store_changes_under_it(dedup):
    """A rebalance can hand a worker back its partition with entries another
    worker added meanwhile: the stage notices and re-indexes."""
    store: dict = {}
    dedup.dedup(article("a", words(0)), store)
    other_worker = Deduplicator(DedupConfig())
    other_worker.dedup(article("b", words(1000)), store)
    assert dedup.dedup(article("c", edited(words(1000), 9)), store).duplicate_of == "b"


def test_lost_clock_write_is_caught_up_on_redelivery(dedup):
    store: dict = {}
    dedup.dedup(article("a", words(0)), store)
    before = store[CLOCK]
    dedup.dedup(article("b", words(1000)), store)
    store[CLOCK] = before  # the crash lost the last write of b's step
    fresh = Deduplicator(DedupConfig())
    assert not fresh.dedup(article("b", words(1000)), store).is_duplicate
    assert fresh.dedup(article("c", words(1000)), store).duplicate_of == "b"
    assert fresh.window(store) == 3


def test_config_rejects_a_story_threshold_above_the_dedup_threshold():
    with pytest.raises(ValueError, match="story threshold"):
        DedupConfig(threshold=0.5, story_threshold=0.6)
