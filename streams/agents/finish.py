"""Finish agent: prepared → dedup → tag → route, with dedup state in the
changelog-backed ``content-index`` table (co-partitioned with the topic)."""

from __future__ import annotations

from faust import StreamT

from streams.agents.publish import publish
from streams.app import app, content_index, pipeline, prepared_topic
from streams.pipeline import Prepared


@app.agent(prepared_topic)
async def finish(stream: StreamT) -> None:
    async for value in stream:
        await publish(pipeline.finish(Prepared.from_dict(value), content_index))
