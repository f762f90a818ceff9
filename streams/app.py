"""The Faust app and every topic and table it uses: the topology on one screen.

    articles.raw ──ingest──► articles.prepared (internal, keyed by content hash)
                     └─────► articles.deadletter
    articles.prepared ──finish──► articles.enriched + entity.<type>.<slug>
                          ├─────► articles.duplicates
                          └─────► articles.deadletter
    table content-index (changelog-backed): content hash → first article

Agents live in ``streams/agents/`` and only wire the stages in
:mod:`streams.pipeline` to these topics and tables.
"""

from __future__ import annotations

from typing import Any

import faust

from streams import codec
from streams.pipeline import Pipeline
from streams.settings import Settings

codec.register()

settings = Settings.from_env()


def _broker_url(bootstrap_servers: str) -> str:
    """Faust wants ``kafka://h1:9092;h2:9092``; Kafka users write ``h1:9092,h2:9092``."""
    hosts = [h.strip() for h in bootstrap_servers.split(",") if h.strip()]
    return ";".join(f"kafka://{h}" for h in hosts)


app = faust.App(
    settings.app_id,
    broker=_broker_url(settings.bootstrap_servers),
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
    web_host="127.0.0.1",
    producer_max_request_size=settings.max_message_bytes * 2,
    consumer_max_fetch_size=settings.max_message_bytes * 2,
    consumer_auto_offset_reset="earliest",
)

raw_topic = app.topic(
    settings.topic("articles.raw"), key_type=bytes, value_type=bytes, value_serializer="raw"
)
prepared_topic = app.topic(settings.topic("articles.prepared"), internal=True)
enriched_topic = app.topic(settings.topic("articles.enriched"))
duplicates_topic = app.topic(settings.topic("articles.duplicates"))
deadletter_topic = app.topic(settings.topic("articles.deadletter"))

# Faust tables pick their changelog codec from key_type/value_type and fall
# back to Faust's "json" codec (orjson underneath when installed) for plain
# str keys and dict values, which round-trips them exactly.
content_index = app.Table(
    settings.topic("content-index"), default=None, partitions=settings.partitions
)

pipeline = Pipeline(settings)

_output_topics: dict[str, Any] = {
    topic.get_topic_name(): topic for topic in (enriched_topic, duplicates_topic, deadletter_topic)
}


async def output_topic(name: str) -> Any:
    """The Faust topic for an output name, declared on first use.

    Entity topics appear as entities do, so they are created lazily, with
    ``NEWSSTREAMS_ENTITY_PARTITIONS`` partitions.
    """
    topic = _output_topics.get(name)
    if topic is None:
        topic = app.topic(name, partitions=settings.entity_partitions)
        await topic.maybe_declare()
        _output_topics[name] = topic
    return topic
