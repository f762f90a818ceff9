"""The chained stages, as both the agents and the offline mode run them."""

from __future__ import annotations

import random

import orjson
import pytest

from streams import schemas
from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED, Origin
from streams.pipeline import Pipeline, decode_original
from streams.settings import Settings

ORIGIN = Origin("articles.raw", 1, 42, 1_664_000_000_000)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(max_message_bytes=6 * 1024 * 1024, max_body_chars=1_000_000))


def _raw(title: str, body: str, **extra) -> bytes:
    return orjson.dumps({"source": "seed", "title": title, "body": body, **extra})


def test_seed_article_is_enriched_tagged_and_routed(pipeline, seed_text):
    result = pipeline.process(_raw(*seed_text), ORIGIN, {})
    assert result.outcome == OUTCOME_ENRICHED
    enriched, *rest = result.messages
    assert enriched.topic == "articles.enriched"
    assert schemas.errors(schemas.ENRICHED, enriched.value) == []
    entity_messages = [m for m in rest if m.topic.startswith("entity.")]
    registry = [m for m in rest if m.topic == "entities.registry"]
    assert len(entity_messages) + len(registry) == len(rest)
    topics = {m.topic for m in entity_messages}
    assert {
        "entity.location.russia",
        "entity.location.ukraine",
        "entity.location.kazakhstan",
    } <= topics
    for message in entity_messages:
        assert message.key == enriched.key
        assert schemas.errors(schemas.ENTITY_MESSAGE, message.value) == []
        assert message.value["article"] == enriched.value
    # one registry record per entity that reached a topic, keyed by entity id
    assert sorted(m.key for m in registry) == sorted(
        m.value["entity"]["id"] for m in entity_messages
    )
    for message in registry:
        assert message.value["id"] == message.key and message.value["topic"] in topics
        assert schemas.errors("entity.registry", message.value) == []


def test_exact_copy_is_a_duplicate_and_redelivery_is_identical(pipeline, seed_text):
    store: dict = {}
    first = pipeline.process(_raw(*seed_text, id="one"), ORIGIN, store)
    again = pipeline.process(_raw(*seed_text, id="one"), ORIGIN, store)
    copy = pipeline.process(_raw(seed_text[0] + "!", seed_text[1], id="two"), ORIGIN, store)
    assert first.outcome == again.outcome == OUTCOME_ENRICHED
    assert [orjson.dumps(m.value) for m in first.messages] == [
        orjson.dumps(m.value) for m in again.messages
    ]
    assert copy.outcome == OUTCOME_DUPLICATE
    (notice,) = copy.messages
    assert notice.topic == "articles.duplicates"
    assert notice.value["duplicate_of"] == "one"
    assert schemas.errors(schemas.DUPLICATE, notice.value) == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json at all", "invalid_json"),
        (b"\xc3\x28 invalid utf-8", "invalid_utf8"),
        (orjson.dumps({"source": 1, "title": [], "body": {}}), "schema"),
        (orjson.dumps({"source": "s", "title": "", "body": ""}), "schema"),
        (_raw("t", "x" * (5 * 1024 * 1024)), "too_large"),
    ],
)
def test_malformed_input_becomes_a_dead_letter_with_original_bytes(pipeline, raw, reason):
    result = pipeline.process(raw, ORIGIN, {}, raw_key="k1")
    assert result.outcome == OUTCOME_DEADLETTER
    (message,) = result.messages
    assert message.topic == "articles.deadletter"
    assert message.value["reason"] == reason
    assert message.value["error"]
    assert decode_original(message.value) == raw
    assert message.value["origin"] == ORIGIN.as_dict()
    assert schemas.errors(schemas.DEADLETTER, message.value) == []


def test_dead_letter_key_falls_back_to_raw_key_then_coordinates(pipeline):
    assert pipeline.process(b"{", ORIGIN, {}, raw_key="k1").messages[0].key == "k1"
    assert pipeline.process(b"{", ORIGIN, {}).messages[0].key == "dl-articles.raw-1-42"


def test_exception_inside_a_stage_dead_letters_that_article_only(pipeline, seed_text, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("tagger exploded")

    monkeypatch.setattr(pipeline.tagger, "tag", boom)
    result = pipeline.process(_raw(*seed_text, id="x"), ORIGIN, {})
    assert result.outcome == OUTCOME_DEADLETTER
    dead = result.messages[0].value
    assert (dead["stage"], dead["reason"], dead["id"]) == ("tag", "stage_error", "x")
    assert "tagger exploded" in dead["error"]
    assert decode_original(dead) == _raw(*seed_text, id="x")
    monkeypatch.undo()
    assert pipeline.process(_raw(*seed_text, id="y"), ORIGIN, {}).outcome == OUTCOME_ENRICHED


def test_ten_thousand_random_byte_strings_all_dead_letter(pipeline):
    rng = random.Random(7)
    outcomes = {
        pipeline.process(rng.randbytes(rng.randint(0, 300)), ORIGIN, {}).outcome
        for _ in range(10_000)
    }
    assert outcomes == {OUTCOME_DEADLETTER}
