"""Route stage: an enriched, tagged article becomes the messages to publish.

One record on ``articles.enriched`` and one on each entity topic the
article mentions, all keyed by the article id.
"""

from __future__ import annotations

from typing import Any

from streams.models import Message

STAGE = "route"

ENTITY_FIELDS = ("id", "type", "name", "name_ar", "slug", "topic", "count")


def route(article: dict[str, Any], enriched_topic: str) -> list[Message]:
    """Messages for ``article``: the enriched record, then one per entity."""
    messages = [Message(enriched_topic, article["id"], article)]
    for entity in article["entities"]:
        summary = {name: entity.get(name) for name in ENTITY_FIELDS}
        messages.append(
            Message(entity["topic"], article["id"], {"entity": summary, "article": article})
        )
    return messages
