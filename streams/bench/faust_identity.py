"""Baseline: a Faust identity agent, what Faust itself costs per record.

One agent copies every raw record to :data:`OUTPUT_TOPIC`, key and value
untouched, in an app configured like ``streams.app`` (same broker, delivery
guarantee, consumer and producer limits), so the gap between this and the
worker is the price of our stages and our second hop, not of Faust.

It builds its own app rather than importing ``streams.app``, which would
load the whole newsstreams pipeline (tagger, schemas) into the baseline.

Run as a child process by :mod:`streams.bench.kafka`::

    python -m streams.bench.faust_identity

configured by the usual environment (``NEWSSTREAMS_APP_ID`` is the consumer
group); stops cleanly on SIGTERM.
"""

from __future__ import annotations

import faust
from faust import StreamT

from streams.bench.baselines import OUTPUT_TOPIC, RAW_TOPIC
from streams.settings import Settings

settings = Settings.from_env()

app = faust.App(
    settings.app_id,
    broker=";".join(f"kafka://{host.strip()}" for host in settings.bootstrap_servers.split(",")),
    autodiscover=False,
    key_serializer="raw",
    value_serializer="raw",
    processing_guarantee=settings.processing_guarantee,
    topic_partitions=settings.partitions,
    topic_replication_factor=settings.replication_factor,
    datadir=str(settings.data_dir),
    store="memory://",
    web_enabled=False,
    producer_max_request_size=settings.max_message_bytes * 2,
    consumer_max_fetch_size=settings.max_message_bytes * 2,
    consumer_auto_offset_reset="earliest",
)

source = app.topic(settings.topic(RAW_TOPIC), key_type=bytes, value_type=bytes)
sink = app.topic(settings.topic(OUTPUT_TOPIC), key_type=bytes, value_type=bytes)


@app.agent(source)
async def identity(stream: StreamT) -> None:
    async for event in stream.events():
        await sink.send(key=event.key, value=event.value)


if __name__ == "__main__":
    faust.Worker(app, loglevel="info", quiet=True).execute_from_commandline()
