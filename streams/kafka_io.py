"""The synchronous Kafka side: create topics, produce inputs, read topics back.

The worker's agents run on Faust; everything a user or a test does from the
command line goes through here, on kafka-python, so that no event loop is needed
for a one-shot ``produce`` or ``subscribe``.

Topic names: explicit ``topic``/``names`` arguments are full Kafka names (build
them with ``settings.topic("articles.raw")`` or :func:`core_topics`), while regex
``patterns`` are matched against the logical name, after ``settings.topic_prefix``,
so that ``entity\\..*`` means the same thing whatever the prefix.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from kafka.admin import KafkaAdminClient
from kafka.consumer import KafkaConsumer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import (
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NoError,
    SaslAuthenticationFailedError,
    TopicAlreadyExistsError,
)
from kafka.errors import for_code as error_for_code
from kafka.producer import KafkaProducer
from kafka.producer.future import FutureRecordMetadata
from kafka.structs import TopicPartition
from tqdm import tqdm

from streams.ids import article_id
from streams.settings import Settings
from streams.sources import SourceRecord

RAW_TOPIC = "articles.raw"
CORE_TOPICS = ("articles.raw", "articles.enriched", "articles.duplicates", "articles.deadletter")
UNDECODABLE_KEY_PREFIX = "b-"

# Long enough for a broker that is still starting, short enough that a missing
# broker is reported while the user is still looking at the terminal.
BOOTSTRAP_TIMEOUT_MS = 10_000
# How soon a subscription notices a topic created after it started (entity
# topics appear as entities are found).
WATCH_REFRESH_MS = 2_000
POLL_MS = 200
LINGER_MS = 5

ClientT = TypeVar("ClientT", KafkaAdminClient, KafkaConsumer, KafkaProducer)


class KafkaUnavailable(RuntimeError):
    """No broker answers at the configured bootstrap servers."""


class TopicNotFound(LookupError):
    """A topic that must exist to be read does not."""


@dataclass(frozen=True)
class ProduceReport:
    """What :func:`produce` delivered; ``ids`` are the keys of delivered messages,
    in input order, and ``errors`` say which input failed and why."""

    topic: str
    sent: int
    failed: int
    seconds: float
    ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def core_topics(settings: Settings) -> list[str]:
    """Full names of the topics the pipeline cannot run without."""
    return [settings.topic(name) for name in CORE_TOPICS]


def ensure_core_topics(settings: Settings) -> list[str]:
    """Create the core topics that are missing; returns the ones created."""
    return ensure_topics(settings, core_topics(settings))


def ensure_topics(
    settings: Settings,
    names: Iterable[str],
    *,
    partitions: int | None = None,
    compacted: bool = False,
) -> list[str]:
    """Create the topics in ``names`` (full names) that do not exist yet.

    Existing topics are left as they are. New ones get ``max.message.bytes`` from
    the settings, so that a broker with a smaller default still accepts every
    article the producer is allowed to send. Returns the names actually created,
    after they have a leader, so that producing right away cannot race them.
    """
    creator = TopicCreator(settings)
    try:
        return creator.ensure(names, partitions=partitions, compacted=compacted)
    finally:
        creator.close()


class TopicCreator:
    """:func:`ensure_topics` over one admin client kept open between calls.

    A worker creates entity topics as entities appear, hundreds in its first
    minutes. A client per call cost a bootstrap, a metadata round trip and a
    network thread each: a profile of a worker draining a backlog showed 285
    clients made in a minute and a fifth of its CPU in their threads. A call
    that fails closes the client; the next call connects afresh. Not
    thread-safe: callers serialise their calls.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._admin: KafkaAdminClient | None = None

    def ensure(
        self, names: Iterable[str], *, partitions: int | None = None, compacted: bool = False
    ) -> list[str]:
        """Like :func:`ensure_topics` (no connection is made for no names)."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return []
        if self._admin is None:
            self._admin = _connect(KafkaAdminClient, self._settings)
        try:
            return self._create(self._admin, wanted, partitions, compacted)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._admin is not None:
            admin, self._admin = self._admin, None
            admin.close()

    def _create(
        self, admin: KafkaAdminClient, names: list[str], partitions: int | None, compacted: bool
    ) -> list[str]:
        settings = self._settings
        configs = {"max.message.bytes": str(settings.max_message_bytes)}
        if compacted:
            configs["cleanup.policy"] = "compact"
        spec = {
            name: {
                "num_partitions": partitions or settings.partitions,
                "replication_factor": settings.replication_factor,
                "configs": configs,
            }
            for name in names
        }
        response = admin.create_topics(spec, raise_errors=False)
        created = [_created(topic) for topic in response["topics"]]
        admin.wait_for_topics(names)
        return [name for name in created if name]


def _created(result: dict[str, Any]) -> str | None:
    """The topic's name when the broker created it, None when it already existed."""
    error = error_for_code(result["error_code"])
    if error is NoError:
        return result["name"]
    if error is TopicAlreadyExistsError:
        return None
    raise error(f"cannot create topic {result['name']}: {result['error_message']}")


