"""A consumer stuck in poll is replaced, resuming after the last record read;
a second read from the start is the check before an article is called lost."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from kafka import TopicPartition

from streams import outcomes
from streams.outcomes import OutcomeWatcher
from streams.settings import Settings


@dataclass
class Record:
    key: bytes
    value: bytes
    offset: int


class FakeConsumer:
    """Hands out ``batches`` one per poll; with ``stuck`` set, polls never return
    (as kafka-python 3.0.12's sometimes did)."""

    def __init__(self, batches: list[dict], stuck: bool = False) -> None:
        self.batches = batches
        self.stuck = stuck
        self.seeks: dict[TopicPartition, int] = {}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0}

    def assign(self, partitions: list[TopicPartition]) -> None:
        self.assigned = partitions

    def seek_to_end(self, *partitions: TopicPartition) -> None:
        pass

    def position(self, tp: TopicPartition) -> int:
        return 10

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks[tp] = offset

    def poll(self, timeout_ms: int) -> dict:
        if self.stuck and not self.batches:
            threading.Event().wait()
        return self.batches.pop(0) if self.batches else {}

    def close(self) -> None:
        self.closed = True


class RereadConsumer(FakeConsumer):
    """Reads from the offsets sought to the ``ends`` it reports."""

    def __init__(self, batches: list[dict], ends: dict[TopicPartition, int]) -> None:
        super().__init__(batches)
        self.ends = ends

    def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.ends.get(tp, 10) for tp in partitions}

    def position(self, tp: TopicPartition) -> int:
        return self.seeks.get(tp, 10)

    def poll(self, timeout_ms: int) -> dict:
        batch = super().poll(timeout_ms)
        for tp, records in batch.items():
            self.seeks[tp] = records[-1].offset + 1
        return batch


def test_a_stuck_consumer_is_replaced_at_the_positions_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outcomes, "POLL_STUCK_SECONDS", 0.2)
    settings = Settings.from_env()
    enriched = TopicPartition(settings.topic("articles.enriched"), 0)
    first = FakeConsumer([{enriched: [Record(b"a-1", b'{"id": "a-1"}', 10)]}], stuck=True)
    second = FakeConsumer([{enriched: [Record(b"a-2", b'{"id": "a-2"}', 11)]}])
    consumers = iter([first, second])
    watcher = OutcomeWatcher(settings, connect=lambda _: next(consumers))

    seen = watcher.wait_for({"a-1", "a-2"}, timeout=10)

    assert seen.ids() == {"a-1", "a-2"}
    assert watcher.consumer is second
    assert second.seeks[enriched] == 11, "resumes after the last record read"
    assert second.seeks[TopicPartition(settings.topic("articles.deadletter"), 0)] == 10


def test_a_consumer_that_polls_empty_for_too_long_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outcomes, "POLL_STUCK_SECONDS", 0.2)
    settings = Settings.from_env()
    enriched = TopicPartition(settings.topic("articles.enriched"), 0)
    dead = FakeConsumer([])  # polls return, never with a record
    second = FakeConsumer([{enriched: [Record(b"a-1", b'{"id": "a-1"}', 10)]}])
    consumers = iter([dead, second])
    watcher = OutcomeWatcher(settings, connect=lambda _: next(consumers))

    assert watcher.wait_for({"a-1"}, timeout=10).ids() == {"a-1"}
    assert watcher.consumer is second
    assert second.seeks[enriched] == 10


def test_a_reread_from_the_start_finds_what_the_watcher_missed() -> None:
    settings = Settings.from_env()
    enriched = TopicPartition(settings.topic("articles.enriched"), 0)
    first = FakeConsumer([{enriched: [Record(b"a-1", b'{"id": "a-1"}', 10)]}])
    both = [Record(b"a-1", b'{"id": "a-1"}', 10), Record(b"a-2", b'{"id": "a-2"}', 11)]
    again = RereadConsumer([{enriched: both}], ends={enriched: 12})
    consumers = iter([first, again])
    watcher = OutcomeWatcher(settings, connect=lambda _: next(consumers))
    watcher.poll()
    assert watcher.outcomes.ids() == {"a-1"}  # a-2 never reached this consumer

    reread = watcher.reread(timeout=10)

    assert reread is not None and reread.ids() == {"a-1", "a-2"}
    assert again.seeks[enriched] == 12, "read up to the end it saw"
    assert again.closed
    assert reread.emitted_twice() == 0
