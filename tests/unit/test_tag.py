"""Tag stage: KB gazetteer + CRF mentions, linked into entities with offsets and salience."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities, kb_stop_phrases
from streams.stages.tag import EntityTag, Tagger, get_tagger, tag
from streams.text.normalize import clean_text

SAUDINEWSNET_DAY = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus" / "saudinewsnet" / "2015-07-22.zip"
)


@pytest.fixture(scope="module")
def kb_tagger() -> Tagger:
    """The gazetteer alone over the whole KB: matching rules without the CRF."""
    return Tagger.from_entities(kb_entities(), kb_stop_phrases())


def checked(tags: list[EntityTag], title: str, body: str) -> list[EntityTag]:
    """Assert the contract every result keeps, and return the tags."""
    texts = {"title": title, "body": body}
    firsts = []
    assert len({entity["id"] for entity in tags}) == len(tags)
    for entity in tags:
        assert entity["count"] == len(entity["mentions"]) >= 1
        assert 0.0 <= entity["salience"] <= 1.0
        assert entity["names"]
        if entity["kb"]:
            assert entity["topic"].endswith(f"entity.{entity['type']}.{entity['slug']}")
        else:
            assert entity["topic"] is None  # the topic policy decides
            assert entity["id"].startswith(f"ner:{entity['type']}:")
        for mention in entity["mentions"]:
            assert texts[mention["field"]][mention["start"] : mention["end"]] == mention["text"]
        first = entity["mentions"][0]
        firsts.append((first["field"] == "body", first["start"]))
    assert firsts == sorted(firsts)
    return tags


def kb_slugs(tagger: Tagger, body: str, title: str = "") -> dict[str, int]:
    return {e["slug"]: e["count"] for e in checked(tagger.tag(title, body), title, body)}


@pytest.fixture(scope="module")
def seed_tags(seed_text: tuple[str, str]) -> dict[str, EntityTag]:
    title, body = clean_text(seed_text[0]), clean_text(seed_text[1])
    return {e["id"]: e for e in checked(tag(title, body), title, body)}


@pytest.fixture(scope="module")
def seed_text() -> tuple[str, str]:  # module scope for seed_tags
    from tests.conftest import SEED

    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return title.strip(), body.strip()


def test_seed_every_person_country_and_organisation(seed_tags: dict[str, EntityTag]) -> None:
    people = {
        "vladimir-putin",
        "joe-biden",
        "kassym-jomart-tokayev",
        "recep-tayyip-erdogan",
        "alexander-lukashenko",
        "antony-blinken",
        "narendra-modi",
    }
    places = {
        "cldr:UA",
        "cldr:RU",
        "cldr:KZ",
        "cldr:BR",
        "cldr:IN",
        "cldr:UZ",
        "cldr:US",
        "cldr:TR",
        "cldr:BY",
        "kb:location:soviet-union",
        "cldr:tz:Europe/Moscow",
    }
    organisations = {
        "nato",
        "collective-security-treaty-organization",
        "united-nations-general-assembly",
        "united-nations-human-rights-council",
        "associated-press",
    }
    found = set(seed_tags)
    assert {f"kb:person:{slug}" for slug in people} <= found
    assert places <= found
    assert {f"kb:organization:{slug}" for slug in organisations} <= found


def test_seed_each_person_is_one_entity_across_variants(
    seed_tags: dict[str, EntityTag],
) -> None:
    putin = seed_tags["kb:person:vladimir-putin"]
    assert set(putin["names"]) == {"بوتين", "فلاديمير بوتين"}
    assert putin["count"] == 11  # 9 × بوتين (title, لـ بوتين included) + 2 × full name
    assert putin["mentions"][0]["field"] == "title"
    assert {m["text"] for m in seed_tags["kb:person:narendra-modi"]["mentions"]} == {
        "ناريندرا مودي",
        "مودي",
    }
    people = [e for e in seed_tags.values() if e["type"] == "person"]
    assert not [e for e in people if not e["kb"] and {"بوتين", "بايدن", "مودي"} & set(e["names"])]


def test_seed_no_topic_for_anything_outside_the_kb(seed_tags: dict[str, EntityTag]) -> None:
    for entity in seed_tags.values():
        assert (entity["topic"] is not None) == entity["kb"]


def test_seed_salience_ranks_the_subject_first(seed_tags: dict[str, EntityTag]) -> None:
    ranked = sorted(seed_tags.values(), key=lambda e: -e["salience"])
    assert {ranked[0]["slug"], ranked[1]["slug"]} == {"vladimir-putin", "ukraine"}
    assert seed_tags["cldr:BR"]["salience"] < 0.1


def test_demonyms_link_to_their_country(kb_tagger: Tagger) -> None:
    body = "قال الرئيس الروسي إن الهجمات الأوكرانية فشلت، وفق المسؤولين الروس و Russian media."
    found = kb_slugs(kb_tagger, body)
    assert found == {"russia": 3, "ukraine": 1}
    (russia, _) = kb_tagger.tag("", body)
    assert russia["names"] == ["روسيا"]  # demonyms are mentions, not names
    assert russia["name"] == "Russia"


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        ("روسيا", "russia"),
        ("لروسيا", "russia"),
        ("وأوكرانيا", "ukraine"),
        ("بأوكرانيا", "ukraine"),
        ("والهند", "india"),
        ("للهند", "india"),
        ("بالهند", "india"),
        ("وللهند", "india"),
        ("عراق", "iraq"),
        ("الولايات المتحدة", "united-states"),
        ("والمملكة العربية السعودية", "saudi-arabia"),
        ("أمريكا", "united-states"),
        ("للأمم المتحدة", "united-nations"),
        ("أُوكْرَانِيَا", "ukraine"),
        ("لبوتين", "vladimir-putin"),
        ("والناتو", "nato"),
        ("بالرياض", "riyadh"),
        ("عبدالفتاح السيسي", "abdel-fattah-el-sisi"),
        ("عبد الفتاح السيسي", "abdel-fattah-el-sisi"),
    ],
)
def test_names_with_proclitics_article_and_diacritics(
    kb_tagger: Tagger, word: str, slug: str
) -> None:
    body = f"قال المسؤول إن {word} تدعم الاتفاق."
    (entity,) = checked(kb_tagger.tag("", body), "", body)
    assert entity["slug"] == slug
    (mention,) = entity["mentions"]
    assert mention["text"] == word  # the whole written word(s), proclitics included
    assert mention["start"] == body.index(word)


def test_longest_match_wins(kb_tagger: Tagger) -> None:
    assert kb_slugs(kb_tagger, "زار الولايات المتحدة الأمريكية") == {"united-states": 1}
    assert kb_slugs(kb_tagger, "في جنوب السودان") == {"south-sudan": 1}
    assert kb_slugs(kb_tagger, "روسيا البيضاء") == {"belarus": 1}
    assert kb_slugs(kb_tagger, "في الجمعية العامة للأمم المتحدة") == {
        "united-nations-general-assembly": 1
    }
    assert kb_slugs(kb_tagger, "Papua New Guinea and Guinea-Bissau") == {
        "papua-new-guinea": 1,
        "guinea-bissau": 1,
    }


def test_a_name_never_spans_a_comma_or_a_line_break(kb_tagger: Tagger) -> None:
    assert kb_slugs(kb_tagger, "الولايات، المتحدة") == {}
    assert kb_slugs(kb_tagger, "United\nStates") == {}


def test_english(kb_tagger: Tagger) -> None:
    body = "Russia and the United States met over Ukraine's grain deal in the U.S. capital."
    title = "UK and EU officials"
    tags = checked(kb_tagger.tag(title, body), title, body)
    assert [e["slug"] for e in tags] == [
        "united-kingdom",
        "european-union",
        "russia",
        "united-states",
        "ukraine",
    ]
    assert tags[3]["count"] == 2
    assert tags[0]["mentions"][0]["field"] == "title"


def test_a_continent_named_after_america_is_not_the_united_states(kb_tagger: Tagger) -> None:
    body = "في أمريكا اللاتينية (Latin America)"
    assert [e["slug"] for e in kb_tagger.tag("", body)] == ["latin-america"]


@pytest.mark.parametrize(
    "body",
    [
        "a turkey sandwich from chad in jordan's kitchen",  # lower-case English words
        "let us go, un and eu are words too",  # acronyms only in capitals
        "قدمت الحكومة دعما مالي للقطاع المالي",  # مالي: 'financial', not Mali
        "وصل إلى عمان مساء أمس",  # Oman or Amman: not guessed
        "أن يمن الله عليه بالشفاء فيمن حضر",  # يمن verb, فيمن 'in whom'
        "استقبل لاجئاً سورياً",  # tanween: an adjective, not Syria
        "في أمريكا الوسطى وCentral America",  # a region, not the US
        "جلست هند في الصف",  # given name Hind
        "عاد إلى مسقط رأسه",  # 'his birthplace', not Muscat
        "ترك العمل وذهب إلى النوم",  # ترك 'left', نوم 'sleep': no exemplar cities
        "قال بحماس إن القاعدة واضحة والجزيرة جميلة",  # enthusiasm, rule, island
    ],
)
def test_common_words_are_not_kb_entities(kb_tagger: Tagger, body: str) -> None:
    assert kb_tagger.tag("", body) == []


def test_cameron_is_the_person_not_the_country(kb_tagger: Tagger) -> None:
    assert kb_slugs(kb_tagger, "رئيس الوزراء البريطاني ديفيد كاميرون") == {
        "united-kingdom": 1,
        "david-cameron": 1,
    }


def test_output_shape_and_topic_prefix(kb_tagger: Tagger) -> None:
    (entity,) = kb_tagger.tag("", "الأمم المتحدة", topic_prefix="dev.")
    assert entity == {
        "id": "cldr:UN",
        "type": "organization",
        "name": "United Nations",
        "name_ar": "الأمم المتحدة",
        "names": ["الأمم المتحدة"],
        "slug": "united-nations",
        "topic": "dev.entity.organization.united-nations",
        "kb": True,
        "count": 1,
        "salience": 0.6,
        "mentions": [{"field": "body", "start": 0, "end": 13, "text": "الأمم المتحدة"}],
    }


def test_salience_weighs_title_lead_and_frequency(kb_tagger: Tagger) -> None:
    title = "روسيا تعلن"
    body = "قالت روسيا إن الهند توافق.\n" + "ثم زار الهند وفد. " * 3 + "وذكرت مصر ذلك."
    tags = {e["slug"]: e["salience"] for e in kb_tagger.tag(title, body)}
    assert tags["russia"] == pytest.approx(0.4 + 0.2 + 0.4 * 2 / 4)
    assert tags["india"] == pytest.approx(0.2 + 0.4)
    assert tags["egypt"] == pytest.approx(0.4 / 4)


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
    (entity,) = Tagger.from_entities([person]).tag("", body, topic_prefix="t.")
    assert entity["topic"] == "t.entity.person.vladimir-putin"
    assert [m["text"] for m in entity["mentions"]] == ["بوتين", "فلاديمير بوتين", "Putin"]


def test_unknown_people_are_discovered_and_short_forms_resolved() -> None:
    title = "الغامدي يفوز"
    body = (
        "أعلن الرئيس التنفيذي سعيد بن علي الغامدي فوز الفريق، وقال الغامدي إن النتيجة مستحقة.\n"
        "وأضاف الغامدي أن الموسم المقبل سيكون أصعب."
    )
    tags = checked(tag(title, body), title, body)
    people = [e for e in tags if e["type"] == "person"]
    (person,) = [e for e in people if "الغامدي" in e["names"]]
    assert person["kb"] is False and person["topic"] is None
    assert person["name"] == "سعيد بن علي الغامدي"
    assert person["count"] == 4 and person["mentions"][0]["field"] == "title"
    assert person["id"] == "ner:person:سعيد الغامدي"  # the lineage is not in the key
    assert person["slug"] == "sEyd-algamdy".lower()


def test_deterministic_and_pure() -> None:
    title, body = "بوتين في موسكو", "قال الرئيس الروسي فلاديمير بوتين إن روسيا مستعدة."
    assert tag(title, body) == tag(title, body) == get_tagger().tag(title, body)


def test_empty_and_punctuation_only_text() -> None:
    assert tag("", "") == []
    assert tag("—", "... ،،، !!! 🔥") == []


@pytest.mark.corpus
def test_a_real_day_of_news_round_trips() -> None:
    if not SAUDINEWSNET_DAY.exists():
        pytest.skip(f"shared corpus not found at {SAUDINEWSNET_DAY}")
    with zipfile.ZipFile(SAUDINEWSNET_DAY) as archive:
        articles = json.loads(archive.read(archive.namelist()[0]))
    tagged = 0
    for article in articles[:300]:
        title = clean_text(article.get("title") or "")
        body = clean_text(article.get("content") or "")
        tagged += bool(checked(tag(title, body), title, body))
    assert tagged > 250
