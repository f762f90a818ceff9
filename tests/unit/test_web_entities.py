"""The /entities index: newest registry record per id, normalised name search."""

from __future__ import annotations

from streams.web.entities import EntityIndex


def _record(entity_id, type_, name, name_ar, names, slug, mentions, articles=1):
    return {
        "id": entity_id,
        "type": type_,
        "name": name,
        "name_ar": name_ar,
        "names": names,
        "slug": slug,
        "topic": f"entity.{type_}.{slug}",
        "kb": True,
        "first_seen": "2026-01-01T00:00:00Z",
        "last_seen": "2026-01-01T00:00:00Z",
        "mentions": mentions,
        "articles": articles,
    }


PUTIN = _record(
    "kb:person:vladimir-putin",
    "person",
    "Vladimir Putin",
    "فلاديمير بوتين",
    ["بوتين", "الرئيس الروسي فلاديمير بوتين"],
    "vladimir-putin",
    9,
)
RUSSIA = _record("cldr:RU", "location", "Russia", "روسيا", ["روسيا", "الروسية"], "russia", 30)
ALAHLI = _record("ner:organization:اهلي", "organization", "الأهلي", None, ["الأهلي"], "al-ahli", 2)


def _index(*records):
    index = EntityIndex()
    for record in records:
        index.apply(record["id"], record)
    return index


def test_lists_most_mentioned_first_and_filters_by_type():
    index = _index(PUTIN, RUSSIA, ALAHLI)
    assert [r["id"] for r in index.search()] == ["cldr:RU", PUTIN["id"], ALAHLI["id"]]
    assert [r["id"] for r in index.search(type_="person")] == [PUTIN["id"]]


def test_english_query_is_case_insensitive_and_matches_the_slug():
    index = _index(PUTIN, RUSSIA)
    assert [r["id"] for r in index.search(q="PUTIN")] == [PUTIN["id"]]
    assert [r["id"] for r in index.search(q="vladimir-putin")] == [PUTIN["id"]]


def test_arabic_query_matches_after_normalisation():
    index = _index(PUTIN, RUSSIA, ALAHLI)
    # diacritics and a different alef spelling still find the entity
    assert [r["id"] for r in index.search(q="بُوتِين")] == [PUTIN["id"]]
    assert [r["id"] for r in index.search(q="الاهلي")] == [ALAHLI["id"]]
    assert index.search(q="طوكيو") == []


def test_newest_record_wins_and_a_tombstone_removes():
    index = _index(RUSSIA)
    index.apply("cldr:RU", {**RUSSIA, "mentions": 31})
    assert index.get("cldr:RU")["mentions"] == 31
    index.apply("cldr:RU", None)
    assert index.get("cldr:RU") is None
    assert len(index) == 0