def produce(
    settings: Settings,
    records: Iterable[SourceRecord],
    *,
    topic: str | None = None,
    rate: float | None = None,
    progress: bool = True,
    total: int | None = None,
) -> ProduceReport:
    """Send every record to ``topic`` (default: the raw topic), keyed by article id.

    Values go out byte for byte, malformed ones included: judging them is the
    pipeline's job. ``rate`` caps the send rate in messages per second over the
    whole run. A record the broker refuses (too large, ...) is counted as failed
    and named in ``errors``; anything else that goes wrong stops the run.
    """
    if rate is not None and rate <= 0:
        raise ValueError(f"rate must be a positive number of messages per second, got {rate}")
    target = topic or settings.topic(RAW_TOPIC)
    pending: list[tuple[str, str, FutureRecordMetadata | KafkaError]] = []
    started = time.monotonic()
    with (
        _client(
            KafkaProducer,
            settings,
            acks="all",
            linger_ms=LINGER_MS,
            max_request_size=settings.max_message_bytes,
        ) as producer,
        tqdm(
            total=total,
            unit="msg",
            desc=target,
            file=sys.stderr,
            disable=not progress,
        ) as bar,
    ):
        ticks = _pace(rate)
        for record in records:
            next(ticks)
            key = message_key(record.value)
            try:
                outcome = producer.send(target, value=record.value, key=key.encode())
            except MessageSizeTooLargeError as exc:
                outcome = exc
            pending.append((key, record.origin, outcome))
            bar.update()
        producer.flush()
    return _report(target, pending, time.monotonic() - started)


def message_key(value: bytes) -> str:
    """The Kafka key: the article id for a JSON object, else a hash of the bytes,
    so that re-sending the same input always lands on the same partition."""
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        decoded = None
    if isinstance(decoded, dict):
        return article_id(decoded)
    return UNDECODABLE_KEY_PREFIX + hashlib.sha256(value).hexdigest()[:20]


def _pace(rate: float | None) -> Iterator[None]:
    """Yield once per message, never ahead of ``rate`` per second.

    Each message has a due time on a fixed schedule from the start, so sleeping
    too long once is caught up afterwards and the average rate stays exact.
    """
    started = time.monotonic()
    count = 0
    while True:
        if rate is not None:
            delay = started + count / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield
        count += 1


def _report(
    topic: str,
    pending: list[tuple[str, str, FutureRecordMetadata | KafkaError]],
    seconds: float,
) -> ProduceReport:
    ids: list[str] = []
    errors: list[str] = []
    for key, origin, outcome in pending:
        if isinstance(outcome, KafkaError):
            errors.append(f"{origin}: {outcome}")
        elif outcome.succeeded():
            ids.append(key)
        else:
            errors.append(f"{origin}: {outcome.exception or 'not acknowledged'}")
    return ProduceReport(topic, len(ids), len(errors), seconds, ids, errors)


