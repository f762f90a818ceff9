"""The synchronous Kafka side against a real broker.

Each test uses its own topic prefix (the ``settings`` fixture in conftest),
so tests never see each other's messages.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import orjson
import pytest

from streams import kafka_io
from streams.ids import article_id
from streams.kafka_io import (
    KafkaUnavailable,
    TopicCreator,
    TopicNotFound,
    ensure_core_topics,
    ensure_topics,
    message_key,
    produce,
    read_all,
    subscribe,
    topic_counts,
    topic_pattern,
)
from streams.settings import Settings
from streams.sources import SourceRecord, iter_records

ARTICLES = [
    {"id": "given-1", "source": "wire", "title": "One", "body": "First body."},
    {"source": "wire", "url": "https://example.com/2", "title": "Two", "body": "Second."},
    {"source": "local", "title": "Three", "body": "Third."},
    {"source": "okaz", "title": "أربعة", "body": "نص الخبر", "language": "ar"},
]
MALFORMED = b'{"title": "cut off'


def send(settings: Settings, logical_topic: str, *values: dict[str, object]) -> None:
    records = [SourceRecord(orjson.dumps(v), "test") for v in values]
    report = produce(settings, records, topic=settings.topic(logical_topic), progress=False)
    assert report.failed == 0, report.errors


@pytest.mark.integration
def test_produce_from_jsonl_with_rate_and_read_back(settings: Settings, tmp_path: Path) -> None:
    # the settings fixture already created the core topics
    assert ensure_core_topics(settings) == [], "existing topics are left alone"
    extra = settings.topic("extra.topic")
    assert ensure_topics(settings, [extra]) == [extra]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\n".join([*map(orjson.dumps, ARTICLES), MALFORMED]) + b"\n")

    rate = 10.0
    report = produce(settings, iter_records([feed]), rate=rate, progress=False, total=5)

    assert (report.sent, report.failed, report.errors) == (5, 0, [])
    assert report.topic == settings.topic("articles.raw")
    assert report.seconds >= 4 / rate, "5 messages at 10/s need at least 0.4 s"
    expected_keys = [article_id(a) for a in ARTICLES]
    expected_keys.append("b-" + hashlib.sha256(MALFORMED).hexdigest()[:20])
    assert report.ids == expected_keys

    messages = read_all(settings, settings.topic("articles.raw"))
    assert len(messages) == 5
    by_key = {m["key"]: m for m in messages}
    assert set(by_key) == set(expected_keys)
    assert [by_key[article_id(a)]["value"] for a in ARTICLES] == ARTICLES
    assert by_key[expected_keys[-1]]["value"] == MALFORMED.decode()
    assert by_key["given-1"]["topic"] == settings.topic("articles.raw")


@pytest.mark.integration
def test_subscribe_matches_two_topics_by_regex(settings: Settings) -> None:
    ensure_core_topics(settings)
    send(settings, "articles.enriched", *ARTICLES[:2])
    send(settings, "articles.deadletter", ARTICLES[2])
    send(settings, "articles.raw", ARTICLES[3])

    patterns = [r"articles\.enriched", r"articles\.deadletter"]
    everything = list(subscribe(settings, patterns, from_beginning=True, max_messages=3, timeout=5))
    assert sorted(m["topic"] for m in everything) == sorted(
        settings.topic(t) for t in ("articles.enriched", "articles.enriched", "articles.deadletter")
    )
    first_two = list(subscribe(settings, patterns, from_beginning=True, max_messages=2, timeout=5))
    assert len(first_two) == 2
    assert list(subscribe(settings, patterns, timeout=1)) == [], "no new messages since start"


@pytest.mark.integration
def test_subscribe_reads_topics_created_while_watching(settings: Settings) -> None:
    topic = settings.topic("entity.person.new")

    def create_and_send() -> None:
        time.sleep(1)
        ensure_topics(settings, [topic], partitions=1)
        send(settings, "entity.person.new", ARTICLES[0])

    writer = threading.Thread(target=create_and_send)
    writer.start()
    messages = list(subscribe(settings, [r"entity\..*"], timeout=15, max_messages=1))
    writer.join()
    assert [(m["topic"], m["value"]) for m in messages] == [(topic, ARTICLES[0])]


@pytest.mark.integration
def test_topic_creator_keeps_one_client_and_reconnects_after_a_failure(
    settings: Settings,
) -> None:
    creator = TopicCreator(settings)
    one, two, three = (settings.topic(f"entity.person.creator-{n}") for n in range(3))
    try:
        assert creator.ensure([one, two], partitions=2) == [one, two]
        client = creator._admin
        assert creator.ensure([two, three], partitions=2) == [three], "only new ones"
        assert creator._admin is client, "the client is kept between calls"
        with pytest.raises(Exception, match=r"(?i)invalid"):
            creator.ensure([settings.topic("not a valid topic name!")])
        assert creator._admin is None, "a failed call drops its client"
        assert creator.ensure([one, settings.topic("entity.person.creator-3")]) == [
            settings.topic("entity.person.creator-3")
        ], "the next call connects afresh"
    finally:
        creator.close()


@pytest.mark.integration
def test_subscribe_with_group_resumes_after_committed_offsets(settings: Settings) -> None:
    ensure_core_topics(settings)
    send(settings, "articles.enriched", *ARTICLES[:3])
    group = f"{settings.topic_prefix}group"
    pattern = [r"articles\.enriched"]
    first = list(subscribe(settings, pattern, from_beginning=True, max_messages=1, group_id=group))
    rest = list(subscribe(settings, pattern, max_messages=2, timeout=60, group_id=group))
    assert len(first) + len(rest) == 3
    assert {m["key"] for m in first + rest} == {article_id(a) for a in ARTICLES[:3]}


@pytest.mark.integration
def test_topic_counts_and_missing_topics(settings: Settings) -> None:
    ensure_topics(settings, [settings.topic(f"entity.{k}") for k in ("person.a", "place.b")])
    send(settings, "entity.person.a", *ARTICLES[:3])
    send(settings, "entity.place.b", ARTICLES[3])
    assert topic_counts(settings) == {
        settings.topic("entity.person.a"): 3,
        settings.topic("entity.place.b"): 1,
    }
    assert topic_counts(settings, r"entity\.place\..*") == {settings.topic("entity.place.b"): 1}
    assert topic_counts(settings, r"nothing\..*") == {}
    with pytest.raises(TopicNotFound):
        read_all(settings, settings.topic("articles.missing"))


def test_unreachable_broker_is_one_readable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kafka_io, "BOOTSTRAP_TIMEOUT_MS", 1_000)
    with pytest.raises(KafkaUnavailable, match=r"^no Kafka broker answers at 127\.0\.0\.1:1 "):
        topic_counts(Settings(bootstrap_servers="127.0.0.1:1"))


def test_message_keys_are_deterministic() -> None:
    assert message_key(orjson.dumps(ARTICLES[0])) == "given-1"
    assert message_key(orjson.dumps(ARTICLES[1])) == article_id(ARTICLES[1])
    assert message_key(b"[1, 2]") == message_key(b"[1, 2]") != message_key(b"[1, 3]")
    assert message_key(b"\xff\xfe").startswith("b-")


def test_patterns_match_whole_logical_names_under_the_prefix() -> None:
    regex = topic_pattern(Settings(topic_prefix="p."), [r"entity\..*", r"articles\.raw"])
    assert regex.match("p.entity.person.x")
    assert regex.match("p.articles.raw")
    assert not regex.match("p.articles.raw.v2"), "patterns match the whole name"
    assert not regex.match("entity.person.x"), "topics outside the prefix are not ours"
    assert not regex.match("q.entity.person.x")
