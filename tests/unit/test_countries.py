"""The CLDR country and continent KB: complete, bilingual, uniquely and stably slugged."""

from __future__ import annotations

import re

import pytest

from streams.kb import KbEntity
from streams.kb.countries import country_entities, country_stop_phrases
from streams.slug import entity_topic, is_slug, is_topic_name

ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def by_code() -> dict[str, KbEntity]:
    return {entity.id.removeprefix("cldr:"): entity for entity in country_entities()}


def test_every_country_territory_and_continent_and_nothing_else(
    by_code: dict[str, KbEntity],
) -> None:
    assert len(by_code) > 240
    numeric = {code for code in by_code if not re.fullmatch("[A-Z]{2}", code)}
    assert numeric == {"002", "003", "005", "009", "019", "142", "150", "419"}
    for code in ("ZZ", "QO", "EZ", "XA", "XB", "001", "015", "145"):
        assert code not in by_code
    for code in ("RU", "UA", "KZ", "US", "GB", "IN", "BR", "UZ", "PS", "XK", "HK", "AQ"):
        assert code in by_code


def test_every_entry_has_english_and_arabic_names() -> None:
    for entity in country_entities():
        assert entity.name_en.strip() and not ARABIC.search(entity.name_en)
        assert ARABIC.search(entity.name_ar), entity
        assert entity.source == "cldr"
        assert re.fullmatch(r"cldr:([A-Z]{2}|\d{3})", entity.id), entity.id


def test_eu_and_un_are_organizations(by_code: dict[str, KbEntity]) -> None:
    assert by_code["EU"].type == by_code["UN"].type == "organization"
    others = {e.type for code, e in by_code.items() if code not in {"EU", "UN"}}
    assert others == {"location"}


def test_slugs_are_unique_valid_topics() -> None:
    entities = country_entities()
    slugs = [entity.slug for entity in entities]
    assert len(set(slugs)) == len(slugs)
    for entity in entities:
        assert is_slug(entity.slug)
        assert is_topic_name(entity_topic(entity.type, entity.slug, "some-prefix."))


def test_slugs_are_pinned(by_code: dict[str, KbEntity]) -> None:
    # Topic names are a public contract: a Babel upgrade renaming one must fail here.
    pinned = {
        "RU": "russia",
        "UA": "ukraine",
        "KZ": "kazakhstan",
        "US": "united-states",
        "GB": "united-kingdom",
        "IN": "india",
        "BR": "brazil",
        "UZ": "uzbekistan",
        "SA": "saudi-arabia",
        "EU": "european-union",
        "UN": "united-nations",
    }
    assert {code: by_code[code].slug for code in pinned} == pinned


def test_curated_aliases(by_code: dict[str, KbEntity]) -> None:
    assert {"أمريكا", "امريكا", "America"} <= set(by_code["US"].aliases)
    assert {"بريطانيا", "Britain"} <= set(by_code["GB"].aliases)
    assert "الإمارات" in by_code["AE"].aliases
    assert {"روسيا الاتحادية", "Russian Federation"} <= set(by_code["RU"].aliases)
    assert "Turkey" in by_code["TR"].aliases


def test_cldr_regional_spellings_are_aliases(by_code: dict[str, KbEntity]) -> None:
    assert {"St Lucia", "Saint Lucia"} <= set(by_code["LC"].aliases)
    assert "Trinidad and Tobago" in by_code["TT"].aliases
    assert "سبتة ومليلية" in by_code["EA"].aliases


def test_aliases_never_repeat_a_name() -> None:
    for entity in country_entities():
        assert len(set(entity.names)) == len(entity.names), entity.id


def test_stop_phrases_include_the_ambiguous_words() -> None:
    assert {"عمان", "مالي", "هند", "Central America"} <= set(country_stop_phrases())
    assert "Latin America" not in country_stop_phrases()  # a KB continent now


def test_built_once() -> None:
    assert country_entities() is country_entities()


def test_kb_entity_checks_its_invariants() -> None:
    with pytest.raises(ValueError):
        KbEntity("x:1", "place", "X", "س", "x", "test")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        KbEntity("x:1", "location", "X", " ", "x", "test")
