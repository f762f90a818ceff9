"""Tag stage: the people, organisations and places an article mentions, linked to stable entities.

:meth:`Tagger.tag` is pure and deterministic: title and body (display form)
in, entity records out. It chains

1. mention detection (:class:`streams.ner.detect.MentionDetector`): a CRF
   trained on AQMAR plus the KB gazetteer (countries, cities, demonyms,
   people, organisations) over the title and body together;
2. linking (:func:`streams.ner.link.link`): KB mentions to their entity,
   other mentions to a stable ``ner:<type>:<key>`` id, short person names to
   the full name the article uses (بوتين → فلاديمير بوتين);
3. a record per entity (:mod:`streams.ner.records`) with its display names,
   its topic if the KB knows it, every mention with offsets into the cleaned
   title/body, and a salience score.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from streams.kb import KbEntity
from streams.ner.detect import MentionDetector, get_detector
from streams.ner.gazetteer import Gazetteer
from streams.ner.link import link
from streams.ner.records import EntityTag, entity_records

STAGE = "tag"


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
        return entity_records(link(self.detector.detect(texts), texts), texts, topic_prefix)


@cache
def get_tagger() -> Tagger:
    """The process-wide tagger: committed CRF model and whole KB, loaded once, offline."""
    return Tagger(get_detector())


def tag(title: str, body: str, *, topic_prefix: str = "") -> list[EntityTag]:
    """:meth:`Tagger.tag` of the process-wide tagger (the callable benchmarks time)."""
    return get_tagger().tag(title, body, topic_prefix=topic_prefix)
