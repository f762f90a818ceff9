"""The Faust app and every topic and table it uses: the topology on one screen.

    articles.raw ──ingest──► articles.signed (internal, ONE partition)
                     └─────► articles.deadletter
    articles.signed ──dedup──► articles.duplicates
                        ├────► articles.enriched + entity.<type>.<slug>
                        ├────► entities.registry (compacted)
                        └────► articles.deadletter
    table dedup-<format> (changelog-backed, one partition): the dedup window
    table topic-policy   (changelog-backed, one partition): entity counts, topics

Internal topics are keyed by article id. ``articles.signed`` has a single
partition on purpose: "duplicate of the first seen" and "the Nth mention
earns a topic" need one order over all articles, and an article and its
near-copy share no key that could put them on the same partition. So ingest
(validate, enrich, tag, MinHash sketch: the expensive part) runs in parallel
on every partition, and only the dedup decision (an LSH lookup and a few
exact Jaccards), the topic policy and routing are sequential, on whichever
worker holds that partition; its tables move and are recovered with it.

Agents live in ``streams/agents/`` and only wire the stages in
:mod:`streams.pipeline` to these topics and tables.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import faust
from kafka.errors import KafkaError

from streams import codec, producer_metadata
from streams.kafka_io import KafkaUnavailable, TopicCreator
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.stages.topic_policy import REGISTRY_TOPIC

codec.register()
producer_metadata.install()

log = logging.getLogger("newsstreams.app")
DECLARE_RETRY_SECONDS = 1.0

settings = Settings.from_env()


def _broker_url(bootstrap_servers: str) -> str:
    """Faust wants ``kafka://h1:9092;h2:9092``; Kafka users write ``h1:9092,h2:9092``."""
    hosts = [h.strip() for h in bootstrap_servers.split(",") if h.strip()]
    return ";".join(f"kafka://{h}" for h in hosts)


app = faust.App(
    settings.app_id,
    broker=_broker_url(settings.bootstrap_servers),
    broker_credentials=settings.security.faust_credentials(),
    autodiscover=False,
    key_serializer="raw",
    value_serializer=codec.CODEC_NAME,
    processing_guarantee=settings.processing_guarantee,
    topic_partitions=settings.partitions,
    topic_replication_factor=settings.replication_factor,
    datadir=str(settings.data_dir),
    store="memory://",
    web_enabled=settings.web_port != 0,
    web_port=settings.web_port or 6066,
    # web_bind is the address Faust listens on (its default is every interface)
    web_host=settings.web_host,
    web_bind=settings.web_host,
    producer_max_request_size=settings.max_message_bytes * 2,
    consumer_max_fetch_size=settings.max_message_bytes * 2,
    consumer_auto_offset_reset="earliest",
)

raw_topic = app.topic(
    settings.topic("articles.raw"), key_type=bytes, value_type=bytes, value_serializer="raw"
)
signed_topic = app.topic(settings.topic("articles.signed"), internal=True, partitions=1)
enriched_topic = app.topic(settings.topic("articles.enriched"))
duplicates_topic = app.topic(settings.topic("articles.duplicates"))
deadletter_topic = app.topic(settings.topic("articles.deadletter"))
registry_topic = app.topic(
    settings.topic(REGISTRY_TOPIC), partitions=settings.partitions, compacting=True
)

pipeline = Pipeline(settings)

# The dedup stage keeps its own binary entries (str keys, bytes values). The
# table's name carries the sketch format: state made with other shingles or
# permutations cannot be compared, so changing them starts an empty window
# instead of mixing the two.
dedup_table = app.Table(
    settings.topic(f"dedup-{pipeline.deduplicator.config.sketch_format}"),
    partitions=1,
    key_type=str,
    value_type=bytes,  # Faust stores bytes raw
)
# Entity counts, granted topics and slug owners (see streams.stages.topic_policy).
policy_table = app.Table(settings.topic("topic-policy"), partitions=1, key_type=str)

_output_topics: dict[str, Any] = {
    topic.get_topic_name(): topic
    for topic in (signed_topic, enriched_topic, duplicates_topic, deadletter_topic, registry_topic)
}


# One admin client for the process's life (the process exits with its
# daemon network thread), used by one agent at a time.
_topic_creator = TopicCreator(settings)
_creating = asyncio.Lock()


async def declare_topics(names: Iterable[str]) -> None:
    """Create, in one request, those of ``names`` (entity topics) this process
    has not used yet, with ``NEWSSTREAMS_ENTITY_PARTITIONS`` partitions.

    Entity topics appear as entities do, so they are created lazily. Faust's
    ``maybe_declare`` creates one topic per round trip (about 60 ms each on
    the local broker, several per article early in a stream, all on the one
    dedup partition); one batched request in a thread, over an admin client
    kept open (:class:`~streams.kafka_io.TopicCreator`), costs about the same
    as one of them, and the ingest agent makes it ahead of dedup.

    Broker errors are retried until the topics exist: an exception escaping
    an agent's handler crashes the agent, and Faust then commits past the
    event it was handling (seen: "All brokers are currently fenced" right
    after a broker restart lost an article).
    """
    wanted = list(dict.fromkeys(names))
    if all(name in _output_topics for name in wanted):
        return
    async with _creating:  # one admin request at a time; the other agent waits
        new = [name for name in wanted if name not in _output_topics]
        while new:
            try:
                await asyncio.to_thread(
                    _topic_creator.ensure, new, partitions=settings.entity_partitions
                )
                break
            except (KafkaError, KafkaUnavailable) as exc:
                log.warning("cannot create %d topic(s) yet (%s); trying again", len(new), exc)
                await asyncio.sleep(DECLARE_RETRY_SECONDS)
        # Faust's producer service (the aiokafka driver's accessor is private).
        await producer_metadata.track(app.producer._ensure_producer().client, new)
        for name in new:
            _output_topics.setdefault(name, app.topic(name, partitions=settings.entity_partitions))


async def output_topic(name: str) -> Any:
    """The Faust topic for an output name, declared on first use."""
    if name not in _output_topics:
        await declare_topics([name])
    return _output_topics[name]
