"""Dedup inside the pipeline: notices, story ids, the wire form, re-delivery."""

from __future__ import annotations

import orjson
import pytest

from streams import schemas
from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED, Origin
from streams.pipeline import Pipeline, Prepared, Result, decode_original
from streams.settings import Settings

ORIGIN = Origin("articles.raw", 1, 42, 1_664_000_000_000)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings())


def _raw(article_id: str, title: str, body: str) -> bytes:
    return orjson.dumps({"id": article_id, "source": "seed", "title": title, "body": body})


@pytest.fixture
def texts(seed_text) -> tuple[str, str, str]:
    """The seed's title, its body, and the body with two words edited."""
    title, body = seed_text
    words = body.split()
    words[30], words[90] = "تعديل", "تحرير"
    return title, body, " ".join(words)


def test_near_copy_is_a_duplicate_notice_and_originals_carry_their_story(pipeline, texts):
    title, body, edited = texts
    store: dict = {}
    original = pipeline.process(_raw("one", title, body), ORIGIN, store)
    copy = pipeline.process(_raw("two", title, edited), ORIGIN, store)
    assert original.outcome == OUTCOME_ENRICHED
    enriched, *entity_messages = original.messages
    assert enriched.value["story_id"] == "one"
    assert all(
        m.value["article"]["story_id"] == "one"
        for m in entity_messages
        if m.topic.startswith("entity.")
    )
    assert copy.outcome == OUTCOME_DUPLICATE
    (notice,) = copy.messages
    assert notice.key == "two" and notice.topic == "articles.duplicates"
    assert notice.value["duplicate_of"] == "one" and notice.value["method"] == "near"
    assert 0.8 <= notice.value["similarity"] < 1 and notice.value["story_id"] == "one"
    assert schemas.errors(schemas.DUPLICATE, notice.value) == []


def test_redelivery_gives_byte_identical_outcomes(pipeline, texts):
    title, body, edited = texts
    store: dict = {}
    first = [
        pipeline.process(_raw(i, title, text), ORIGIN, store)
        for i, text in [("a", body), ("b", edited)]
    ]
    again = [
        pipeline.process(_raw(i, title, text), ORIGIN, store)
        for i, text in [("a", body), ("b", edited)]
    ]
    assert [r.outcome for r in again] == [OUTCOME_ENRICHED, OUTCOME_DUPLICATE]
    for before, after in zip(first, again, strict=True):
        assert [orjson.dumps(m.value) for m in before.messages] == [
            orjson.dumps(m.value) for m in after.messages
        ]


def test_the_sketch_survives_the_signed_topic(pipeline, texts):
    """What the dedup agent decodes from ``articles.signed`` decides as the
    in-process record does."""
    title, body, edited = texts
    direct_store: dict = {}
    wire_store: dict = {}
    for article_id, text in [("a", body), ("b", edited)]:
        prepared = pipeline.prepare(_raw(article_id, title, text), ORIGIN)
        assert isinstance(prepared, Prepared) and prepared.sketch is not None
        wire = Prepared.from_dict(orjson.loads(orjson.dumps(prepared.as_dict())))
        assert wire.key == article_id
        direct = pipeline.dedup(prepared, direct_store)
        decoded = pipeline.dedup(wire, wire_store)
        if isinstance(direct, Result):
            assert orjson.dumps(direct.messages[0].value) == orjson.dumps(decoded.messages[0].value)
        else:
            assert direct.article == decoded.article and "sketch" not in decoded.as_dict()
    assert direct_store == wire_store


def test_a_placeholder_body_has_no_sketch_and_is_never_a_content_duplicate(pipeline):
    store: dict = {}
    cartoon = [pipeline.process(_raw(i, "كاريكاتير", "الكاريكاتير"), ORIGIN, store) for i in "ab"]
    assert [r.outcome for r in cartoon] == [OUTCOME_ENRICHED, OUTCOME_ENRICHED]
    assert pipeline.prepare(_raw("c", "كاريكاتير", "الكاريكاتير"), ORIGIN).sketch is None


def test_a_failing_dedup_store_dead_letters_the_article_with_its_bytes(pipeline, texts):
    class Broken(dict):
        def __setitem__(self, key, value):
            raise OSError("disk on fire")

    raw = _raw("x", texts[0], texts[1])
    result = pipeline.process(raw, ORIGIN, Broken())
    assert result.outcome == OUTCOME_DEADLETTER
    (dead,) = result.messages
    assert dead.value["stage"] == "dedup" and "disk on fire" in dead.value["error"]
    assert decode_original(dead.value) == raw
