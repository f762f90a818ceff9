"""Watch the outcome topics for the fate of given article ids.

Used by ``newsstreams demo``, the integration tests and the fault suite to
wait until every produced article has reached exactly one of: enriched,
duplicate notice, dead letter — and to count records emitted more than
once. Positions are captured *before* producing, so only new outcomes
count; reads are ``read_committed``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from streams.settings import Settings

OUTCOME_TOPICS = ("articles.enriched", "articles.duplicates", "articles.deadletter")
POLL_STUCK_SECONDS = 30.0
"""How long a consumer may go without returning a record (stuck in a poll,
or polling empty) before it is replaced."""
REREAD_SECONDS = 120.0

log = logging.getLogger("newsstreams.outcomes")


@dataclass
class Outcomes:
    """Outcome records seen so far.

    ``by_topic`` keeps the last value per article id; ``copies`` counts every
    record per (topic, id) and ``variants`` its distinct encoded values, which
    is how re-emissions after a fault are told apart from divergent ones.
    """

    by_topic: dict[str, dict[str, dict]] = field(default_factory=dict)
    copies: Counter[tuple[str, str]] = field(default_factory=Counter)
    variants: dict[tuple[str, str], set[bytes]] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.copies.values())

    def ids(self) -> set[str]:
        return {key for seen in self.by_topic.values() for key in seen}

    def count(self, topic: str) -> int:
        return len(self.by_topic.get(topic, {}))

    def emitted_twice(self) -> int:
        """Records beyond the first for the same topic and article id."""
        return sum(n - 1 for n in self.copies.values())

    def in_several_topics(self) -> set[str]:
        """Article ids with outcomes of more than one kind (must never happen)."""
        seen: Counter[str] = Counter(key for _, key in self.copies)
        return {key for key, n in seen.items() if n > 1}

    def divergent(self) -> set[tuple[str, str]]:
        """(topic, id) pairs emitted with different values (must never happen)."""
        return {pair for pair, values in self.variants.items() if len(values) > 1}

    def add(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Count one outcome record."""
        article = key.decode("utf-8") if key else ""
        pair = (topic, article)
        self.by_topic.setdefault(topic, {})[article] = orjson.loads(value)
        self.copies[pair] += 1
        self.variants.setdefault(pair, set()).add(value)


