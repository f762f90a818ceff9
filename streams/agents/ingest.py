"""Ingest agent: raw bytes → validate → enrich → tag → sketch → signed (or dead letter).

Runs on every partition of ``articles.raw``: the expensive stages run here,
in parallel, so the single dedup partition only decides and routes.
"""

from __future__ import annotations

import asyncio

from faust import EventT, StreamT

from streams.agents.acks import Delivery, handle_each
from streams.agents.offsets import faust_guard
from streams.agents.publish import publish, send_all
from streams.agents.topics import declare_soon
from streams.app import app, pipeline, raw_topic, signed_topic
from streams.models import Message, Origin
from streams.pipeline import Result


@app.agent(raw_topic)
async def ingest(stream: StreamT) -> None:
    await handle_each(stream, _ingest, faust_guard(app))


async def _ingest(event: EventT) -> Delivery:
    message = event.message
    timestamp_ms = round(message.timestamp * 1000) if message.timestamp else None
    origin = Origin(message.topic, message.partition, message.offset, timestamp_ms)
    value = message.value if isinstance(message.value, bytes) else b""
    raw_key = message.key.decode("utf-8", "replace") if message.key else None
    prepared = pipeline.prepare(value, origin, raw_key)
    if isinstance(prepared, Result):
        return await publish(prepared)
    # KB entities always get their topic: ask for them here, ahead of the
    # single dedup partition, without waiting (see streams.agents.topics);
    # the article is acked only once they exist and it is stored.
    topics = declare_soon(e["topic"] for e in prepared.article["entities"] if e["topic"])
    stored = await send_all(
        [Message(signed_topic.get_topic_name(), prepared.key, prepared.as_dict())]
    )
    return _all(topics, stored)


async def _all(*deliveries: Delivery) -> None:
    await asyncio.gather(*deliveries)
