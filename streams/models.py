"""Small message types shared by the stages, the agents and the offline mode.

Records travel as plain dicts (they are JSON on the wire and validated by
the schemas in ``schemas/``); these types carry them between stages with
their routing information.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

OUTCOME_ENRICHED = "enriched"
OUTCOME_DUPLICATE = "duplicate"
OUTCOME_DEADLETTER = "deadletter"


@dataclass(frozen=True)
class Origin:
    """Where a raw message came from: Kafka coordinates, or file and index offline."""

    topic: str
    partition: int
    offset: int
    timestamp: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "timestamp": self.timestamp,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Origin:
        return cls(data["topic"], data["partition"], data["offset"], data["timestamp"])


@dataclass(frozen=True)
class Message:
    """One record to publish: full topic name, key (the article id) and value."""

    topic: str
    key: str
    value: dict[str, Any]


class StageError(Exception):
    """A stage rejected an article; becomes a dead letter with this reason."""

    def __init__(self, stage: str, reason: str, error: str, article_id: str | None = None):
        super().__init__(error)
        self.stage = stage
        self.reason = reason
        self.error = error
        self.article_id = article_id


def dead_letter(error: StageError, original: bytes, origin: Origin) -> dict[str, Any]:
    """The dead-letter record for ``original``, carrying its exact bytes."""
    return {
        "id": error.article_id,
        "reason": error.reason,
        "error": error.error,
        "stage": error.stage,
        "original_base64": base64.b64encode(original).decode("ascii"),
        "original_size": len(original),
        "origin": origin.as_dict(),
    }


def dead_letter_key(article_id: str | None, origin: Origin) -> str:
    """Key for a dead letter: the article id, else the source coordinates,
    which are as stable across re-deliveries as an id would be."""
    if article_id:
        return article_id
    return f"dl-{origin.topic}-{origin.partition}-{origin.offset}"
