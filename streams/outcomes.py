"""Watch the outcome topics for the fate of given article ids.

Used by ``newsstreams demo`` and the integration tests to wait until every
produced article has reached exactly one of: enriched, duplicate notice,
dead letter. Positions are captured *before* producing, so only new
outcomes count.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import orjson
from kafka import KafkaConsumer, TopicPartition

from streams.settings import Settings

OUTCOME_TOPICS = ("articles.enriched", "articles.duplicates", "articles.deadletter")


@dataclass
class Outcomes:
    """Outcome records seen per topic, keyed by article id (last one wins)."""

    by_topic: dict[str, dict[str, dict]] = field(default_factory=dict)
    records: int = 0

    def ids(self) -> set[str]:
        return {key for seen in self.by_topic.values() for key in seen}

    def count(self, topic: str) -> int:
        return len(self.by_topic.get(topic, {}))


class OutcomeWatcher:
    """Consumer positioned at the current end of the outcome topics."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = [settings.topic(name) for name in OUTCOME_TOPICS]
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            isolation_level="read_committed",
            enable_auto_commit=False,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=32 * 1024 * 1024,
        )
        partitions = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]
        self.consumer.assign(partitions)
        self.consumer.seek_to_end(*partitions)
        for tp in partitions:  # resolve the lazy seek now, before anything is produced
            self.consumer.position(tp)

    def wait_for(
        self, ids: Iterable[str], timeout: float, alive: Callable[[], bool] = lambda: True
    ) -> Outcomes:
        """Read outcomes until every id in ``ids`` has one, ``timeout`` seconds
        pass, or ``alive()`` turns false (the worker died: no point waiting)."""
        wanted = set(ids)
        outcomes = Outcomes({topic: {} for topic in self.topics})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not wanted <= outcomes.ids() and alive():
            for tp, batch in self.consumer.poll(timeout_ms=500).items():
                for record in batch:
                    key = record.key.decode("utf-8") if record.key else ""
                    outcomes.by_topic[tp.topic][key] = orjson.loads(record.value)
                    outcomes.records += 1
        return outcomes

    def close(self) -> None:
        self.consumer.close()
