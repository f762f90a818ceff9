"""Tag stage: countries in Arabic and English text, with exact offsets."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from streams.kb import KbEntity
from streams.stages.tag import EntityTag, Tagger, get_tagger
from streams.text.normalize import clean_text

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7cbccdc01d08b9ff.txt"
SAUDINEWSNET_DAY = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saudinewsnet" / "2015-07-22.zip"
)


def tag(body: str, title: str = "", **kwargs: str) -> list[EntityTag]:
    """Tag and check the contract every result must keep."""
    tags = get_tagger().tag(title, body, **kwargs)
    assert_well_formed(tags, title, body)
    return tags


def assert_well_formed(tags: list[EntityTag], title: str, body: str) -> None:
    texts = {"title": title, "body": body}
    firsts = []
    for entity in tags:
        assert entity["count"] == len(entity["mentions"]) >= 1
        assert entity["topic"].endswith(f"entity.{entity['type']}.{entity['slug']}")
        for mention in entity["mentions"]:
            assert texts[mention["field"]][mention["start"] : mention["end"]] == mention["text"]
        first = entity["mentions"][0]
        firsts.append((first["field"] == "body", first["start"]))
    assert firsts == sorted(firsts)


def slugs(body: str, title: str = "") -> dict[str, int]:
    return {entity["slug"]: entity["count"] for entity in tag(body, title)}


def test_seed_article() -> None:
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    found = slugs(clean_text(body), clean_text(title))
    assert {"russia", "ukraine", "kazakhstan", "india", "brazil", "uzbekistan"} <= set(found)
    assert found["russia"] > 1
    assert found["ukraine"] > 1


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        ("روسيا", "russia"),
        ("لروسيا", "russia"),
        ("وأوكرانيا", "ukraine"),
        ("بأوكرانيا", "ukraine"),
        ("كازاخستان", "kazakhstan"),
        ("والهند", "india"),
        ("للهند", "india"),
        ("بالهند", "india"),
        ("وللهند", "india"),
        ("الهند", "india"),
        ("الولايات المتحدة", "united-states"),
        ("والمملكة العربية السعودية", "saudi-arabia"),
        ("أوزبكستان", "uzbekistan"),
        ("البرازيل", "brazil"),
        ("الأردن", "jordan"),
        ("وبالأردن", "jordan"),
        ("عراق", "iraq"),
        ("أمريكا", "united-states"),
        ("امريكا", "united-states"),
        ("بريطانيا", "united-kingdom"),
        ("الإمارات", "united-arab-emirates"),
        ("روسيا الاتحادية", "russia"),
        ("للأمم المتحدة", "united-nations"),
        ("أُوكْرَانِيَا", "ukraine"),
    ],
)
def test_arabic_names_with_proclitics_article_and_diacritics(word: str, slug: str) -> None:
    body = f"قال المسؤول إن {word} تدعم الاتفاق."
    (entity,) = tag(body)
    assert entity["slug"] == slug
    (mention,) = entity["mentions"]
    assert mention["text"] == word  # the whole written word(s), proclitics included
    assert mention["start"] == body.index(word)


def test_longest_match_wins() -> None:
    (entity,) = tag("زار الولايات المتحدة الأمريكية ثم جنوب السودان")[:1]
    assert entity["slug"] == "united-states"
    assert entity["mentions"][0]["text"] == "الولايات المتحدة الأمريكية"
    assert slugs("في جنوب السودان") == {"south-sudan": 1}
    assert slugs("روسيا البيضاء") == {"belarus": 1}
    assert slugs("Papua New Guinea and Guinea-Bissau") == {
        "papua-new-guinea": 1,
        "guinea-bissau": 1,
    }


def test_a_name_never_spans_a_comma_or_a_line_break() -> None:
    assert slugs("الولايات، المتحدة") == {}
    assert slugs("United\nStates") == {}


def test_english() -> None:
    body = "Russia and the United States met over Ukraine's grain deal in the U.S. capital."
    tags = tag(body, "UK and EU officials")
    assert [e["slug"] for e in tags] == [
        "united-kingdom",
        "european-union",
        "russia",
        "united-states",
        "ukraine",
    ]
    ukraine = tags[-1]
    assert ukraine["mentions"][0]["text"] == "Ukraine"
    assert tags[3]["count"] == 2
    assert tags[0]["mentions"][0]["field"] == "title"


@pytest.mark.parametrize(
    "body",
    [
        "a turkey sandwich from chad in jordan's kitchen",  # lower-case English words
        "let us go, un and eu are words too",  # acronyms only in capitals
        "قدمت الحكومة دعما مالي للقطاع المالي",  # مالي: 'financial', not Mali
        "وصل إلى عمان مساء أمس",  # Oman or Amman: not guessed
        "أن يمن الله عليه بالشفاء فيمن حضر",  # يمن verb, فيمن 'in whom'
        "رئيس الوزراء البريطاني ديفيد كاميرون",  # Cameron, not Cameroon
        "استقبل لاجئاً سورياً",  # tanween: an adjective, not Syria
        "في أمريكا اللاتينية وLatin America",  # regions, not the US
        "الرئيس الروسي والهجمات الأوكرانية",  # adjectives are not the country
        "جلست هند في الصف",  # given name Hind
    ],
)
def test_negatives(body: str) -> None:
    assert tag(body) == []


def test_short_stripped_forms_are_not_matched() -> None:
    # A 2-letter name still matches as written, never once a proclitic is stripped.
    tagger = Tagger([KbEntity("test:YM", "location", "Ym", "يم", "ym", "test")])
    assert [e["slug"] for e in tagger.tag("", "في يم")] == ["ym"]
    assert tagger.tag("", "ويم وبيم ليم") == []


def test_output_shape_and_topic_prefix() -> None:
    (entity,) = tag("الأمم المتحدة", topic_prefix="dev.")
    assert entity == {
        "id": "cldr:UN",
        "type": "organization",
        "name": "United Nations",
        "name_ar": "الأمم المتحدة",
        "slug": "united-nations",
        "topic": "dev.entity.organization.united-nations",
        "count": 1,
        "mentions": [{"field": "body", "start": 0, "end": 13, "text": "الأمم المتحدة"}],
    }


def test_matcher_is_generic_over_kb_entries() -> None:
    person = KbEntity(
        "test:putin",
        "person",
        "Vladimir Putin",
        "فلاديمير بوتين",
        "vladimir-putin",
        "test",
        aliases=("بوتين", "Putin"),
    )
    body = "التقى بوتين ووزير خارجيته، وقال فلاديمير بوتين إن Putin سيزور روسيا."
    (entity,) = Tagger([person]).tag("", body, topic_prefix="t.")
    assert entity["topic"] == "t.entity.person.vladimir-putin"
    assert [m["text"] for m in entity["mentions"]] == ["بوتين", "فلاديمير بوتين", "Putin"]


def test_a_name_two_entities_share_is_not_tagged() -> None:
    one = KbEntity("test:1", "location", "Georgia", "جورجيا", "georgia", "test")
    two = KbEntity("test:2", "location", "Georgia State", "جورجيا", "georgia-state", "test")
    tagger = Tagger([one, two])
    assert tagger.shared_names == {("جورجيا",)}
    assert tagger.tag("", "زار جورجيا") == []
    assert [e["slug"] for e in tagger.tag("", "Georgia State")] == ["georgia-state"]


def test_country_names_are_not_shared() -> None:
    assert get_tagger().shared_names == frozenset()


def test_empty_and_punctuation_only_text() -> None:
    assert tag("") == []
    assert tag("... ،،، !!! 🔥", "—") == []


@pytest.mark.corpus
def test_a_real_day_of_news_round_trips() -> None:
    if not SAUDINEWSNET_DAY.exists():
        pytest.skip(f"shared corpus not found at {SAUDINEWSNET_DAY}")
    with zipfile.ZipFile(SAUDINEWSNET_DAY) as archive:
        articles = json.loads(archive.read(archive.namelist()[0]))
    tagged = 0
    for article in articles[:500]:
        title = clean_text(article.get("title") or "")
        body = clean_text(article.get("content") or "")
        tags = tag(body, title)
        tagged += bool(tags)
    assert tagged > 200
