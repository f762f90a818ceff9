"""Keep every topic a producer sends to in its metadata: a fix for aiokafka.

aiokafka's client refreshes metadata only for the topics in its ``_topics``
set, and *replaces* its cluster view with the answer. A producer adds a topic
to that set only when the topic is missing from the cluster view
(``AIOKafkaClient._wait_on_metadata``). But a refresh made while the set is
still empty asks for *every* topic, so a producer started on a busy cluster
(a second worker, a restarted one) sends to many topics without ever adding
them. Its next refresh (for the first new entity topic) drops them all from
the cluster view: their queued batches then have no known leader, the sender
asks for metadata again and again without them, and nothing delivers them
until Faust's 20-minute request timeout. Faust's commit waits on that flush,
so the worker stalls; the fault suite's join-then-kill test showed exactly
this (metadata answers with 2 topics while batches waited for a changelog,
``articles.enriched`` and entity topics).

The fix adds the topic to the tracked set on every send, which is what the
Java client does (every topic a send names stays in the producer's metadata
until it expires). It costs a set insertion and requests nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from aiokafka.client import AIOKafkaClient

_wait_on_metadata = AIOKafkaClient._wait_on_metadata


async def _wait_and_track(self: AIOKafkaClient, topic: str) -> Any:
    partitions = await _wait_on_metadata(self, topic)
    self._topics.add(topic)  # no-op when aiokafka added it itself
    return partitions


def install() -> None:
    """Make every aiokafka client in this process track the topics it sends to
    (idempotent)."""
    AIOKafkaClient._wait_on_metadata = _wait_and_track


async def track(client: AIOKafkaClient, topics: Iterable[str]) -> None:
    """Add ``topics`` (just created) to ``client``'s metadata in one refresh.

    A first send to a topic the producer does not know forces a metadata
    refresh of every tracked topic; a worker creating entity topics one
    after another refreshed once per topic, each answer larger than the
    last (554 refreshes in its first minute, a tenth of its CPU decoding
    them). Refreshes asked for before one runs share it, so adding a batch
    of topics here costs one.
    """
    await asyncio.gather(*(client.add_topic(topic) for topic in topics))