def subscribe(
    settings: Settings,
    patterns: list[str],
    *,
    from_beginning: bool = False,
    timeout: float | None = None,
    max_messages: int | None = None,
    group_id: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Messages from every topic whose logical name matches one of ``patterns``.

    ``timeout`` stops after that many seconds without a message, ``max_messages``
    after that many messages. Without ``group_id`` no consumer group is involved:
    nothing is committed, so watching never moves anyone's offsets, and topics
    created while watching (entity topics appear as entities are found) are read
    from their first message, so none is missed. With ``group_id`` this is a
    plain group subscription: committed offsets, shared partitions, and Kafka's
    own rule that a topic created later starts at its end unless
    ``from_beginning``.
    """
    if not patterns:
        raise ValueError("subscribe needs at least one topic pattern")
    regex = topic_pattern(settings, patterns)
    if group_id is None:
        opened = _watch(settings, regex, from_beginning=from_beginning)
    else:
        opened = _group(settings, regex, from_beginning=from_beginning, group_id=group_id)
    yielded = 0
    last_message = time.monotonic()
    with opened as next_record:
        while max_messages is None or yielded < max_messages:
            record = next_record()
            if record is not None:
                yield message_dict(record)
                yielded += 1
                last_message = time.monotonic()
            elif timeout is not None and time.monotonic() - last_message >= timeout:
                return


@contextmanager
def _group(
    settings: Settings, regex: re.Pattern[str], *, from_beginning: bool, group_id: str
) -> Iterator[Callable[[], ConsumerRecord | None]]:
    """Records for a consumer group subscribed to ``regex``.

    Records are taken one at a time, so the auto-committed position never runs
    ahead of what the caller has actually received.
    """
    with _client(
        KafkaConsumer,
        settings,
        group_id=group_id,
        enable_auto_commit=True,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level="read_committed",
        metadata_max_age_ms=WATCH_REFRESH_MS,
    ) as consumer:
        consumer.subscribe(pattern=regex.pattern)
        yield lambda: _poll_one(consumer)


@contextmanager
def _watch(
    settings: Settings, regex: re.Pattern[str], *, from_beginning: bool
) -> Iterator[Callable[[], ConsumerRecord | None]]:
    """Records from every partition of the topics matching ``regex``, without a group.

    Partitions that exist at the start are read from their end (or beginning, with
    ``from_beginning``); partitions that appear later are new since the start, so
    they are read from their beginning.
    """
    with _client(KafkaConsumer, settings, isolation_level="read_committed") as consumer:
        followed: set[TopicPartition] = set()
        start_at_end = not from_beginning
        next_refresh = 0.0

        def next_record() -> ConsumerRecord | None:
            nonlocal start_at_end, next_refresh
            if time.monotonic() >= next_refresh:
                new = matching_partitions(consumer, regex) - followed
                _follow(consumer, new, at_end=start_at_end)
                followed.update(new)
                start_at_end = False
                next_refresh = time.monotonic() + WATCH_REFRESH_MS / 1000
            if not followed:
                time.sleep(POLL_MS / 1000)
                return None
            return _poll_one(consumer)

        yield next_record


def _follow(consumer: KafkaConsumer, new: set[TopicPartition], *, at_end: bool) -> None:
    """Add ``new`` to the consumer's assignment, positioned at their end or beginning."""
    if not new:
        return
    consumer.assign(sorted(consumer.assignment() | new))
    if at_end:
        for tp, offset in consumer.end_offsets(list(new)).items():
            consumer.seek(tp, offset)
    else:
        consumer.seek_to_beginning(*new)


def _poll_one(consumer: KafkaConsumer) -> ConsumerRecord | None:
    batch = consumer.poll(timeout_ms=POLL_MS, max_records=1)
    return next((record for records in batch.values() for record in records), None)


def matching_partitions(consumer: KafkaConsumer, regex: re.Pattern[str]) -> set[TopicPartition]:
    """Every partition of the cluster's topics whose full name matches ``regex``."""
    return {
        TopicPartition(name, partition)
        for name in consumer.topics()
        if regex.match(name)
        for partition in consumer.partitions_for_topic(name)
    }


def topic_pattern(settings: Settings, patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex matching full topic names whose logical name fully matches a pattern."""
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"{re.escape(settings.topic_prefix)}(?:{alternatives})\\Z")


def topic_counts(settings: Settings, pattern: str = r"entity\..*") -> dict[str, int]:
    """Messages per topic (full name) whose logical name matches ``pattern``.

    Counted from offsets (end minus beginning, summed over partitions), which
    is cheap but an upper bound: compaction removes records and transaction
    markers take offsets without being messages.
    """
    regex = topic_pattern(settings, [pattern])
    with _client(KafkaConsumer, settings, isolation_level="read_committed") as consumer:
        partitions = sorted(matching_partitions(consumer, regex))
        beginning = consumer.beginning_offsets(partitions) if partitions else {}
        end = consumer.end_offsets(partitions) if partitions else {}
    counts = dict.fromkeys(sorted({tp.topic for tp in partitions}), 0)
    for tp in partitions:
        counts[tp.topic] += end[tp] - beginning[tp]
    return counts


def describe_group(admin: KafkaAdminClient, group_id: str) -> dict[str, Any] | None:
    """The group's description, or None while its coordinator is not ready.

    A group's coordinator moves or is still loading after a broker restart or
    right after ``__consumer_offsets`` is created; callers that wait for a
    group to form poll again instead of failing on that transient answer.
    """
    try:
        return admin.describe_groups([group_id])[group_id]
    except KafkaError as error:
        if getattr(error, "retriable", False):
            return None
        raise


def read_all(settings: Settings, topic: str, *, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Every committed message in ``topic`` (full name) up to its end when called.

    Messages appended while reading are left out, so the result is a snapshot.
    Raises TimeoutError when ``timeout`` seconds pass without a new message
    before the snapshot's end is reached, rather than returning a partial list.
    """
    with _client(KafkaConsumer, settings, isolation_level="read_committed") as consumer:
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))
        ]
        if not partitions:
            raise TopicNotFound(f"topic {topic!r} does not exist")
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        messages: list[dict[str, Any]] = []
        last_progress = time.monotonic()
        while unfinished := [tp for tp in partitions if consumer.position(tp) < end[tp]]:
            if time.monotonic() - last_progress >= timeout:
                raise TimeoutError(
                    f"read_all({topic!r}): no message for {timeout}s with "
                    f"{len(unfinished)} partition(s) short of their end offset"
                )
            for tp, records in consumer.poll(timeout_ms=POLL_MS).items():
                messages.extend(message_dict(r) for r in records if r.offset < end[tp])
                last_progress = time.monotonic()
    return messages


