"""The worker on a real broker: the outcome invariant, malformed input, crashes."""

from __future__ import annotations

import random
import time
from collections import Counter

import orjson
import pytest

from streams import schemas
from streams.ids import article_id
from streams.kafka_io import TopicNotFound, produce, read_all
from streams.offline import process_files
from streams.outcomes import OutcomeWatcher
from streams.pipeline import decode_original
from streams.sources import SourceRecord, iter_records
from tests.conftest import SEEDS

pytestmark = pytest.mark.integration

OUTCOME_TIMEOUT = 240.0
OUTPUT_SCHEMAS = {
    "articles.enriched": schemas.ENRICHED,
    "articles.duplicates": schemas.DUPLICATE,
    "articles.deadletter": schemas.DEADLETTER,
}


def _records(values: list[bytes]) -> list[SourceRecord]:
    return [SourceRecord(value, f"test:{i}") for i, value in enumerate(values)]


def _all_outcomes(settings) -> dict[str, list[dict]]:
    return {
        name: read_all(settings, settings.topic(name))
        for name in ("articles.enriched", "articles.duplicates", "articles.deadletter")
    }


def _records_of(settings, topic: str, timeout: float = 60.0) -> list[dict]:
    """The records of an entity topic, waiting for the worker to create and fill it
    (entity-topic records may land after the article's enriched record)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            records = read_all(settings, topic)
        except TopicNotFound:
            records = []
        if records or time.monotonic() > deadline:
            return records
        time.sleep(0.5)


def _distinct_ids(records: list[dict]) -> set[str]:
    return {r["key"] for r in records}


def test_seed_reaches_its_entity_topics(settings, worker):
    watcher = OutcomeWatcher(settings)
    report = produce(settings, iter_records([SEEDS]), progress=False)
    outcomes = watcher.wait_for(report.ids, OUTCOME_TIMEOUT, worker.alive)
    assert outcomes.ids() == set(report.ids), worker.log()
    (article,) = outcomes.by_topic[settings.topic("articles.enriched")].values()
    assert schemas.errors(schemas.ENRICHED, article) == []
    for slug in ("russia", "ukraine", "kazakhstan"):
        records = _records_of(settings, settings.topic(f"entity.location.{slug}"))
        assert [r["key"] for r in records] == report.ids
        assert records[0]["value"]["article"]["id"] == article["id"]
        assert schemas.errors(schemas.ENTITY_MESSAGE, records[0]["value"]) == []


def test_resent_article_is_enriched_again_not_a_duplicate(settings, worker):
    """A producer re-sending an article makes a new raw record: same outcome and
    key, and a value that differs only in where and when that record arrived.
    (Re-delivery of the *same* record after a crash is byte-identical; see the
    kill -9 test.)"""
    watcher = OutcomeWatcher(settings)
    first = produce(settings, iter_records([SEEDS]), progress=False)
    assert watcher.wait_for(first.ids, OUTCOME_TIMEOUT, worker.alive).ids() == set(first.ids), (
        worker.log()
    )
    produce(settings, iter_records([SEEDS]), progress=False)
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    while time.monotonic() < deadline:
        enriched = read_all(settings, settings.topic("articles.enriched"))
        if len(enriched) == 2:
            break
        time.sleep(0.5)
    assert len(enriched) == 2, worker.log()
    assert enriched[0]["key"] == enriched[1]["key"]
    arrival = {"origin", "ingested_at"}
    if enriched[0]["value"]["published_at_status"] != "feed":
        arrival.add("published_at")  # no usable feed date: it falls back to ingested_at
    first_value, second_value = (
        {k: v for k, v in record["value"].items() if k not in arrival} for record in enriched
    )
    assert orjson.dumps(first_value) == orjson.dumps(second_value)
    assert read_all(settings, settings.topic("articles.duplicates")) == []


def test_malformed_input_all_dead_letters_and_worker_stays_up(settings, worker):
    rng = random.Random(2)
    crafted = [
        b"not json",
        b'{"source": "s", "title": ',
        orjson.dumps({"source": "s", "title": 42, "body": ["x"]}),
        orjson.dumps({"source": "s", "title": "  ", "body": ""}),
        b"\xff\xfe\xfa invalid utf-8",
        orjson.dumps({"source": "s", "title": "big", "body": "x" * (5 * 1024 * 1024)}),
    ]
    randoms = [rng.randbytes(rng.randint(1, 200)) for _ in range(10_000)]
    watcher = OutcomeWatcher(settings)
    report = produce(settings, _records(crafted + randoms), progress=False)
    valid = produce(settings, iter_records([SEEDS]), progress=False)
    outcomes = watcher.wait_for(report.ids + valid.ids, OUTCOME_TIMEOUT, worker.alive)
    assert worker.alive(), worker.log()
    dead = outcomes.by_topic[settings.topic("articles.deadletter")]
    assert set(report.ids) <= set(dead), worker.log()
    assert set(valid.ids) <= set(outcomes.by_topic[settings.topic("articles.enriched")])
    reasons = Counter(dead[key]["reason"] for key in report.ids)
    assert all(dead[key]["error"] for key in report.ids)
    assert reasons["too_large"] == 1
    assert {"invalid_json", "schema", "invalid_utf8"} <= set(reasons)
    originals = {decode_original(dead[key]) for key in report.ids}
    assert set(crafted) <= originals


@pytest.mark.corpus
def test_corpus_day_every_article_has_exactly_one_outcome(settings, worker, corpus_day, tmp_path):
    watcher = OutcomeWatcher(settings)
    report = produce(settings, iter_records([corpus_day]), progress=False)
    outcomes = watcher.wait_for(report.ids, 600, worker.alive)
    assert report.sent == 2050
    topics = _all_outcomes(settings)
    ids = {name: _distinct_ids(records) for name, records in topics.items()}
    assert ids["articles.enriched"] | ids["articles.duplicates"] | ids[
        "articles.deadletter"
    ] == set(report.ids), worker.log()
    assert sum(len(v) for v in ids.values()) == len(set(report.ids))
    offline = process_files([corpus_day], tmp_path / "offline", settings, progress=False)
    assert offline.outcomes == Counter(
        {
            "enriched": len(ids["articles.enriched"]),
            "duplicate": len(ids["articles.duplicates"]),
            "deadletter": len(ids["articles.deadletter"]),
        }
    )
    assert outcomes.records >= 2050
    # Independent ground truth: articles whose raw title and body are identical.
    # In each such group at most one is enriched (none when the first copy the
    # worker saw was itself a near-duplicate of an earlier article); every other
    # copy is reported as a duplicate.
    groups: dict[tuple[str, str], set[str]] = {}
    for record in iter_records([corpus_day]):
        raw = orjson.loads(record.value)
        if raw["body"].strip():
            groups.setdefault((raw["title"], raw["body"]), set()).add(article_id(raw))
    repeated = [members for members in groups.values() if len(members) > 1]
    assert sum(len(members) - 1 for members in repeated) >= 50
    for members in repeated:
        enriched_members = members & ids["articles.enriched"]
        assert len(enriched_members) <= 1
        assert members - enriched_members <= ids["articles.duplicates"]
    for name, records in topics.items():
        schema = OUTPUT_SCHEMAS[name]
        assert all(schemas.errors(schema, r["value"]) == [] for r in records), name
