"""A producer keeps the metadata of every topic it sends to (streams.producer_metadata).

Against a real broker: a producer whose first metadata answer covered every
topic (as a worker joining a busy cluster gets) sends to an existing topic,
then to a new one. Plain aiokafka then forgets the first topic's leader, and
a batch for it would wait with no leader until the request timeout.
"""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaProducer

from streams import producer_metadata
from streams.kafka_io import ensure_topics
from streams.settings import Settings

pytestmark = pytest.mark.integration


async def forgets_existing_topic(settings: Settings) -> bool:
    """Whether the producer loses ``meta.existing`` from its metadata."""
    existing, new = settings.topic("meta.existing"), settings.topic("meta.new")
    ensure_topics(settings, [existing], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers)
    await producer.start()
    try:
        await producer.client.force_metadata_update()  # nothing tracked yet: every topic
        await producer.send_and_wait(existing, b"first")
        ensure_topics(settings, [new], partitions=1)
        await producer.send_and_wait(new, b"second")  # refreshes the tracked topics only
        return producer.client.cluster.partitions_for_topic(existing) is None
    finally:
        await producer.stop()


def test_a_topic_sent_to_stays_in_the_producers_metadata(settings: Settings) -> None:
    producer_metadata.install()
    assert not asyncio.run(forgets_existing_topic(settings))
