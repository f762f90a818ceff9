"""Ingest agent: raw bytes → validate → enrich → prepared (or dead letter).

Re-keys each article by its content hash so that every copy of one text is
deduplicated on the same partition of the ``content-index`` table.
"""

from __future__ import annotations

from faust import StreamT

from streams.agents.publish import publish
from streams.app import app, pipeline, prepared_topic, raw_topic
from streams.models import Origin
from streams.pipeline import Result


@app.agent(raw_topic)
async def ingest(stream: StreamT) -> None:
    async for event in stream.events():
        message = event.message
        timestamp_ms = round(message.timestamp * 1000) if message.timestamp else None
        origin = Origin(message.topic, message.partition, message.offset, timestamp_ms)
        value = message.value if isinstance(message.value, bytes) else b""
        raw_key = message.key.decode("utf-8", "replace") if message.key else None
        prepared = pipeline.prepare(value, origin, raw_key)
        if isinstance(prepared, Result):
            await publish(prepared)
        else:
            await prepared_topic.send(key=prepared.key, value=prepared.as_dict())
