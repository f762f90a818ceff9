"""Topic policy: KB entities at once, discovered ones after N mentions in M articles, capped."""

from __future__ import annotations

from typing import Any

import pytest

from streams import schemas
from streams.settings import Settings
from streams.stages.topic_policy import PolicyConfig, apply_policy, registry_record


def entity(entity_id: str, *, kb: bool, count: int = 1, slug: str = "x", **extra: Any) -> dict:
    return {
        "id": entity_id,
        "type": "person",
        "name": extra.get("name", entity_id),
        "name_ar": None,
        "names": [extra.get("name", entity_id)],
        "slug": slug,
        "topic": "entity.person." + slug if kb else None,
        "kb": kb,
        "count": count,
        "salience": 0.5,
        "mentions": [],
    }


def run(store: dict, entities: list[dict], article: str, config: PolicyConfig, at: str = "T1"):
    return apply_policy(
        entities, article_id=article, seen_at=at, store=store, config=config, topic_prefix="p."
    )


def test_kb_entity_gets_its_topic_on_first_mention() -> None:
    store: dict = {}
    result = run(
        store, [entity("kb:person:putin", kb=True, slug="vladimir-putin")], "a1", PolicyConfig()
    )
    (decided,) = result.entities
    assert decided["topic"] == "p.entity.person.vladimir-putin"
    (record,) = result.registry
    assert record["id"] == "kb:person:putin" and record["kb"] is True
    assert record["mentions"] == record["articles"] == 1
    assert schemas.errors("entity.registry", record) == []


def test_discovered_entity_waits_for_mentions_across_articles() -> None:
    config = PolicyConfig(min_mentions=3, min_articles=2)
    store: dict = {}
    new = entity("ner:person:zyd", kb=False, count=2, slug="zyd")
    first = run(store, [new], "a1", config)
    assert first.entities[0]["topic"] is None and first.registry == []
    # Three mentions now, but in one article only.
    again = run(store, [new], "a1", config)  # re-delivery of a1: not counted twice
    assert again.entities[0]["topic"] is None
    assert store["entity:ner:person:zyd"]["mentions"] == 2
    second = run(
        store, [entity("ner:person:zyd", kb=False, count=1, slug="zyd")], "a2", config, at="T0"
    )
    assert second.entities[0]["topic"] == "p.entity.person.zyd"
    (record,) = second.registry
    assert (record["mentions"], record["articles"], record["first_seen"]) == (3, 2, "T0")
    assert record["last_seen"] == "T1"
    assert schemas.errors("entity.registry", record) == []


def test_cap_on_discovered_topics() -> None:
    config = PolicyConfig(min_mentions=1, min_articles=1, max_topics=2)
    store: dict = {}
    found = [entity(f"ner:person:n{i}", kb=False, slug=f"n{i}") for i in range(4)]
    result = run(store, [*found, entity("kb:person:k", kb=True, slug="k")], "a1", config)
    topics = [e["topic"] for e in result.entities]
    assert topics[:2] == ["p.entity.person.n0", "p.entity.person.n1"]
    assert topics[2:4] == [None, None]
    assert topics[4] == "p.entity.person.k"  # the KB is not capped: it is bounded and curated


def test_slug_collisions_get_a_stable_hash_suffix() -> None:
    config = PolicyConfig(
        min_mentions=1, min_articles=1, reserved_slugs=frozenset({("person", "kb-name")})
    )
    store: dict = {}
    result = run(
        store,
        [
            entity("ner:person:a", kb=False, slug="same"),
            entity("ner:person:b", kb=False, slug="same"),
            entity("ner:person:c", kb=False, slug="kb-name"),
        ],
        "a1",
        config,
    )
    slugs = [e["slug"] for e in result.entities]
    assert slugs[0] == "same"
    assert slugs[1].startswith("same-") and len(slugs[1]) == len("same-") + 6
    assert slugs[2].startswith("kb-name-")
    other: dict = {}
    again = run(
        other,
        [
            entity("ner:person:a", kb=False, slug="same"),
            entity("ner:person:b", kb=False, slug="same"),
        ],
        "a9",
        config,
    )
    assert [e["slug"] for e in again.entities] == slugs[:2]  # stable across runs


