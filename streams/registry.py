"""Read the ``entities.registry`` topic: which entity streams exist and what
they are about.

The topic is compacted and every mention re-publishes its entity's record,
so the latest record per key (entity id) is current; reading it whole and
keeping the last value per key is what compaction converges to.
"""

from __future__ import annotations

from typing import Any

from streams.kafka_io import TopicNotFound, read_all
from streams.settings import Settings
from streams.stages.topic_policy import REGISTRY_TOPIC


def read_registry(settings: Settings) -> dict[str, dict[str, Any]]:
    """The latest registry record per entity id; empty before the first entity."""
    try:
        messages = read_all(settings, settings.topic(REGISTRY_TOPIC))
    except TopicNotFound:
        return {}
    latest: dict[str, dict[str, Any]] = {}
    for message in messages:
        if isinstance(message["value"], dict) and message["key"]:
            latest[message["key"]] = message["value"]
    return latest


def by_topic(registry: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The registry keyed by entity topic instead of entity id."""
    return {record["topic"]: record for record in registry.values()}
