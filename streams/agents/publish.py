"""Send a pipeline result's messages, keyed by article id.

Each send is handed to the producer before the agent acks its event
(:mod:`streams.agents.acks`), and Faust flushes the producer before it
commits offsets: a crash re-delivers the event instead of losing its outputs.
"""

from __future__ import annotations

from streams.agents import progress
from streams.app import declare_topics, output_topic
from streams.pipeline import Result
from streams.web.state import observe


async def publish(result: Result) -> None:
    """Send every message of ``result``; each raw message reaches here once per
    delivery: as a dead letter from ingest, or its outcome (duplicate notice,
    enriched article with its entity and registry messages, or dead letter)
    from dedup."""
    progress.record(result.outcome)
    await declare_topics(message.topic for message in result.messages)
    for message in result.messages:
        topic = await output_topic(message.topic)
        await topic.send(key=message.key, value=message.value)
    # metrics, live page and trending table (which changes inside this event)
    observe(result.outcome, result.messages)
