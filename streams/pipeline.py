"""The stages chained as plain calls, shared by the Faust agents and the
offline mode (``newsstreams process``) so the two can never drift.

The chain is cut in two because dedup and the topic policy must see every
article in one order, while the expensive stages can run in parallel:

* :meth:`Pipeline.prepare` (validate → enrich → tag → sketch) runs where the
  raw message lands and yields either a dead letter or a *prepared* record
  carrying the article's entities and dedup sketch;
* :meth:`Pipeline.dedup` then :meth:`Pipeline.finish` (topic policy → route)
  run where the state lives (one partition, in order) and yield the
  duplicate notice, or the enriched article, its entity-topic messages and
  its ``entities.registry`` records.

Each catches every exception from a stage and turns it into a dead letter,
so one bad article can never stop the worker.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import orjson

from streams import metrics
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
from streams.stages import topic_policy
from streams.stages import validate as validate_stage
from streams.stages.dedup import DedupConfig, Deduplicator, Store
from streams.stages.minhash import Sketch

# Sketching is part of the dedup stage (its failures are dead-lettered as
# "dedup") but runs in ingest, apart from the decision: timed on its own.
SKETCH_METRIC = "sketch"


@dataclass(frozen=True)
class Prepared:
    """A validated, enriched, tagged article on its way to dedup (with its
    sketch) or, after dedup, to the topic policy and route (with its
    ``story_id``, without the sketch).

    It carries the raw text so that a failure in a later stage can still
    dead-letter the exact original bytes (validated input is UTF-8, so the
    text round-trips to the same bytes). Its Kafka key is the article id.
    """

    article: dict[str, Any]
    raw_text: str
    sketch: Sketch | None = None

    @property
    def key(self) -> str:
        return self.article["id"]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"article": self.article, "raw_text": self.raw_text}
        if self.sketch is not None:
            data["sketch"] = self.sketch.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prepared:
        sketch = data.get("sketch")
        return cls(data["article"], data["raw_text"], Sketch.from_dict(sketch) if sketch else None)


@dataclass
class Result:
    """What one raw message produced: its outcome kind and the messages."""

    outcome: str
    messages: list[Message] = field(default_factory=list)


class Pipeline:
    """validate → enrich → tag → dedup → topic policy → route, configured
    once per process.

    ``deduplicator`` keeps the LSH index of the last dedup store it was given.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enriched_topic = settings.topic("articles.enriched")
        self.duplicates_topic = settings.topic("articles.duplicates")
        self.deadletter_topic = settings.topic("articles.deadletter")
        self.registry_topic = settings.topic(topic_policy.REGISTRY_TOPIC)
        self.tagger = tag_stage.get_tagger()
        self.deduplicator = Deduplicator(DedupConfig.from_settings(settings))
        self.policy = topic_policy.PolicyConfig.from_settings(settings)

    def prepare(self, raw: bytes, origin: Origin, raw_key: str | None = None) -> Prepared | Result:
        """Validate, enrich, tag and sketch ``raw``; a :class:`Result` means it
        was dead-lettered.

        ``raw_key`` (the Kafka key it arrived with) keys the dead letter when
        no article id can be derived from the message itself.
        """
        stage = validate_stage.STAGE
        article_id = None
        try:
            with metrics.stage(stage):
                article = validate_stage.validate(
                    raw,
                    max_message_bytes=self.settings.max_message_bytes,
                    max_body_chars=self.settings.max_body_chars,
                )
            article_id = article["id"]
            stage = enrich_stage.STAGE
            with metrics.stage(stage):
                enriched, title_form, body_form = enrich_stage.enrich_with_forms(
                    article,
                    origin,
                    source_timezone=self.settings.source_timezone,
                    future_tolerance_seconds=self.settings.future_tolerance_seconds,
                )
                if not enriched["title"] and not enriched["body"]:
                    raise StageError(
                        stage,
                        "no_text",
                        "nothing readable is left of title and body after cleaning",
                        article_id,
                    )
            stage = tag_stage.STAGE
            with metrics.stage(stage):
                enriched["entities"] = self.tagger.tag(
                    enriched["title"], enriched["body"], topic_prefix=self.settings.topic_prefix
                )
            stage = dedup_stage.STAGE
            with metrics.stage(SKETCH_METRIC):
                sketch = self.deduplicator.sketch(enriched, (title_form, body_form))
            return Prepared(enriched, raw.decode("utf-8"), sketch)
        except StageError as exc:
            return self._dead(exc, raw, origin, raw_key)
        except Exception as exc:  # any bug in a stage dead-letters one article only
            return self._dead(_unexpected(stage, exc, article_id), raw, origin, raw_key)

    def dedup(self, prepared: Prepared, store: Store) -> Prepared | Result:
        """Decide a prepared article against the dedup state in ``store``.

        A :class:`Result` is its duplicate notice (or a dead letter); a
        :class:`Prepared` is the article with its ``story_id``, for :meth:`finish`.
        """
        article = prepared.article
        try:
            with metrics.stage(dedup_stage.STAGE):
                decision = self.deduplicator.decide(article, prepared.sketch, store)
            if decision.is_duplicate:
                notice = decision.notice(article)
                return self._checked(
                    OUTCOME_DUPLICATE,
                    [Message(self.duplicates_topic, article["id"], notice)],
                )
            return Prepared({**article, "story_id": decision.story_id}, prepared.raw_text)
        except Exception as exc:
            return self._dead_after_prepare(exc, dedup_stage.STAGE, prepared)

    def finish(self, prepared: Prepared, store: topic_policy.Store) -> Result:
        """Decide the entity topics of a deduplicated article against the policy
        state in ``store`` and route it: the enriched record, its entity-topic
        messages and the registry records of the entities it reached."""
        article = prepared.article
        stage = topic_policy.STAGE
        try:
            with metrics.stage(stage):
                decided = topic_policy.apply_policy(
                    article["entities"],
                    article_id=article["id"],
                    seen_at=article["ingested_at"],
                    store=store,
                    config=self.policy,
                    topic_prefix=self.settings.topic_prefix,
                )
            stage = route_stage.STAGE
            with metrics.stage(stage):
                routed = {**article, "entities": decided.entities}
                messages = route_stage.route(routed, self.enriched_topic)
            messages.extend(
                Message(self.registry_topic, record["id"], record) for record in decided.registry
            )
            return self._checked(OUTCOME_ENRICHED, messages)
        except Exception as exc:
            return self._dead_after_prepare(exc, stage, prepared)

    def process(
        self, raw: bytes, origin: Origin, store: Store, raw_key: str | None = None
    ) -> Result:
        """The whole chain in one call (offline mode, tests, benchmarks): dedup
        and topic policy share ``store`` (their keys do not overlap)."""
        prepared = self.prepare(raw, origin, raw_key)
        if isinstance(prepared, Result):
            return prepared
        unique = self.dedup(prepared, store)
        if isinstance(unique, Result):
            return unique
        return self.finish(unique, store)

    def _checked(self, outcome: str, messages: list[Message]) -> Result:
        """Fail into a dead letter, here, rather than crash the agent's send on a
        record orjson cannot encode. Only the first message is encoded: the
        entity-topic messages that may follow are made by route from that same
        article and its entity records, so they encode whenever it does.
        Schema conformance of outputs is proven by the test suites (unit,
        property, corpus), not re-checked per message: jsonschema took 45% of
        the pipeline's time (bench profile)."""
        orjson.dumps(messages[0].value)
        return Result(outcome, messages)

    def _dead_after_prepare(self, exc: Exception, stage: str, prepared: Prepared) -> Result:
        """Dead letter for an article that failed after :meth:`prepare`."""
        article = prepared.article
        error = exc if isinstance(exc, StageError) else _unexpected(stage, exc, article["id"])
        raw = prepared.raw_text.encode("utf-8")
        return self._dead(error, raw, Origin.from_dict(article["origin"]))

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