def message_dict(record: ConsumerRecord) -> dict[str, Any]:
    """A consumed record as plain data: JSON values decoded, other bytes kept readable."""
    message = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "key": None if record.key is None else record.key.decode("utf-8", "replace"),
        "value": None,
    }
    value: bytes | None = record.value
    if value is None:
        return message
    try:
        message["value"] = orjson.loads(value)
    except orjson.JSONDecodeError:
        try:
            message["value"] = value.decode("utf-8")
        except UnicodeDecodeError:
            message["value_base64"] = base64.b64encode(value).decode("ascii")
    return message


@contextmanager
def _client(
    factory: Callable[..., ClientT], settings: Settings, **config: Any
) -> Iterator[ClientT]:
    """A connected kafka-python client (:func:`_connect`), closed on exit."""
    client = _connect(factory, settings, **config)
    try:
        yield client
    finally:
        client.close()


def _connect(factory: Callable[..., ClientT], settings: Settings, **config: Any) -> ClientT:
    """A connected kafka-python client.

    Constructing a client is where kafka-python first reaches the broker, so a
    timeout there means nothing answers; it becomes one readable line.
    """
    watch = _AuthFailureSeen()
    kafka_log = logging.getLogger("kafka")
    kafka_log.addHandler(watch)
    try:
        return factory(
            bootstrap_servers=[s.strip() for s in settings.bootstrap_servers.split(",")],
            bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
            **settings.security.kafka_python_options(),
            **config,
        )
    except (SaslAuthenticationFailedError, KafkaTimeoutError) as exc:
        if isinstance(exc, SaslAuthenticationFailedError) or watch.login_refused(
            settings.security.uses_sasl
        ):
            raise KafkaUnavailable(
                f"the broker at {settings.bootstrap_servers} rejected the credentials of "
                f"{settings.security.username!r} ({settings.security.sasl_mechanism})"
            ) from None
        raise KafkaUnavailable(
            f"no Kafka broker answers at {settings.bootstrap_servers} "
            "(start one with `newsstreams broker start`)"
        ) from None
    finally:
        kafka_log.removeHandler(watch)


class _AuthFailureSeen(logging.Handler):
    """Notices a broker refusing our login while a client bootstraps.

    kafka-python retries a rejected login like a lost connection and finally
    raises only a bootstrap timeout; its log is the one place that says why,
    so we listen there to tell "wrong password" from "nothing answers".

    The broker answers a wrong password with an error and then closes the
    connection. kafka-python 3.0.12's transport drops bytes read together
    with the close (``_sock_recv`` returns the error, ``abort`` discards the
    data), so about one time in three on SASL_SSL the error never reaches its
    log and only "socket disconnected" does. A broker closing connections it
    accepted, while we log in, is the same verdict: nothing else makes a
    broker hang up on a client's first requests.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.rejected = False
        self.hung_up = False

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "SaslAuthenticationFailedError" in message:
            self.rejected = True
        elif "socket disconnected" in message:
            self.hung_up = True

    def login_refused(self, logging_in: bool) -> bool:
        """Whether the broker refused the login (``logging_in``: SASL is on)."""
        return self.rejected or (logging_in and self.hung_up)
