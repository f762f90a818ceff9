"""Dedup agent: signed → duplicate notice, or topic policy → route → the
enriched article, its entity-topic messages and registry records.

The only agent on ``articles.signed``'s single partition, with the dedup
window and the topic policy's counts in changelog-backed tables.
"""

from __future__ import annotations

from faust import EventT, StreamT

from streams.agents.acks import Delivery, handle_each
from streams.agents.offsets import faust_guard
from streams.agents.publish import publish
from streams.app import app, dedup_table, pipeline, policy_table, signed_topic
from streams.pipeline import Prepared, Result


@app.agent(signed_topic)
async def dedup(stream: StreamT) -> None:
    await handle_each(stream, _decide, faust_guard(app))


async def _decide(event: EventT) -> Delivery:
    decided = pipeline.dedup(Prepared.from_dict(event.value), dedup_table)
    if not isinstance(decided, Result):
        decided = pipeline.finish(decided, policy_table)
    return await publish(decided)
