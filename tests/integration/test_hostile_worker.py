"""10,000 malformed messages through a real worker: all dead letters, no crash."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from streams.kafka_io import produce
from streams.outcomes import OutcomeWatcher
from streams.pipeline import decode_original
from streams.sources import SourceRecord, iter_records
from tests.conftest import SEEDS
from tests.hostile import MAX_BODY_CHARS, malformed

pytestmark = pytest.mark.integration


def test_ten_thousand_malformed_messages(settings, worker):
    hostile = worker.second("hostile")
    hostile.env["NEWSSTREAMS_MAX_BODY_CHARS"] = str(MAX_BODY_CHARS)
    worker.stop()  # this test runs its own worker, with the small body limit
    hostile.start()
    try:
        messages = list(malformed(10_000, seed=7))
        watcher = OutcomeWatcher(settings)
        sent = produce(
            settings, [SourceRecord(raw, kind) for kind, raw in messages], progress=False
        )
        valid = produce(settings, iter_records([SEEDS]), progress=False)
        # Wait for every record, not every distinct id: malformed messages
        # without usable fields share ids, and the last of a shared id may
        # still be on its way when all ids have been seen once.
        outcomes = watcher.wait(
            lambda o: o.records >= len(sent.ids) + len(valid.ids), 600, hostile.alive
        )
        assert hostile.alive(), hostile.log()
        dead = outcomes.by_topic[settings.topic("articles.deadletter")]
        assert set(sent.ids) <= set(dead), hostile.log()
        assert outcomes.count(settings.topic("articles.deadletter")) == len(set(sent.ids))
        assert set(valid.ids) <= set(outcomes.by_topic[settings.topic("articles.enriched")])
        assert all(dead[key]["reason"] and dead[key]["error"] for key in sent.ids)
        reasons = Counter(dead[key]["reason"] for key in set(sent.ids))
        assert {"invalid_json", "invalid_utf8", "schema", "too_large", "no_text"} <= set(reasons)
        dead_topic = settings.topic("articles.deadletter")
        originals = {  # every record, not just the last per key: ids may collide
            decode_original(orjson.loads(value))
            for (topic, _), values in outcomes.variants.items()
            if topic == dead_topic
            for value in values
        }
        assert {raw for _, raw in messages} <= originals
    finally:
        hostile.stop()
