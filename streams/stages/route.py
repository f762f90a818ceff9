"""Route stage: an enriched, tagged article becomes the messages to publish.

One record on ``articles.enriched`` and one on the topic of each entity the
article mentions that has one, all keyed by the article id.
"""

from __future__ import annotations

from typing import Any

from streams.models import Message

STAGE = "route"

ENTITY_FIELDS = (
    "id",
    "type",
    "name",
    "name_ar",
    "names",
    "slug",
    "topic",
    "kb",
    "count",
    "salience",
)


def route(article: dict[str, Any], enriched_topic: str) -> list[Message]:
    """Messages for ``article``: the enriched record, then one per entity
    that has a topic (a discovered entity may not have one yet)."""
    messages = [Message(enriched_topic, article["id"], article)]
    for entity in article["entities"]:
        if entity["topic"] is None:
            continue
        summary = {name: entity.get(name) for name in ENTITY_FIELDS}
        messages.append(
            Message(entity["topic"], article["id"], {"entity": summary, "article": article})
        )
    return messages
