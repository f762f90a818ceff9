"""No input can make a stage raise: property tests plus 10,000 crafted messages."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams import schemas
from streams.models import OUTCOME_DEADLETTER, Origin
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.slug import entity_topic, is_topic_name, slugify
from streams.text.normalize import clean_text, matching_form
from tests.hostile import MAX_BODY_CHARS, malformed

ORIGIN = Origin("articles.raw", 0, 0, 0)
OUTPUT_SCHEMAS = {
    "articles.enriched": schemas.ENRICHED,
    "articles.duplicates": schemas.DUPLICATE,
    "articles.deadletter": schemas.DEADLETTER,
    "entities.registry": "entity.registry",
}
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(max_body_chars=MAX_BODY_CHARS))


def _check_result(result) -> None:
    for message in result.messages:
        schema = OUTPUT_SCHEMAS.get(message.topic, schemas.ENTITY_MESSAGE)
        assert schemas.errors(schema, message.value) == [], message.topic
        assert is_topic_name(message.topic)
        orjson.dumps(message.value)


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_give_one_valid_outcome(pipeline, raw):
    _check_result(pipeline.process(raw, ORIGIN, {}))


@PROPERTY
@given(
    st.fixed_dictionaries(
        {"source": st.text(min_size=1, max_size=30), "title": st.text(), "body": st.text()},
        optional={
            "url": st.text(),
            "published_at": st.one_of(st.none(), st.text()),
            "language": st.one_of(st.none(), st.text(max_size=8)),
            "author": st.one_of(st.none(), st.text()),
            "id": st.text(max_size=40),
        },
    )
)
def test_any_article_shaped_object_gives_one_valid_outcome(pipeline, article):
    try:
        raw = orjson.dumps(article)
    except orjson.JSONEncodeError:  # lone surrogates cannot be sent as UTF-8 at all
        return
    _check_result(pipeline.process(raw, ORIGIN, {}))


@PROPERTY
@given(st.text(), st.text())
def test_tagger_never_raises_and_offsets_point_at_the_mention(pipeline, title, body):
    title, body = clean_text(title), clean_text(body)
    for entity in pipeline.tagger.tag(title, body):
        assert is_topic_name(entity["topic"])
        for mention in entity["mentions"]:
            text = title if mention["field"] == "title" else body
            assert text[mention["start"] : mention["end"]] == mention["text"]


@PROPERTY
@given(st.text())
def test_text_forms_and_slugs_are_total(text):
    assert matching_form(clean_text(text)) == matching_form(text)
    slug = slugify(text)
    assert is_topic_name(entity_topic("person", slug))


def test_ten_thousand_malformed_messages_all_dead_letter_with_a_reason(pipeline):
    reasons: Counter[str] = Counter()
    for kind, raw in malformed(10_000):
        result = pipeline.process(raw, ORIGIN, {})
        assert result.outcome == OUTCOME_DEADLETTER, (kind, raw[:120])
        dead = result.messages[0].value
        assert dead["error"]
        reasons[dead["reason"]] += 1
    assert set(reasons) >= {"invalid_json", "invalid_utf8", "schema", "too_large", "no_text"}
