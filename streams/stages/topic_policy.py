"""Topic policy: which entities get an ``entity.<type>.<slug>`` topic, and the registry of them.

Topics are the product, and junk topics are its failure mode, so:

* a **KB entity** (curated or from CLDR) gets its topic on first mention:
  someone chose it, its slug is pinned, and the KB is bounded;
* a **discovered entity** (found by the CRF, unknown to the KB) gets one only
  once it has ``min_mentions`` mentions across ``min_articles`` distinct
  articles: a name the news keeps using is real, a one-off tagging error is
  not; and only while fewer than ``max_topics`` discovered topics exist, so
  a runaway tagger can never flood the cluster;
* every granted entity has a record in the compacted ``entities.registry``
  topic, keyed by entity id (names, topic, type, first seen, counts, KB or
  discovered), re-emitted whenever an article mentions it, so the latest
  record per key is always current and subscribers can discover streams.

Slugs stay unique per type: a discovered entity whose transliterated slug
is taken (by a KB entity or another discovered one) gets ``-`` and six hex
digits of the SHA-256 of its id, stable across runs.

State lives in a store with ``get`` and ``__setitem__`` (a Faust table in
the worker, a dict offline), under three kinds of keys: ``entity:<id>``
(counts and topic), ``slug:<type>.<slug>`` (who owns a slug) and
``topics:discovered`` (how many discovered topics were granted). Counting is
per article id and idempotent for the article's re-delivery: the last few
article ids of each entity are kept and a repeat is not counted again.

A re-delivered article also gets the same decision as the first time: each
entity keeps, with the ids of its last articles, the topic and slug each of
them got, and a repeat gets those back. Without it, an article replayed after
a crash (possibly re-sent by ingest, so at a later offset) could reach an
entity topic it did not reach the first time, because the entity earned its
topic in between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from streams.settings import Settings
from streams.slug import entity_topic

STAGE = "topic_policy"
#: The logical name of the compacted registry topic (prefix it like any topic).
REGISTRY_TOPIC = "entities.registry"
_RECENT_ARTICLES = 32
_MAX_NAMES = 10
_COUNT_KEY = "topics:discovered"


class Store(Protocol):
    """What the policy needs from its state: a Faust table or a dict."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def __setitem__(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class PolicyConfig:
    """Thresholds (``NEWSSTREAMS_ENTITY_*`` settings)."""

    min_mentions: int = 5
    min_articles: int = 3
    max_topics: int = 2000
    reserved_slugs: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """``(type, slug)`` pairs discovered entities may not take (the KB's)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> PolicyConfig:
        """Thresholds from settings; the whole KB's slugs reserved."""
        from streams.kb.catalog import kb_entities

        return cls(
            min_mentions=settings.entity_min_mentions,
            min_articles=settings.entity_min_articles,
            max_topics=settings.entity_topic_cap,
            reserved_slugs=frozenset((e.type, e.slug) for e in kb_entities()),
        )


@dataclass
class PolicyResult:
    """The article's entities with topics decided, and the registry records to publish."""

    entities: list[dict[str, Any]]
    registry: list[dict[str, Any]]
    """Values for ``entities.registry``, each keyed by its ``id``."""


def apply_policy(
    entities: Sequence[dict[str, Any]],
    *,
    article_id: str,
    seen_at: str,
    store: Store,
    config: PolicyConfig,
    topic_prefix: str = "",
) -> PolicyResult:
    """Count ``entities`` (the tag stage's records for article ``article_id``,
    seen at RFC 3339 time ``seen_at``) and decide their topics.

    Returns new entity records (inputs are not mutated): granted ones carry
    their topic and final slug, the others ``topic: None``.
    """
    decided = []
    registry = []
    for entity in entities:
        old = store.get(f"entity:{entity['id']}")
        earlier = _earlier_decision(old, article_id)
        state = _counted(old, entity, seen_at, repeat=earlier is not None)
        if earlier is None:
            if state["topic"] is None:
                _grant(state, entity, store, config, topic_prefix)
            earlier = (state["topic"], state["slug"])
            state["recent"] = [*state["recent"], [article_id, *earlier]][-_RECENT_ARTICLES:]
        store[f"entity:{entity['id']}"] = state
        topic, slug = earlier
        decided.append({**entity, "slug": slug, "topic": topic})
        if topic is not None:
            registry.append(registry_record(state))
    return PolicyResult(decided, registry)


def _earlier_decision(state: dict[str, Any] | None, article_id: str) -> tuple[Any, Any] | None:
    """(topic, slug) the entity got in ``article_id`` before, if it is a repeat."""
    for seen_id, topic, slug in (state or {}).get("recent", ()):
        if seen_id == article_id:
            return topic, slug
    return None


def registry_record(state: dict[str, Any]) -> dict[str, Any]:
    """The ``entities.registry`` value for an entity's state."""
    return {
        "id": state["id"],
        "type": state["type"],
        "name": state["name"],
        "name_ar": state["name_ar"],
        "names": list(state["names"]),
        "slug": state["slug"],
        "topic": state["topic"],
        "kb": state["kb"],
        "first_seen": state["first_seen"],
        "last_seen": state["last_seen"],
        "mentions": state["mentions"],
        "articles": state["articles"],
    }


def _counted(
    old: dict[str, Any] | None, entity: dict[str, Any], seen_at: str, *, repeat: bool
) -> dict[str, Any]:
    """The entity's state after this article (unchanged counts on a repeat)."""
    state = (
        dict(old)
        if old
        else {
            "id": entity["id"],
            "type": entity["type"],
            "slug": entity["slug"],
            "topic": None,
            "kb": entity["kb"],
            "first_seen": seen_at,
            "last_seen": seen_at,
            "mentions": 0,
            "articles": 0,
            "recent": [],
            "names": [],
        }
    )
    state["name"], state["name_ar"] = entity["name"], entity.get("name_ar")
    state["names"] = _merged(state["names"], entity.get("names", ()))
    if not repeat:
        state["mentions"] += entity["count"]
        state["articles"] += 1
        state["first_seen"] = min(state["first_seen"], seen_at)
        state["last_seen"] = max(state["last_seen"], seen_at)
    return state


def _grant(
    state: dict[str, Any],
    entity: dict[str, Any],
    store: Store,
    config: PolicyConfig,
    topic_prefix: str,
) -> None:
    if entity["kb"]:
        state["topic"] = entity_topic(state["type"], state["slug"], topic_prefix)
        return
    if state["mentions"] < config.min_mentions or state["articles"] < config.min_articles:
        return
    granted = store.get(_COUNT_KEY, 0)
    if granted >= config.max_topics:
        return
    slug = state["slug"]
    owner = store.get(f"slug:{state['type']}.{slug}")
    if (state["type"], slug) in config.reserved_slugs or owner not in (None, state["id"]):
        slug = f"{slug[:70]}-{hashlib.sha256(state['id'].encode()).hexdigest()[:6]}"
    store[f"slug:{state['type']}.{slug}"] = state["id"]
    store[_COUNT_KEY] = granted + 1
    state["slug"] = slug
    state["topic"] = entity_topic(state["type"], slug, topic_prefix)


def _merged(names: Iterable[str], more: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*names, *more]))[:_MAX_NAMES]
