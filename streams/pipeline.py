"""The stages chained as plain calls, shared by the Faust agents and the
offline mode (``newsstreams process``) so the two can never drift.

The chain is cut in two because dedup state is partitioned by content hash,
not by article id:

* :meth:`Pipeline.prepare` (validate → enrich) runs where the raw message
  lands and yields either a dead letter or a *prepared* record keyed by
  its content hash;
* :meth:`Pipeline.finish` (dedup → tag → route) runs where that hash's
  state lives and yields the messages to publish.

Both catch every exception from a stage and turn it into a dead letter, so
one bad article can never stop the worker.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import orjson

from streams import schemas
from streams.models import (
    OUTCOME_DEADLETTER,
    OUTCOME_DUPLICATE,
    OUTCOME_ENRICHED,
    Message,
    Origin,
    StageError,
    dead_letter,
    dead_letter_key,
)
from streams.settings import Settings
from streams.stages import dedup as dedup_stage
from streams.stages import enrich as enrich_stage
from streams.stages import route as route_stage
from streams.stages import tag as tag_stage
from streams.stages import validate as validate_stage
from streams.stages.dedup import Store


@dataclass(frozen=True)
class Prepared:
    """A validated, enriched article on its way to dedup.

    It carries the raw text so that a failure in a later stage can still
    dead-letter the exact original bytes (validated input is UTF-8, so the
    text round-trips to the same bytes).
    """

    key: str
    article: dict[str, Any]
    raw_text: str

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "raw_text": self.raw_text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prepared:
        article = data["article"]
        return cls(article["content_hash"], article, data["raw_text"])


@dataclass
class Result:
    """What one raw message produced: its outcome kind and the messages."""

    outcome: str
    messages: list[Message] = field(default_factory=list)


class Pipeline:
    """validate → enrich → dedup → tag → route, configured once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enriched_topic = settings.topic("articles.enriched")
        self.duplicates_topic = settings.topic("articles.duplicates")
        self.deadletter_topic = settings.topic("articles.deadletter")
        self.tagger = tag_stage.get_tagger()

    def prepare(self, raw: bytes, origin: Origin, raw_key: str | None = None) -> Prepared | Result:
        """Validate and enrich ``raw``; a :class:`Result` means it was dead-lettered.

        ``raw_key`` (the Kafka key it arrived with) keys the dead letter when
        no article id can be derived from the message itself.
        """
        stage = validate_stage.STAGE
        article_id = None
        try:
            article = validate_stage.validate(
                raw,
                max_message_bytes=self.settings.max_message_bytes,
                max_body_chars=self.settings.max_body_chars,
            )
            article_id = article["id"]
            stage = enrich_stage.STAGE
            enriched = enrich_stage.enrich(
                article, origin, source_timezone=self.settings.source_timezone
            )
            if not enriched["title"] and not enriched["body"]:
                raise StageError(
                    stage,
                    "no_text",
                    "nothing readable is left of title and body after cleaning",
                    article_id,
                )
            return Prepared(enriched["content_hash"], enriched, raw.decode("utf-8"))
        except StageError as exc:
            return self._dead(exc, raw, origin, raw_key)
        except Exception as exc:  # any bug in a stage dead-letters one article only
            return self._dead(_unexpected(stage, exc, article_id), raw, origin, raw_key)

    def finish(self, prepared: Prepared, store: Store) -> Result:
        """Dedup, tag and route a prepared article against ``store``."""
        article = prepared.article
        stage = dedup_stage.STAGE
        try:
            notice = dedup_stage.dedup(article, store)
            if notice is not None:
                return self._checked(
                    OUTCOME_DUPLICATE,
                    [Message(self.duplicates_topic, article["id"], notice)],
                    schemas.DUPLICATE,
                )
            stage = tag_stage.STAGE
            tagged = {
                **article,
                "entities": self.tagger.tag(
                    article["title"], article["body"], topic_prefix=self.settings.topic_prefix
                ),
            }
            stage = route_stage.STAGE
            return self._checked(
                OUTCOME_ENRICHED, route_stage.route(tagged, self.enriched_topic), schemas.ENRICHED
            )
        except Exception as exc:
            error = exc if isinstance(exc, StageError) else _unexpected(stage, exc, article["id"])
            raw = prepared.raw_text.encode("utf-8")
            return self._dead(error, raw, Origin.from_dict(article["origin"]))

    def process(
        self, raw: bytes, origin: Origin, store: Store, raw_key: str | None = None
    ) -> Result:
        """The whole chain in one call (offline mode, tests, benchmarks)."""
        prepared = self.prepare(raw, origin, raw_key)
        if isinstance(prepared, Result):
            return prepared
        return self.finish(prepared, store)

    def _checked(self, outcome: str, messages: list[Message], schema: str) -> Result:
        """Fail loudly (into a dead letter) rather than publish a record that
        breaks the contract or cannot be encoded."""
        head = messages[0].value
        problems = schemas.errors(schema, head)
        if problems:
            raise StageError(
                "route", "stage_error", "output violates schema: " + "; ".join(problems)
            )
        for message in messages:
            orjson.dumps(message.value)
        return Result(outcome, messages)

    def _dead(
        self, error: StageError, raw: bytes, origin: Origin, raw_key: str | None = None
    ) -> Result:
        record = dead_letter(error, raw, origin)
        key = dead_letter_key(error.article_id or raw_key, origin)
        return Result(OUTCOME_DEADLETTER, [Message(self.deadletter_topic, key, record)])


def _unexpected(stage: str, exc: Exception, article_id: str | None) -> StageError:
    return StageError(stage, "stage_error", f"{type(exc).__name__}: {exc}", article_id)


def decode_original(dead: dict[str, Any]) -> bytes:
    """The exact original bytes a dead letter carries."""
    return base64.b64decode(dead["original_base64"])
