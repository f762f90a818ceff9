"""Dedup agent: signed → duplicate notice, or the article with its story id
on to finish. The only agent on ``articles.signed``'s single partition, with
the dedup window in the changelog-backed ``dedup_table``."""

from __future__ import annotations

from faust import StreamT

from streams.agents.publish import publish
from streams.app import app, dedup_table, pipeline, signed_topic, unique_topic
from streams.pipeline import Prepared, Result


@app.agent(signed_topic)
async def dedup(stream: StreamT) -> None:
    async for value in stream:
        decided = pipeline.dedup(Prepared.from_dict(value), dedup_table)
        if isinstance(decided, Result):
            await publish(decided)
        else:
            await unique_topic.send(key=decided.key, value=decided.as_dict())
