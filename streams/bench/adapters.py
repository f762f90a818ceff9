"""The one place the benchmark calls the pipeline's stages.

Every other module in :mod:`streams.bench` reaches the stages through
:data:`STAGES`, :data:`PIPELINE`, :func:`new_dedup_store`,
:func:`dedup_window` and :func:`token_types`, so when a stage's signature
changes, this file is the only one to update.

Each adapter takes the bench context and its stage's input, and returns the
next stage's input, or :data:`STOP` when the article leaves the chain here
(invalid, or a duplicate), exactly as in :class:`streams.pipeline.Pipeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streams.models import Message, Origin, StageError
from streams.pipeline import Pipeline, Prepared, Result
from streams.settings import Settings
from streams.stages import enrich, validate
from streams.stages.dedup import Store
from streams.stages.minhash import Sketch

STOP = None


def new_dedup_store() -> Store:
    """The dedup state a fresh worker starts with (the offline mode's dict)."""
    return {}


def dedup_window(ctx: StageContext) -> int:
    """How many articles the dedup state in ``ctx`` holds (the x axis of the
    dedup window benchmark)."""
    return ctx.pipeline.deduplicator.window(ctx.store)


def token_types(ctx: StageContext) -> int:
    """How many token types the tagger's lexicon holds: it interns each new
    word form once, so the growth over a pass counts the new words the pass
    met (the lexicon empties itself past its limit, so the count can fall)."""
    return len(ctx.pipeline.tagger.detector.lexicon)


@dataclass
class StageContext:
    """What the stages need besides the article: settings, the tagger the
    pipeline built (models load once per process) and the dedup state."""

    settings: Settings
    pipeline: Pipeline
    store: Store = field(default_factory=new_dedup_store)

    @classmethod
    def create(cls, settings: Settings) -> StageContext:
        return cls(settings, Pipeline(settings))


@dataclass(frozen=True)
class BenchInput:
    """One raw message as the worker receives it."""

    raw: bytes
    origin: Origin


@dataclass(frozen=True)
class StageAdapter:
    """A stage by name, and how to call it on the previous stage's output."""

    name: str
    call: Callable[[StageContext, Any], Any]


def _validate(ctx: StageContext, item: BenchInput) -> tuple[dict[str, Any], Origin] | None:
    try:
        article = validate.validate(
            item.raw,
            max_message_bytes=ctx.settings.max_message_bytes,
            max_body_chars=ctx.settings.max_body_chars,
        )
    except StageError:
        return STOP
    return article, item.origin


def _enrich(ctx: StageContext, item: tuple[dict[str, Any], Origin]) -> enrich.Enriched | None:
    article, origin = item
    enriched = enrich.enrich_with_forms(
        article,
        origin,
        source_timezone=ctx.settings.source_timezone,
        future_tolerance_seconds=ctx.settings.future_tolerance_seconds,
    )
    # Pipeline.prepare dead-letters what cleaning left empty
    record = enriched.record
    return enriched if record["title"] or record["body"] else STOP


def _sketch(ctx: StageContext, enriched: enrich.Enriched) -> tuple[dict[str, Any], Sketch | None]:
    """The sketch from the matching forms enrich made, as in :class:`Pipeline`."""
    forms = (enriched.title_form, enriched.body_form)
    return enriched.record, ctx.pipeline.deduplicator.sketch(enriched.record, forms)


def _dedup(ctx: StageContext, item: tuple[dict[str, Any], Sketch | None]) -> dict[str, Any] | None:
    article, sketch = item
    decision = ctx.pipeline.deduplicator.decide(article, sketch, ctx.store)
    return STOP if decision.is_duplicate else {**article, "story_id": decision.story_id}


def _tag(ctx: StageContext, enriched: enrich.Enriched) -> enrich.Enriched:
    article = enriched.record
    entities = ctx.pipeline.tagger.tag(
        article["title"], article["body"], topic_prefix=ctx.settings.topic_prefix
    )
    return enriched._replace(record={**article, "entities": entities})


def _route(ctx: StageContext, article: dict[str, Any]) -> list[Message]:
    """Topic policy and route, as :meth:`Pipeline.finish` chains them."""
    finished = ctx.pipeline.finish(Prepared(article, ""), ctx.store)
    return finished.messages


VALIDATE = StageAdapter("validate", _validate)
ENRICH = StageAdapter("enrich", _enrich)
TAG = StageAdapter("tag", _tag)
SKETCH = StageAdapter("dedup: sketch", _sketch)
DEDUP = StageAdapter("dedup: decide", _dedup)
ROUTE = StageAdapter("topic policy + route", _route)

STAGES: tuple[StageAdapter, ...] = (VALIDATE, ENRICH, TAG, SKETCH, DEDUP, ROUTE)
"""The chain in pipeline order; the offline bench times each over the
outputs the previous one produced in the same pass. The dedup stage is two
rows because the worker splits it: the MinHash sketch runs in parallel with
ingest, the decision on the single partition that orders all articles."""


def _pipeline(ctx: StageContext, item: BenchInput) -> Result:
    return ctx.pipeline.process(item.raw, item.origin, ctx.store)


PIPELINE = StageAdapter("pipeline", _pipeline)
"""The whole chain as the worker runs it, including what the stages leave to
the pipeline (stage metrics, encoding check, dead-lettering)."""
