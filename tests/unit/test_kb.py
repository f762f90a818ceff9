"""The whole KB: unique ids and slugs, curated people, organisations and regions,
demonyms, continents and cities."""

from __future__ import annotations

import pytest

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities, kb_stop_phrases
from streams.kb.curated import spelling_variants
from streams.ner.gazetteer import Gazetteer
from streams.slug import entity_topic, is_slug


@pytest.fixture(scope="module")
def by_id() -> dict[str, KbEntity]:
    return {entity.id: entity for entity in kb_entities()}


def test_ids_unique_and_slugs_unique_per_type_and_valid() -> None:
    entities = kb_entities()
    assert len({e.id for e in entities}) == len(entities)
    assert len({(e.type, e.slug) for e in entities}) == len(entities)
    for entity in entities:
        assert is_slug(entity.slug)
        entity_topic(entity.type, entity.slug, "prefix.")


def test_no_name_is_shared_between_two_entities() -> None:
    # A shared name is never tagged, so the KB must not create one by accident.
    assert Gazetteer(kb_entities(), kb_stop_phrases()).shared_names == frozenset()


def test_seed_people_and_organisations(by_id: dict[str, KbEntity]) -> None:
    for slug in (
        "vladimir-putin",
        "joe-biden",
        "recep-tayyip-erdogan",
        "kassym-jomart-tokayev",
        "alexander-lukashenko",
        "antony-blinken",
        "narendra-modi",
    ):
        assert by_id[f"kb:person:{slug}"].type == "person"
    for slug in (
        "nato",
        "collective-security-treaty-organization",
        "arab-league",
        "opec",
        "gulf-cooperation-council",
        "united-nations-general-assembly",
        "united-nations-human-rights-council",
        "associated-press",
    ):
        assert by_id[f"kb:organization:{slug}"].type == "organization"
    assert {"الناتو", "حلف الناتو", "NATO"} <= set(by_id["kb:organization:nato"].names)
    assert "بوتين" in by_id["kb:person:vladimir-putin"].aliases


def test_demonyms_are_derived_for_countries(by_id: dict[str, KbEntity]) -> None:
    russia = by_id["cldr:RU"]
    assert {"الروسي", "الروسية", "الروس", "Russian"} <= set(russia.demonyms)
    assert {"الكازاخستاني", "الكازاخستانية"} <= set(by_id["cldr:KZ"].demonyms)
    assert not set(russia.demonyms) & set(russia.names)


def test_cities_from_cldr_and_curated(by_id: dict[str, KbEntity]) -> None:
    assert by_id["cldr:tz:Europe/Moscow"].name_ar == "موسكو"
    assert by_id["cldr:tz:Asia/Riyadh"].slug == "riyadh"
    assert by_id["kb:location:jeddah"].name_ar == "جدة"
    assert by_id["cldr:tz:Asia/Hebron"].name_ar == "الخليل"
    # Left to the country of the same name, and common words left out.
    assert "cldr:tz:Asia/Kuwait" not in by_id
    assert "cldr:tz:Pacific/Chuuk" not in by_id  # ترك: 'left'


def test_continents_from_cldr_and_curated_regions(by_id: dict[str, KbEntity]) -> None:
    assert by_id["cldr:150"].slug == "europe"
    assert {"أوروبا", "أوربا", "Europe"} <= set(by_id["cldr:150"].names)
    assert by_id["cldr:002"].name_ar == "أفريقيا"
    assert "cldr:001" not in by_id  # العالم, 'the world'
    assert "cldr:015" not in by_id  # شمال أفريقيا: a compass direction, read as a region
    assert "الدانمارك" in by_id["cldr:DK"].aliases
    england = by_id["kb:location:england"]
    assert (england.type, england.slug, england.name_ar) == ("location", "england", "إنجلترا")
    assert "إنكلترا" in england.aliases
    assert "الضفة" not in by_id["kb:location:west-bank"].names  # 'the bank'


def test_abd_compounds_are_matched_split_and_joined() -> None:
    assert spelling_variants("عبد الفتاح السيسي") == ["عبد الفتاح السيسي", "عبدالفتاح السيسي"]
    assert spelling_variants("عبدالله") == ["عبدالله", "عبد الله"]
    assert spelling_variants("بوتين") == ["بوتين"]
