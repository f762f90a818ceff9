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

import faust

from streams import codec, producer_metadata
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.stages.topic_policy import REGISTRY_TOPIC

codec.register()
producer_metadata.install()

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
