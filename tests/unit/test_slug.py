"""Slugs and entity topic names: ASCII, stable, never empty, always legal."""

from __future__ import annotations

import pytest

from streams.slug import MAX_TOPIC_LEN, entity_topic, is_slug, is_topic_name, slugify

HOSTILE = [
    "",
    " ",
    "...",
    "--",
    "../",
    "../../etc/passwd",
    "🔥🇺🇦",
    "日本",
    "\x00\x01",
    "a" * 1000,
    "\u202eevil\u202c",
    "Robert'); DROP TABLE topics;--",
]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Russia", "russia"),
        ("United States", "united-states"),
        ("  United   Kingdom ", "united-kingdom"),
        ("Côte d’Ivoire", "cote-d-ivoire"),
        ("São Tomé & Príncipe", "sao-tome-principe"),
        ("Straße Łódź", "strasse-lodz"),
        ("--a--b--", "a-b"),
        ("G20 2024", "g20-2024"),
    ],
)
def test_latin_text_is_ascii_folded(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_arabic_is_transliterated_and_ignores_diacritics() -> None:
    assert slugify("روسيا") == "rwsya"
    assert slugify("الولايات المتحدة") == "alwlayat-almthdp"
    assert slugify("عُمان") == slugify("عمان")
    assert slugify("٢٠٢٤") == "2024"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_still_gives_a_valid_slug(text: str) -> None:
    slug = slugify(text)
    assert is_slug(slug)
    assert 1 <= len(slug) <= 80
    assert slug == slugify(text)
    assert is_topic_name(entity_topic("person", slug))


def test_fallback_is_a_stable_hash_of_the_input() -> None:
    # sha256, not hash(): the same on every run and machine.
    assert slugify("") == "x-e3b0c442"
    assert slugify("🔥") != slugify("🔥🔥")
    assert slugify("../").startswith("x-")


def test_max_len_cuts_without_leaving_a_hyphen() -> None:
    slug = slugify("ab-" * 50, max_len=10)
    assert slug == "ab-ab-ab-a"
    assert slugify("abcdefghi jkl", max_len=10) == "abcdefghi"
    assert len(slugify("x" * 500)) == 80
    with pytest.raises(ValueError):
        slugify("anything", max_len=9)


def test_entity_topic() -> None:
    assert entity_topic("location", "russia") == "entity.location.russia"
    assert entity_topic("organization", "united-nations", "dev.") == (
        "dev.entity.organization.united-nations"
    )
    assert entity_topic("person", "x-e3b0c442") == "entity.person.x-e3b0c442"


@pytest.mark.parametrize(
    ("entity_type", "slug", "prefix"),
    [
        ("place", "russia", ""),
        ("Location", "russia", ""),
        ("location", "", ""),
        ("location", "../russia", ""),
        ("location", "a.b", ""),
        ("location", "Russia", ""),
        ("location", "-russia", ""),
        ("location", "russia", "bad prefix/"),
        ("location", "russia", "p" * MAX_TOPIC_LEN),
    ],
)
def test_entity_topic_rejects_what_would_be_illegal(
    entity_type: str, slug: str, prefix: str
) -> None:
    with pytest.raises(ValueError):
        entity_topic(entity_type, slug, prefix)


def test_topic_name_rules() -> None:
    assert is_topic_name("entity.location.russia")
    assert is_topic_name("a" * MAX_TOPIC_LEN)
    assert not is_topic_name("a" * (MAX_TOPIC_LEN + 1))
    assert not is_topic_name("")
    assert not is_topic_name(".")
    assert not is_topic_name("..")
    assert not is_topic_name("entity/location")
