"""What the worker keeps for its web views: the trending windowed table, the
live feed, the entity index read from ``entities.registry``, and a broker probe.

``trending`` is a Faust table in tumbling windows of :data:`TRENDING_WINDOW`
seconds (articles per entity id), expiring after the hour the page shows.
It lives on ``articles.signed``'s single partition, where the dedup agent
publishes enriched articles, so :func:`observe` must be called from there
(``streams.agents.publish`` is, for every outcome): a table changes only
inside a stream event, whose timestamp picks the window.

The entity index is read by every worker, whole, from the compacted
registry topic without a consumer group (each worker needs every entity,
not a share of partitions), from the beginning and then as it grows.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from streams import metrics
from streams.app import app, settings
from streams.models import OUTCOME_ENRICHED, Message
from streams.stages.topic_policy import REGISTRY_TOPIC
from streams.web.entities import EntityIndex
from streams.web.live import LiveFeed

TRENDING_WINDOW = 60.0
TRENDING_HORIZON = 3600.0
PROBE_TIMEOUT = 5.0
FOLLOW_RETRY = 5.0

log = logging.getLogger("newsstreams.web")

# Windowed keys are (entity id, (start, end)) tuples: without a key type
# Faust writes them as JSON and turns them back into tuples on recovery.
trending = (
    app.Table(settings.topic("trending"), default=int, partitions=1, value_type=int)
    .tumbling(TRENDING_WINDOW, expires=TRENDING_HORIZON + TRENDING_WINDOW)
    .relative_to_stream()
)

feed = LiveFeed()
entities = EntityIndex()


def observe(outcome: str, messages: list[Message]) -> None:
    """Count a published outcome into the metrics, the live feed and, for an
    enriched article, the trending windows of each of its entities that has
    a topic."""
    metrics.record_outcome(outcome, messages)
    feed.record(outcome, messages)
    if outcome == OUTCOME_ENRICHED and messages:
        # Only entities with a stream to follow: each count is a changelog
        # record, and topic-less ones were half of them (7 records an article).
        entities = messages[0].value["entities"]
        for entity_id in {entity["id"] for entity in entities if entity["topic"]}:
            trending[entity_id] += 1


def trending_windows() -> list[tuple[Any, int]]:
    """The trending table's ``((entity id, (start, end)), count)`` items."""
    return list(trending.table.items())


#: Set once the app has fully started: Faust runs app tasks only after every
#: service has started and table recovery completed (``App.on_started``).
started = asyncio.Event()


@app.task
async def mark_started() -> None:
    """Mark the worker started, for ``/health``: agents report running while
    tables are still being created and recovered, and a broker lost then
    makes the worker exit instead of waiting for it."""
    started.set()


@app.task
async def follow_registry() -> None:
    """Keep :data:`entities` current with ``entities.registry``, retrying
    while the broker cannot be reached."""
    if settings.web_port == 0:
        return
    topic = settings.topic(REGISTRY_TOPIC)
    while True:
        # No group: aiokafka then assigns every partition to this consumer.
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=settings.bootstrap_servers.split(","),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **settings.security.kafka_python_options(),
        )
        try:
            await consumer.start()
            while True:
                batches = await consumer.getmany(timeout_ms=1000)
                for records in batches.values():
                    for record in records:
                        _apply_registry_record(record.key, record.value)
                metrics.set_entity_topics(len(entities))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the broker is away or restarting: try again
            log.warning("reading %s failed (%s); retrying in %.0fs", topic, exc, FOLLOW_RETRY)
            await asyncio.sleep(FOLLOW_RETRY)
        finally:
            await consumer.stop()


def _apply_registry_record(key: bytes | None, value: bytes | None) -> None:
    if not key:
        return
    entities.apply(key.decode("utf-8", "replace"), orjson.loads(value) if value else None)


class BrokerProbe:
    """Asks the cluster for its description; one admin client kept between
    calls and rebuilt after a failure."""

    def __init__(self) -> None:
        self._admin: AIOKafkaAdminClient | None = None

    async def check(self) -> str | None:
        """None when the broker answered within :data:`PROBE_TIMEOUT`, else why not."""
        try:
            if self._admin is None:
                self._admin = AIOKafkaAdminClient(
                    bootstrap_servers=settings.bootstrap_servers.split(","),
                    request_timeout_ms=int(PROBE_TIMEOUT * 1000),
                    **settings.security.kafka_python_options(),
                )
                await asyncio.wait_for(self._admin.start(), PROBE_TIMEOUT)
            await asyncio.wait_for(self._admin.describe_cluster(), PROBE_TIMEOUT)
            return None
        except Exception as exc:
            await self._drop()
            return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

    async def _drop(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            try:
                await admin.close()
            except Exception as exc:  # closing a broken client may fail too: it is gone anyway
                log.debug("closing the probe's admin client: %s", exc)


probe = BrokerProbe()
