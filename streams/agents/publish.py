"""Send a pipeline result's messages, keyed by article id, and wait until the
broker has them.

The agent acks its event only after this returns (:mod:`streams.agents.acks`),
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
from collections.abc import Sequence
from typing import Any

from streams.agents import progress
from streams.app import declare_topics, output_topic
from streams.models import Message
from streams.pipeline import Result
from streams.web.state import observe

RESEND_AFTER = 1.0  # seconds

log = logging.getLogger("newsstreams.publish")


async def publish(result: Result) -> None:
    """Send every message of ``result``; each raw message reaches here once per
    delivery: as a dead letter from ingest, or its outcome (duplicate notice,
    enriched article with its entity and registry messages, or dead letter)
    from dedup."""
    progress.record(result.outcome)
    await declare_topics(message.topic for message in result.messages)
    await send_all([(await output_topic(m.topic), m) for m in result.messages])
    # metrics, live page and trending table (which changes inside this event)
    observe(result.outcome, result.messages)


async def send_all(sends: Sequence[tuple[Any, Message]]) -> None:
    """Send each message to its Faust topic; return once the broker has acknowledged
    them all, sending again those that failed."""
    pending = list(sends)
    while True:
        futures = [await topic.send(key=m.key, value=m.value) for topic, m in pending]
        results = await asyncio.gather(*futures, return_exceptions=True)
        errors = [(send, r) for send, r in zip(pending, results, strict=True) if _failed(r)]
        if not errors:
            return
        log.warning("%d send(s) failed (%r); sending again", len(errors), errors[0][1])
        pending = [send for send, _ in errors]
        await asyncio.sleep(RESEND_AFTER)


def _failed(result: object) -> bool:
    """A send's outcome is an error (a cancelled send counts: it was not stored)."""
    return isinstance(result, BaseException)
