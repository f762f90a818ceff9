"""Tag stage: the people, organisations and places an article mentions, linked to stable entities.

:meth:`Tagger.tag` is pure and deterministic: title and body (display form)
in, entity records out. It chains

1. mention detection (:class:`streams.ner.detect.MentionDetector`): a CRF
   trained on AQMAR plus the KB gazetteer (countries, cities, demonyms,
   people, organisations) over the title and body together;
2. linking (:func:`streams.ner.link.link`): KB mentions to their entity,
   other mentions to a stable ``ner:<type>:<key>`` id, short person names to
   the full name the article uses (بوتين → فلاديمير بوتين);
3. a record per entity with its display names, every mention with offsets
   into the cleaned title/body, and a salience score.

Salience in [0, 1] says how much the article is *about* the entity: 0.4 if
it is in the title, 0.2 if it is in the lead (the first paragraph, at most
400 characters), and 0.4 × its mention count relative to the article's most
mentioned entity (demonym mentions count half: الرئيس الروسي is about Russia
less than روسيا is). Rounded to 3 decimals so records stay byte-identical.

KB entities carry their topic. Entities the KB does not know get ``topic:
null`` here: whether they deserve a topic depends on what other articles
said, which is state, decided by :mod:`streams.stages.topic_policy`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TypedDict

from streams.kb import KbEntity
from streams.ner.detect import MentionDetector, get_detector
from streams.ner.gazetteer import DEMONYM, Gazetteer
from streams.ner.link import LinkedEntity, link
from streams.slug import entity_topic

STAGE = "tag"

_TITLE_WEIGHT, _LEAD_WEIGHT, _FREQUENCY_WEIGHT = 0.4, 0.2, 0.4
_LEAD_CHARS = 400
_DEMONYM_WEIGHT = 0.5
_FIELDS = ("title", "body")


class Mention(TypedDict):
    """One occurrence: ``text`` is exactly ``<field's text>[start:end]``."""

    field: str
    start: int
    end: int
    text: str


class EntityTag(TypedDict):
    """One entity found in an article, as published with it."""

    id: str
    type: str
    name: str
    name_ar: str | None
    names: list[str]
    slug: str
    topic: str | None
    kb: bool
    count: int
    salience: float
    mentions: list[Mention]


class Tagger:
    """Detects and links entities; build once per process (:func:`get_tagger`)."""

    def __init__(self, detector: MentionDetector) -> None:
        self.detector = detector

    @classmethod
    def from_entities(
        cls, entities: Iterable[KbEntity], stop_phrases: Iterable[str] = ()
    ) -> Tagger:
        """A gazetteer-only tagger over ``entities`` (no CRF): for tests and tools."""
        return cls(MentionDetector(None, Gazetteer(entities, stop_phrases)))

    def tag(self, title: str, body: str, *, topic_prefix: str = "") -> list[EntityTag]:
        """Entities in ``title`` and ``body`` (display-form text), by first mention.

        Offsets are character offsets into the strings given.
        """
        texts = (title, body)
        entities = link(self.detector.detect(texts), texts)
        weights = [_weighted_count(entity) for entity in entities]
        top = max(weights, default=1.0)
        lead_end = _lead_end(body)
        return [
            _record(entity, texts, weight / top, lead_end, topic_prefix)
            for entity, weight in zip(entities, weights, strict=True)
        ]


@cache
def get_tagger() -> Tagger:
    """The process-wide tagger: committed CRF model and whole KB, loaded once, offline."""
    return Tagger(get_detector())


def tag(title: str, body: str, *, topic_prefix: str = "") -> list[EntityTag]:
    """:meth:`Tagger.tag` of the process-wide tagger (the callable benchmarks time)."""
    return get_tagger().tag(title, body, topic_prefix=topic_prefix)


def _record(
    entity: LinkedEntity,
    texts: tuple[str, str],
    frequency: float,
    lead_end: int,
    topic_prefix: str,
) -> EntityTag:
    mentions: list[Mention] = [
        {
            "field": _FIELDS[span.field],
            "start": span.start,
            "end": span.end,
            "text": texts[span.field][span.start : span.end],
        }
        for span in entity.spans
    ]
    in_title = any(span.field == 0 for span in entity.spans)
    in_lead = any(span.field == 1 and span.start < lead_end for span in entity.spans)
    salience = (
        _TITLE_WEIGHT * in_title + _LEAD_WEIGHT * in_lead + _FREQUENCY_WEIGHT * min(frequency, 1.0)
    )
    kb = entity.kb
    names = list(entity.names)
    name_ar: str | None
    if kb is not None:
        name, name_ar = kb.name_en, kb.name_ar
        topic: str | None = entity_topic(kb.type, kb.slug, topic_prefix)
        if not names:  # only demonyms: the canonical name in the article's script
            names = [name_ar if _is_arabic(mentions[0]["text"]) else name]
    else:
        name = max(names, key=len) if names else mentions[0]["text"]
        name_ar = name if _is_arabic(name) else None
        topic = None
    return {
        "id": entity.id,
        "type": entity.type,
        "name": name,
        "name_ar": name_ar,
        "names": names or [mentions[0]["text"]],
        "slug": entity.slug,
        "topic": topic,
        "kb": kb is not None,
        "count": len(mentions),
        "salience": round(salience, 3),
        "mentions": mentions,
    }


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _weighted_count(entity: LinkedEntity) -> float:
    return sum(_DEMONYM_WEIGHT if span.role == DEMONYM else 1.0 for span in entity.spans)


def _lead_end(body: str) -> int:
    """End offset of the lead: the first paragraph, at most :data:`_LEAD_CHARS`."""
    newline = body.find("\n")
    return min(_LEAD_CHARS, newline if newline >= 0 else len(body))
