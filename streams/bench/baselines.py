"""Baseline: the plain aiokafka consume → produce loop a user could write instead.

It copies every record of the raw topic to :data:`OUTPUT_TOPIC`, key and
value untouched, with the same delivery guarantee as the worker: a batch's
offsets are committed only after every record of it is acknowledged
(``acks=all``). Batches come from ``getmany`` and their sends are pipelined,
as any tuned aiokafka program would do; a loop awaiting each send would be a
strawman.

Run as a child process by :mod:`streams.bench.kafka`::

    python -m streams.bench.baselines

configured by the usual environment (``KAFKA_BOOTSTRAP_SERVERS``,
``NEWSSTREAMS_TOPIC_PREFIX``, ``NEWSSTREAMS_APP_ID`` as the consumer group);
stops cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.settings import Settings

RAW_TOPIC = "articles.raw"
OUTPUT_TOPIC = "bench.baseline.out"
POLL_MS = 200


async def relay(settings: Settings, stop: asyncio.Event) -> None:
    """Copy the raw topic to the output topic until ``stop`` is set."""
    target = settings.topic(OUTPUT_TOPIC)
    fetch_bytes = settings.max_message_bytes * 2
    consumer = AIOKafkaConsumer(
        settings.topic(RAW_TOPIC),
        bootstrap_servers=settings.bootstrap_servers,
        group_id=settings.app_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=fetch_bytes,
        max_partition_fetch_bytes=fetch_bytes,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        max_request_size=fetch_bytes,
    )
    await producer.start()
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=POLL_MS)
            sent = [
                await producer.send(target, record.value, key=record.key)
                for records in batches.values()
                for record in records
            ]
            if sent:
                await asyncio.gather(*sent)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


async def _main() -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await relay(Settings.from_env(), stop)


if __name__ == "__main__":
    asyncio.run(_main())
