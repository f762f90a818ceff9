"""The whole knowledge base: every source's entities and stop phrases, checked together.

Sources are independent modules (CLDR countries, CLDR and curated cities,
curated people and organisations); this module joins them and enforces what
only holds across sources: ids unique, slugs unique within a type (they
become topic names), and a city never shadowing a country's name.
"""

from __future__ import annotations

from functools import cache

from streams.kb import KbEntity
from streams.kb.cities import city_entities, city_stop_phrases
from streams.kb.countries import country_entities, country_stop_phrases
from streams.kb.curated import curated_entities, curated_stop_phrases
from streams.text.normalize import matching_form


@cache
def kb_entities() -> tuple[KbEntity, ...]:
    """Every KB entity: countries, cities, people, organisations."""
    countries = country_entities()
    country_names = frozenset(
        matching_form(name) for entity in countries for name in (*entity.names, *entity.demonyms)
    )
    country_slugs = frozenset(entity.slug for entity in countries if entity.type == "location")
    entities = (*countries, *city_entities(country_names, country_slugs), *curated_entities())
    ids: set[str] = set()
    slugs: set[tuple[str, str]] = set()
    for entity in entities:
        if entity.id in ids or (entity.type, entity.slug) in slugs:
            raise ValueError(f"KB: duplicate id or slug at {entity.id} ({entity.slug})")
        ids.add(entity.id)
        slugs.add((entity.type, entity.slug))
    return entities


@cache
def kb_stop_phrases() -> tuple[str, ...]:
    """Every source's stop phrases."""
    return (*country_stop_phrases(), *city_stop_phrases(), *curated_stop_phrases())
