"""``POST /articles``: a JSON article, or an array of them, checked exactly as
the ingest agent checks a message on ``articles.raw``.

Each article is run through :func:`streams.stages.validate.validate` with the
worker's limits, so HTTP producers get, synchronously, the very reasons
(``schema``, ``too_large``, …) a Kafka producer would find on the dead-letter
topic. A body that is not a JSON object or array is itself validated as one
message, so it gets ``invalid_json``, ``invalid_utf8`` or ``not_an_object``
like a Kafka message would.

All or nothing: one invalid article rejects the request, so a client fixes
and re-sends one batch instead of working out which part went in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from streams.models import StageError
from streams.settings import Settings
from streams.stages import validate as validate_stage


@dataclass(frozen=True)
class Accepted:
    """Raw messages to produce to ``articles.raw``, keyed by article id, in
    request order. ``value`` is the bytes a Kafka producer would have sent."""

    messages: list[tuple[str, bytes]]

    @property
    def ids(self) -> list[str]:
        return [key for key, _ in self.messages]


@dataclass(frozen=True)
class Rejected:
    """Why the request was refused: one entry per invalid article."""

    errors: list[dict[str, Any]]


def parse_articles(body: bytes, settings: Settings) -> Accepted | Rejected:
    """Split ``body`` into articles and validate each one."""
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        decoded = None
    if isinstance(decoded, list):
        if not decoded:
            return Rejected([_error(None, "empty", "the array holds no article")])
        items = [orjson.dumps(item) for item in decoded]
    else:
        # An object goes on as the client wrote it; anything else is judged
        # by validate itself (invalid_json, invalid_utf8, not_an_object).
        items = [body]
    messages: list[tuple[str, bytes]] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(items):
        try:
            article = validate_stage.validate(
                raw,
                max_message_bytes=settings.max_message_bytes,
                max_body_chars=settings.max_body_chars,
            )
        except StageError as exc:
            errors.append(_error(index, exc.reason, exc.error, exc.article_id))
            continue
        # The article id is the key streams.kafka_io.produce would use
        # (message_key: article_id of the decoded object).
        messages.append((article["id"], raw))
    if errors:
        return Rejected(errors)
    return Accepted(messages)


def _error(index: int | None, reason: str, error: str, article_id: str | None = None) -> dict:
    return {"index": index, "id": article_id, "reason": reason, "error": error}
