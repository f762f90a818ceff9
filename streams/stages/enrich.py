"""Enrich stage: clean text and derive the fields every subscriber relies on.

Pure and deterministic: the same raw article and origin always give the
same record (``ingested_at`` is the raw record's timestamp, not the clock,
and so is the fallback for a missing ``published_at``), which is what makes
re-deliveries byte-identical.

Each text is cleaned once and tokenised once; every later step (language,
stats, stems, keywords) reads the same :class:`~streams.text.terms.Term`
list, and per-word analysis is cached across articles. The work itself
lives in ``streams/text/``, one module per concern. Throughput matters
(goal: 1,000 articles/s on one core), so those modules do their per-word
passes in C (compiled regexes, ``map`` and ``Counter``) and say so where
that shapes the code.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, NamedTuple

from streams.models import Origin
from streams.text import outlets
from streams.text.dates import published_at, rfc3339_from_ms
from streams.text.keywords import keywords, load_idf
from streams.text.language import ARABIC_LANGUAGE, ENGLISH_LANGUAGE, language_of
from streams.text.normalize import clean_text, matching_form_of_clean
from streams.text.terms import PUNCTUATION, analyse_text, count_kinds
from streams.text.tokens import count_sentences
from streams.text.urls import canonical_url

STAGE = "enrich"

# Below this many words a body is too generic to identify an article on its
# own (placeholders such as "الكاريكاتير"), so the title joins the hash.
BODY_ONLY_HASH_MIN_WORDS = 20

# Silent reading speed in words per minute: Trauzettel-Klosinski & Dietz,
# "Standardized assessment of reading performance: the new International
# Reading Speed Texts IReST", IOVS 2012 (Arabic 138, English 228, mean of
# the 17 languages 184).
WORDS_PER_MINUTE = {ARABIC_LANGUAGE: 138, ENGLISH_LANGUAGE: 228}
WORDS_PER_MINUTE_OTHER = 184

# Read the data files now, so that a broken edit stops the worker at start-up
# instead of dead-lettering every article.
outlets.registry()
load_idf()


class Enriched(NamedTuple):
    """An enriched record and the matching forms of its title and body
    (:func:`~streams.text.normalize.matching_form_of_clean`), which enrich
    computes anyway and dedup's sketch shingles: handed on, they are not
    computed twice (that was a third of the sketch's time)."""

    record: dict[str, Any]
    title_form: str
    body_form: str


def enrich(
    article: dict[str, Any],
    origin: Origin,
    *,
    source_timezone: str,
    future_tolerance_seconds: int,
) -> dict[str, Any]:
    """The enriched record (without entities) for a validated raw article.

    ``source_timezone`` is the zone of dates written without an offset;
    ``future_tolerance_seconds`` how far after ingestion a publication date
    may lie before it is flagged ``future``.
    """
    return enrich_with_forms(
        article,
        origin,
        source_timezone=source_timezone,
        future_tolerance_seconds=future_tolerance_seconds,
    ).record


def enrich_with_forms(
    article: dict[str, Any],
    origin: Origin,
    *,
    source_timezone: str,
    future_tolerance_seconds: int,
) -> Enriched:
    """:func:`enrich`, with the matching forms of title and body."""
    title = clean_text(article["title"])
    body = clean_text(article["body"])
    title_text = analyse_text(title)
    body_text = analyse_text(body)
    title_terms, body_terms = title_text.terms, body_text.terms
    body_kinds = count_kinds(body_terms)
    kinds = body_kinds + count_kinds(title_terms)
    outlet = outlets.outlet(article["source"])
    declared = article.get("language") or (outlet["language"] if outlet else None)
    language = language_of(kinds, declared)
    published = published_at(
        article.get("published_at"),
        ingested_ms=origin.timestamp,
        source_timezone=source_timezone,
        future_tolerance_seconds=future_tolerance_seconds,
    )
    about = keywords(title_terms, body_terms)
    body_words = len(body_terms) - body_kinds[PUNCTUATION]
    record = {
        "id": article["id"],
        "source": article["source"],
        "outlet": outlet,
        "url": _blank_to_none(article.get("url")),
        "canonical_url": canonical_url(article.get("url")),
        "author": _author(article.get("author")),
        "title": title,
        "body": body,
        "language": language,
        "published_at": published.value,
        "published_at_status": published.status,
        "ingested_at": rfc3339_from_ms(origin.timestamp),
        "content_hash": _hash(title_text.matching_form, body_text.matching_form),
        "stats": {
            "chars": len(body),
            "words": body_words,
            "sentences": count_sentences(body),
            "paragraphs": body.count("\n") + 1 if body else 0,
            "reading_seconds": reading_seconds(body_words, language),
        },
        "stems": about.stems,
        "keywords": about.keywords,
        "keyphrases": about.keyphrases,
        "entities": [],
        "origin": origin.as_dict(),
    }
    return Enriched(record, title_text.matching_form, body_text.matching_form)


def content_hash(title: str, body: str) -> str:
    """SHA-256 of the matching form of the article's content; ``title`` and
    ``body`` are display forms (:func:`~streams.text.normalize.clean_text`).

    A long body identifies an article even when outlets change the
    headline; a short one does not, so then the title is hashed with it.
    """
    return _hash(matching_form_of_clean(title), matching_form_of_clean(body))


def _hash(title_form: str, body_form: str) -> str:
    """:func:`content_hash` from the matching forms."""
    if body_form.count(" ") + 1 >= BODY_ONLY_HASH_MIN_WORDS:
        basis = body_form
    else:
        basis = f"{title_form}\n{body_form}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def reading_seconds(words: int, language: str) -> int:
    """Silent reading time of ``words`` words in ``language``, rounded up."""
    rate = WORDS_PER_MINUTE.get(language, WORDS_PER_MINUTE_OTHER)
    return math.ceil(words * 60 / rate)


def _author(value: Any) -> str | None:
    """The author line in display form, on one line; ``None`` when blank."""
    if not isinstance(value, str):
        return None
    return clean_text(value).replace("\n", " ") or None


def _blank_to_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
