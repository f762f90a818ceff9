"""An article's entity records, as published with it: names, topic, salience, mentions.

Salience in [0, 1] says how much the article is *about* the entity: 0.4 if
it is in the title, 0.2 if it is in the lead (the first paragraph, at most
400 characters), and 0.4 × its mention count relative to the article's most
mentioned entity (demonym mentions count half: الرئيس الروسي is about Russia
less than روسيا is). Rounded to 3 decimals so records stay byte-identical.

KB entities carry their topic. Entities the KB does not know get ``topic:
null`` here: whether they deserve a topic depends on what other articles
said, which is state, decided by :mod:`streams.stages.topic_policy`.

Part of the compiled tagger (:mod:`streams.ner.native`): built for every
entity of every article, this was a twentieth of tagging as plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TypedDict

from streams.ner.gazetteer import DEMONYM
from streams.ner.link import LinkedEntity
from streams.slug import entity_topic

_TITLE_WEIGHT, _LEAD_WEIGHT, _FREQUENCY_WEIGHT = 0.4, 0.2, 0.4
_LEAD_CHARS = 400
_DEMONYM_WEIGHT = 0.5
_FIELDS = ("title", "body")
_ARABIC_RE = re.compile("[\u0600-\u06ff]")


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


def entity_records(
    entities: Sequence[LinkedEntity], texts: Sequence[str], topic_prefix: str
) -> list[EntityTag]:
    """The records of a document's linked ``entities`` (fields ``texts``: title, body)."""
    weights = [_weighted_count(entity) for entity in entities]
    top = max(weights, default=1.0)
    lead_end = _lead_end(texts[1])
    return [
        _record(entity, texts, weight / top, lead_end, topic_prefix)
        for entity, weight in zip(entities, weights, strict=True)
    ]


def _record(
    entity: LinkedEntity,
    texts: Sequence[str],
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
        topic: str | None = _kb_topic(kb.type, kb.slug, topic_prefix)
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


@cache
def _kb_topic(entity_type: str, slug: str, prefix: str) -> str:
    """:func:`~streams.slug.entity_topic` of a KB entity, memoised: the KB is
    finite, and entity_topic checks the name against Kafka's rules per call."""
    return entity_topic(entity_type, slug, prefix)


def _is_arabic(text: str) -> bool:
    return _ARABIC_RE.search(text) is not None


def _weighted_count(entity: LinkedEntity) -> float:
    return sum(_DEMONYM_WEIGHT if span.role == DEMONYM else 1.0 for span in entity.spans)


def _lead_end(body: str) -> int:
    """End offset of the lead: the first paragraph, at most :data:`_LEAD_CHARS`."""
    newline = body.find("\n")
    return min(_LEAD_CHARS, newline if newline >= 0 else len(body))
