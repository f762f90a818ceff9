"""Finish agent: unique → tag → route, on every partition of ``articles.unique``."""

from __future__ import annotations

from faust import StreamT

from streams.agents.publish import publish
from streams.app import app, pipeline, unique_topic
from streams.pipeline import Prepared


@app.agent(unique_topic)
async def finish(stream: StreamT) -> None:
    async for value in stream:
        await publish(pipeline.finish(Prepared.from_dict(value)))