class OutcomeWatcher:
    """Consumer positioned at the current end of the outcome topics."""

    def __init__(
        self, settings: Settings, connect: Callable[[Settings], KafkaConsumer] | None = None
    ) -> None:
        self.settings = settings
        self.topics = [settings.topic(name) for name in OUTCOME_TOPICS]
        self.outcomes = Outcomes(by_topic={topic: {} for topic in self.topics})
        self._connect = connect or _consumer
        self.consumer = self._connect(settings)
        self._partitions = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]
        self.consumer.assign(self._partitions)
        self.consumer.seek_to_end(*self._partitions)
        # resolved now, before anything is produced; also where a replacement
        # consumer starts (see _poll_guarded)
        self._positions = {tp: self.consumer.position(tp) for tp in self._partitions}
        self._start = dict(self._positions)
        self._heard = time.monotonic()

    def poll(self, timeout_ms: int = 500) -> None:
        """Read whatever arrived into :attr:`outcomes`."""
        batches = self._poll_guarded(timeout_ms)
        if batches:
            self._heard = time.monotonic()
        elif time.monotonic() - self._heard > POLL_STUCK_SECONDS:
            self._replace()
        for tp, batch in batches.items():
            for record in batch:
                self.outcomes.add(tp.topic, record.key, record.value)
                self._positions[tp] = record.offset + 1

    def _poll_guarded(self, timeout_ms: int) -> dict[TopicPartition, list[Any]]:
        """``consumer.poll`` in a thread; a consumer stuck in it is replaced.

        kafka-python 3.0.12's consumer can go dead for good: the fault suite
        saw one stay in ``poll`` past its timeout, waiting on its IO thread
        while that thread sat idle in ``select`` (waking the thread did not
        free it), and, in another run, one whose polls kept returning
        nothing, every outcome already on the broker. The blocking call is
        ``NetworkSelector.run``'s untimed ``event.wait()``, as in
        dpkp/kafka-python#3121 (``commit()`` ignoring its timeout). So a
        consumer silent for :data:`POLL_STUCK_SECONDS` is replaced (also when
        merely idle: a new one costs a connection); a stuck one is left to
        its daemon threads.
        """
        consumer = self.consumer
        finished, batches = _aside(
            lambda: consumer.poll(timeout_ms=timeout_ms),
            timeout_ms / 1000 + POLL_STUCK_SECONDS,
            "outcome-poll",
        )
        if not finished:
            self._replace()
            return {}
        return batches

    def _replace(self) -> None:
        """A new consumer, resuming after the last record read."""
        log.warning("outcome consumer silent for %.0f s; replacing it", POLL_STUCK_SECONDS)
        # closed aside: a stuck close must not stall the watcher, and an idle
        # consumer left open keeps its connections and metadata refreshes
        threading.Thread(target=self.consumer.close, name="outcome-close", daemon=True).start()
        self.consumer = self._consumer_at(self._positions)
        self._heard = time.monotonic()

    def _consumer_at(self, offsets: dict[TopicPartition, int]) -> KafkaConsumer:
        """A new consumer of the outcome partitions, at ``offsets``."""
        consumer = self._connect(self.settings)
        consumer.assign(self._partitions)
        for tp, offset in offsets.items():
            consumer.seek(tp, offset)
        return consumer

    def wait(
        self,
        done: Callable[[Outcomes], bool],
        timeout: float,
        alive: Callable[[], bool] = lambda: True,
    ) -> Outcomes:
        """Poll until ``done(outcomes)``, ``timeout`` seconds pass, or ``alive()``
        turns false (the worker died: no point waiting)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not done(self.outcomes) and alive():
            self.poll()
        return self.outcomes

    def wait_for(
        self, ids: Iterable[str], timeout: float, alive: Callable[[], bool] = lambda: True
    ) -> Outcomes:
        """Poll until every id in ``ids`` has an outcome (or timeout / not alive)."""
        wanted = set(ids)
        return self.wait(lambda outcomes: wanted <= outcomes.ids(), timeout, alive)

    def reread(self, timeout: float = REREAD_SECONDS) -> Outcomes | None:
        """Every outcome since this watcher started, read again by a new
        consumer up to the topics' current end; None if that read did not
        finish within ``timeout``.

        The second opinion before calling an article lost: a consumer that
        missed records (see :meth:`_poll_guarded`) must not pass for a
        pipeline that lost them. Runs in a daemon thread for the same reason.
        """
        finished, outcomes = _aside(self._read_from_start, timeout, "outcome-reread")
        return outcomes if finished else None

    def _read_from_start(self) -> Outcomes:
        consumer = self._consumer_at(self._start)
        try:
            end = consumer.end_offsets(self._partitions)
            outcomes = Outcomes(by_topic={topic: {} for topic in self.topics})
            while any(consumer.position(tp) < end[tp] for tp in self._partitions):
                for tp, batch in consumer.poll(timeout_ms=500).items():
                    for record in batch:
                        outcomes.add(tp.topic, record.key, record.value)
            return outcomes
        finally:
            consumer.close()

    def close(self) -> None:
        self.consumer.close()


def _aside(call: Callable[[], Any], timeout: float, name: str) -> tuple[bool, Any]:
    """``call()`` in a daemon thread, waited for up to ``timeout`` seconds:
    (whether it returned, what it returned); what it raised is raised here.
    A call that never returns is left to its thread (kafka-python's clients
    can hang for good, see :meth:`OutcomeWatcher._poll_guarded`)."""
    result: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    if not done.wait(timeout):
        return False, None
    if "error" in result:
        raise result["error"]
    return True, result["value"]


def _consumer(settings: Settings) -> KafkaConsumer:
    return KafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        isolation_level="read_committed",
        enable_auto_commit=False,
        # watching must never create the topics it watches (a test's topics
        # are deleted at its end while a replaced consumer may still ask)
        allow_auto_create_topics=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=32 * 1024 * 1024,
        **settings.security.kafka_python_options(),
    )
