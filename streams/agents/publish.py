"""Hand a pipeline result's messages, keyed by article id, to the producer,
and return a delivery that ends once the broker has stored them all.

The agent acks its event only after that delivery (:mod:`streams.agents.acks`),
so an event's offset is never committed before its outputs are stored.
Handing the sends to the producer is not enough: Faust flushes the producer
before committing, but a batch that failed (the broker went away) still ends
the flush, and the fault suite lost an article that way across a broker
restart. A failed send is sent again until the broker takes it; the
duplicates this can make are byte-identical (at-least-once, see README).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

from streams.agents import progress
from streams.agents.acks import Delivery
from streams.agents.topics import declare_topics, output_topic
from streams.models import Message
from streams.pipeline import Result
from streams.web.state import observe

RESEND_AFTER = 1.0  # seconds

log = logging.getLogger("newsstreams.publish")


async def publish(result: Result) -> Delivery:
    """Send every message of ``result``; each raw message reaches here once per
    delivery: as a dead letter from ingest, or its outcome (duplicate notice,
    enriched article with its entity and registry messages, or dead letter)
    from dedup."""
    progress.record(result.outcome)
    delivery = await send_all(result.messages)
    # metrics, live page and trending table (which changes inside this event)
    observe(result.outcome, result.messages)
    return delivery


async def send_all(messages: Sequence[Message]) -> Delivery:
    """Hand each message to the producer, in order, for its topic (created
    first when new); the returned delivery ends once the broker has stored
    them all, sending again those that failed."""
    await declare_topics(message.topic for message in messages)
    sends = [(await output_topic(m.topic), m) for m in messages]
    return _confirm(sends, [await _send(topic, m) for topic, m in sends])


async def _confirm(sends: list[tuple[Any, Message]], futures: list[Awaitable[Any]]) -> None:
    while True:
        results = await asyncio.gather(*futures, return_exceptions=True)
        failed = [(send, r) for send, r in zip(sends, results, strict=True) if _failed(r)]
        if not failed:
            return
        log.warning("%d send(s) failed (%r); sending again", len(failed), failed[0][1])
        await asyncio.sleep(RESEND_AFTER)
        sends = [send for send, _ in failed]
        futures = [await _send(topic, m) for topic, m in sends]


async def _send(topic: Any, message: Message) -> Awaitable[Any]:
    return await topic.send(key=message.key, value=message.value)


def _failed(result: object) -> bool:
    """A send's outcome is an error (a cancelled send counts: it was not stored)."""
    return isinstance(result, BaseException)
