"""POST /articles bodies are judged exactly as the ingest agent judges Kafka
messages: same reasons, same ids, same bytes."""

from __future__ import annotations

import orjson
import pytest

from streams.kafka_io import message_key
from streams.models import Origin
from streams.pipeline import Pipeline, Result
from streams.settings import Settings
from streams.web.ingest import Accepted, Rejected, parse_articles

SETTINGS = Settings(max_message_bytes=4096, max_body_chars=500)
GOOD = {"source": "sabq", "title": "روسيا وأوكرانيا", "body": "نص الخبر", "url": "http://x/1"}
OTHER = {"source": "spa", "title": "Kazakhstan", "body": "Astana news", "url": "http://x/2"}


def test_one_object_is_produced_as_sent_keyed_like_the_kafka_producer():
    body = orjson.dumps(GOOD)
    parsed = parse_articles(body, SETTINGS)
    assert isinstance(parsed, Accepted)
    assert parsed.messages == [(message_key(body), body)]


def test_an_array_gives_one_message_per_article_in_order():
    parsed = parse_articles(orjson.dumps([GOOD, OTHER]), SETTINGS)
    assert isinstance(parsed, Accepted)
    assert parsed.ids == [message_key(orjson.dumps(GOOD)), message_key(orjson.dumps(OTHER))]
    assert [orjson.loads(raw) for _, raw in parsed.messages] == [GOOD, OTHER]


def test_one_bad_article_rejects_the_batch_with_its_index_and_reason():
    bad = {"source": "s", "title": 5, "body": "b"}
    parsed = parse_articles(orjson.dumps([GOOD, bad, OTHER, "text"]), SETTINGS)
    assert isinstance(parsed, Rejected)
    assert [(e["index"], e["reason"]) for e in parsed.errors] == [
        (1, "schema"),
        (3, "not_an_object"),
    ]
    assert all(e["error"] for e in parsed.errors)


def test_an_empty_array_is_rejected():
    parsed = parse_articles(b"[]", SETTINGS)
    assert isinstance(parsed, Rejected)
    assert parsed.errors[0]["reason"] == "empty"


BODIES = [
    b"{not json",
    b"\xff\xfe not utf-8",
    b"42",
    orjson.dumps({"source": "s", "title": " ", "body": ""}),
    orjson.dumps({"source": "s", "title": "t", "body": "x" * 501}),
    orjson.dumps({"source": "s", "title": "t", "body": "x" * 5000}),
]


@pytest.mark.parametrize("body", BODIES)
def test_same_reason_as_the_ingest_agent_would_dead_letter(body):
    dead = Pipeline(SETTINGS).prepare(body, Origin("articles.raw", 0, 0, None))
    assert isinstance(dead, Result)
    expected = dead.messages[0].value
    parsed = parse_articles(body, SETTINGS)
    assert isinstance(parsed, Rejected)
    [error] = parsed.errors
    assert (error["reason"], error["error"], error["id"]) == (
        expected["reason"],
        expected["error"],
        expected["id"],
    )