def test_granted_topic_sticks_and_registry_counts_grow() -> None:
    config = PolicyConfig(min_mentions=1, min_articles=1)
    store: dict = {}
    run(store, [entity("ner:person:a", kb=False, slug="a")], "a1", config)
    result = run(store, [entity("ner:person:a", kb=False, slug="a", count=4)], "a2", config)
    assert result.entities[0]["topic"] == "p.entity.person.a"
    assert result.registry[0]["mentions"] == 5
    assert store["topics:discovered"] == 1


def test_replay_gets_the_topic_decision_it_had_the_first_time() -> None:
    """a1 came before the grant at a2: replaying a1 after it (a crash re-delivers
    it, maybe re-sent at a later offset) must not send it to the topic it did
    not reach the first time, nor change its slug."""
    # "a" is taken by the KB, so the grant also changes the slug
    config = PolicyConfig(
        min_mentions=2, min_articles=2, reserved_slugs=frozenset({("person", "a")})
    )
    store: dict = {}
    first = run(store, [entity("ner:person:a", kb=False, slug="a")], "a1", config)
    granted = run(store, [entity("ner:person:a", kb=False, slug="a")], "a2", config)
    replay = run(store, [entity("ner:person:a", kb=False, slug="a")], "a1", config)
    replay_of_grant = run(store, [entity("ner:person:a", kb=False, slug="a")], "a2", config)
    assert first.entities[0]["topic"] is None and replay.entities == first.entities
    assert replay.registry == []
    assert replay_of_grant.entities == granted.entities
    granted_topic = granted.entities[0]["topic"]
    assert granted_topic.startswith("p.entity.person.a-") and first.entities[0]["slug"] == "a"
    later = run(store, [entity("ner:person:a", kb=False, slug="a")], "a3", config)
    assert later.entities[0]["topic"] == granted_topic
    assert store["entity:ner:person:a"]["articles"] == 3


def test_inputs_are_not_mutated() -> None:
    original = entity("ner:person:a", kb=False, slug="a")
    snapshot = dict(original)
    run({}, [original], "a1", PolicyConfig(min_mentions=1, min_articles=1))
    assert original == snapshot


def test_config_from_settings_reserves_kb_slugs() -> None:
    settings = Settings.from_env(
        {
            "NEWSSTREAMS_ENTITY_MIN_MENTIONS": "7",
            "NEWSSTREAMS_ENTITY_MIN_ARTICLES": "4",
            "NEWSSTREAMS_ENTITY_TOPIC_CAP": "10",
        }
    )
    config = PolicyConfig.from_settings(settings)
    assert (config.min_mentions, config.min_articles, config.max_topics) == (7, 4, 10)
    assert ("location", "russia") in config.reserved_slugs
    assert ("person", "vladimir-putin") in config.reserved_slugs


def test_registry_record_shape() -> None:
    state = {
        "id": "cldr:RU",
        "type": "location",
        "name": "Russia",
        "name_ar": "روسيا",
        "names": ["روسيا"],
        "slug": "russia",
        "topic": "entity.location.russia",
        "kb": True,
        "first_seen": "2015-07-22T00:00:00Z",
        "last_seen": "2015-07-22T01:00:00Z",
        "mentions": 3,
        "articles": 2,
        "recent": ["a"],
    }
    record = registry_record(state)
    assert "recent" not in record
    assert schemas.errors("entity.registry", record) == []


@pytest.mark.parametrize(
    "name", ["NEWSSTREAMS_ENTITY_MIN_MENTIONS", "NEWSSTREAMS_ENTITY_MIN_ARTICLES"]
)
def test_thresholds_must_be_positive(name: str) -> None:
    from streams.settings import SettingsError

    with pytest.raises(SettingsError):
        Settings.from_env({name: "0"})
