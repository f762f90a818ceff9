"""Output topics by name, entity topics created as entities appear, in batches.

Entity topics are created lazily. Creating one costs a broker round trip of
about 40 ms on the local broker (the KRaft controller commits it), and
kafka-python's ``wait_for_topics`` then sleeps 100 ms whenever the new topic
is not visible yet. The ingest agent used to wait for that per article: a
worker starting on a fresh cluster, with a new KB topic in most articles,
drained about 20 articles/s whatever its CPU. Now:

- the ingest agent asks for its article's KB topics with :func:`declare_soon`
  and goes on; the article's delivery (and so its ack) waits for them;
- one background task creates every name asked for meanwhile in a single
  request, over an admin client kept open
  (:class:`~streams.kafka_io.TopicCreator`), and adds them to the producer's
  metadata in one refresh (:func:`streams.producer_metadata.track`);
- whoever sends to a topic awaits :func:`declare_topics` first; by the time
  the dedup agent routes an article, its KB topics usually exist.

Broker errors are retried until the topics exist: an exception escaping an
agent's handler crashes the agent, and Faust then commits past the event it
was handling (seen: "All brokers are currently fenced" right after a broker
restart lost an article). A create that has not returned after
:data:`CREATE_TIMEOUT_SECONDS` is given up and retried over a new admin
client: kafka-python 3.0.12's clients can wait forever inside their network
thread (the outcome watcher's consumers did, see :mod:`streams.outcomes`),
and one stuck create would stall every delivery waiting on its topics.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from kafka.errors import KafkaError

from streams import producer_metadata
from streams.app import (
    app,
    deadletter_topic,
    duplicates_topic,
    enriched_topic,
    registry_topic,
    settings,
    signed_topic,
)
from streams.kafka_io import KafkaUnavailable, TopicCreator

RETRY_SECONDS = 1.0
# A create takes ~40 ms; a broker still starting may take seconds to answer.
CREATE_TIMEOUT_SECONDS = 60.0

log = logging.getLogger("newsstreams.topics")


class TopicDeclarer:
    """Topics by name; new ones created in batches by one background task.

    ``connect`` returns a function that makes topics on the broker
    (blocking; run in a thread) over a client of its own; it is called again
    when a create hangs. ``announce`` tells the producer about new topics,
    ``make_topic`` gives the Faust topic of a name. Lives in one event loop.
    """

    def __init__(
        self,
        known: dict[str, Any],
        connect: Callable[[], Callable[[list[str]], object]],
        announce: Callable[[list[str]], Awaitable[None]],
        make_topic: Callable[[str], Any],
    ) -> None:
        self._declared = dict(known)
        self._connect = connect
        self._create_now = connect()
        self._announce = announce
        self._make_topic = make_topic
        self._pending: dict[str, asyncio.Future[None]] = {}
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._creator: asyncio.Task[None] | None = None

    def declare_soon(self, names: Iterable[str]) -> Awaitable[None]:
        """Ask for ``names`` to exist, without waiting; the returned
        awaitable ends once they all do."""
        # Shielded: a sender cancelled while waiting must not cancel the
        # future other senders of the same topic wait on.
        waits = [self._pending_for(n) for n in dict.fromkeys(names) if n not in self._declared]
        return asyncio.gather(*map(asyncio.shield, waits))

    async def topic(self, name: str) -> Any:
        """The Faust topic of ``name``, created first when new."""
        if name not in self._declared:
            await self.declare_soon([name])
        return self._declared[name]

    def _pending_for(self, name: str) -> asyncio.Future[None]:
        if name not in self._pending:
            if self._creator is None or self._creator.done():
                self._creator = asyncio.ensure_future(self._create_forever())
            self._pending[name] = asyncio.get_running_loop().create_future()
            self._queue.put_nowait(name)
        return self._pending[name]

    async def _create_forever(self) -> None:
        """Create whatever was asked for since the last batch, batch by batch."""
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._create(batch)
            except BaseException as exc:  # cancelled: senders' deliveries fail, unacked
                for name in batch:
                    self._pending.pop(name).set_exception(exc)
                raise
            for name in batch:
                self._declared.setdefault(name, self._make_topic(name))
                self._pending.pop(name).set_result(None)

    async def _create(self, names: list[str]) -> None:
        while True:
            try:
                create = asyncio.to_thread(self._create_now, names)
                await asyncio.wait_for(create, CREATE_TIMEOUT_SECONDS)
                break
            except TimeoutError:  # the stuck thread and its client are left behind
                log.warning(
                    "creating %d topic(s) hung for %.0f s; trying again over a new client",
                    len(names),
                    CREATE_TIMEOUT_SECONDS,
                )
                self._create_now = self._connect()
            except (KafkaError, KafkaUnavailable) as exc:
                log.warning("cannot create %d topic(s) yet (%s); trying again", len(names), exc)
                await asyncio.sleep(RETRY_SECONDS)
        try:  # saves a refresh per topic; a send refreshes metadata itself if this hangs
            await asyncio.wait_for(self._announce(names), CREATE_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("the producer's metadata refresh for %d new topic(s) hung", len(names))


async def _announce(names: list[str]) -> None:
    # Faust's producer service (the aiokafka driver's accessor is private).
    await producer_metadata.track(app.producer._ensure_producer().client, names)


_declarer = TopicDeclarer(
    {
        topic.get_topic_name(): topic
        for topic in (
            signed_topic,
            enriched_topic,
            duplicates_topic,
            deadletter_topic,
            registry_topic,
        )
    },
    # One admin client kept for the process's life (it exits with the client's
    # daemon network thread), used only by the declarer's task.
    connect=lambda: partial(TopicCreator(settings).ensure, partitions=settings.entity_partitions),
    announce=_announce,
    make_topic=lambda name: app.topic(name, partitions=settings.entity_partitions),
)


def declare_soon(names: Iterable[str]) -> Awaitable[None]:
    """Ask for ``names`` (entity topics) to exist, without waiting; the
    returned awaitable ends once they all do."""
    return _declarer.declare_soon(names)


async def declare_topics(names: Iterable[str]) -> None:
    """Make sure ``names`` exist, creating those this process has not used."""
    await _declarer.declare_soon(names)


async def output_topic(name: str) -> Any:
    """The Faust topic for an output name, declared on first use."""
    return await _declarer.topic(name)
