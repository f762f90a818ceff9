"""Start the Faust worker with every agent registered."""

from __future__ import annotations

import faust

from streams.gc_tuning import tune_gc
from streams.kafka_io import core_topics, ensure_topics
from streams.logs import worker_logging_config
from streams.stages.topic_policy import REGISTRY_TOPIC


def run_worker(loglevel: str = "info") -> None:
    """Run until SIGINT/SIGTERM; Faust then drains, commits and stops cleanly."""
    tune_gc()
    from streams.agents import dedup, ingest  # noqa: F401  (registers the agents)
    from streams.app import app, settings
    from streams.web import views  # noqa: F401  (registers the web views and their state)

    ensure_topics(settings, core_topics(settings))
    ensure_topics(settings, [settings.topic(REGISTRY_TOPIC)], compacted=True)
    for partitions, names in _consumed_topics(app).items():
        ensure_topics(settings, sorted(names), partitions=partitions)
    worker = faust.Worker(
        app,
        loglevel=loglevel,
        quiet=True,
        logging_config=worker_logging_config(settings.log_format, loglevel),
    )
    # Faust's terminal spinner (kept at --loglevel warning and above) sets the
    # root logger to DEBUG so that it can spin on every record: every debug
    # call in aiokafka and kafka-python is then formatted (7% of the worker's
    # CPU in a py-spy profile). A worker's output is a log, not a terminal.
    worker.spinner = None
    worker.execute_from_commandline()


def _consumed_topics(app: faust.App) -> dict[int | None, set[str]]:
    """Every topic an agent reads, by the partition count it declares (None:
    the default; ``articles.signed`` has exactly one).

    Created before Faust starts: a topic Faust declares itself can be missing
    from the consumer's first metadata, and the agent then does not read it
    until the next metadata refresh, minutes later (or the broker auto-creates
    it first, with its default partition count).
    """
    topics: dict[int | None, set[str]] = {}
    for agent in app.agents.values():
        topics.setdefault(agent.channel.partitions, set()).update(agent.channel.topics)
    return topics
