"""Slugs and entity topic names.

A slug becomes part of a Kafka topic name, so it must be ASCII, short,
stable across runs and machines, and never empty, whatever the input:
Latin names are ASCII-folded (NFKD, marks dropped), Arabic names are
transliterated with camel-tools' ``ar2safebw`` map (Buckwalter
transliteration restricted to letters and digits, so it is deterministic
and round-trippable up to case), then lower-cased. Lower-casing merges a
few Buckwalter letters (``H``/``h``, ``S``/``s``, …), which is fine: a slug
names a topic, it does not have to decode back to Arabic, and KB slugs are
checked for uniqueness where they are built. Input that yields no ASCII at
all (emoji, CJK, punctuation) falls back to ``x-`` plus 8 hex digits of its
SHA-256, which is stable unlike ``hash()``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar

from streams.kb import ENTITY_TYPES

#: Kafka's limit on topic-name length.
MAX_TOPIC_LEN = 249

_FALLBACK_PREFIX = "x-"
_FALLBACK_HEX = 8
_MIN_MAX_LEN = len(_FALLBACK_PREFIX) + _FALLBACK_HEX

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
_TOPIC_RE = re.compile(r"[a-zA-Z0-9._-]+")

# Latin letters that NFKD does not decompose, so ASCII folding would drop them.
_LATIN_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ł": "L",
        "ł": "l",
        "Þ": "Th",
        "þ": "th",
        "Ð": "D",
        "ð": "d",
        "ı": "i",
    }
)


@cache
def _arabic_to_ascii() -> CharMapper:
    return CharMapper.builtin_mapper("ar2safebw")


def slugify(text: str, max_len: int = 80) -> str:
    """Lower-case ASCII ``[a-z0-9-]`` slug of ``text``, at most ``max_len`` long.

    No leading, trailing or doubled hyphens; never empty (see the module
    docstring for the fallback).
    """
    if max_len < _MIN_MAX_LEN:
        raise ValueError(f"max_len must be >= {_MIN_MAX_LEN}, got {max_len}")
    slug = _NON_SLUG_RE.sub("-", _to_ascii(text).lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    if slug:
        return slug
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _FALLBACK_PREFIX + digest[:_FALLBACK_HEX]


def _to_ascii(text: str) -> str:
    # Diacritics would become Buckwalter vowels ("a", "u", "~"), making the
    # slug depend on how fully the writer vocalised the name.
    text = _arabic_to_ascii()(dediac_ar(text))
    # Arabic-Indic and other decimal digits → ASCII digits.
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_EXTRA))
    # Marks vanish ("é" → "e"); any other non-ASCII character becomes a
    # separator, so "d’Ivoire" gives "d-ivoire", not "divoire".
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.encode("ascii", "replace").decode("ascii")


def is_slug(text: str) -> bool:
    """Whether ``text`` has the shape :func:`slugify` produces."""
    return _SLUG_RE.fullmatch(text) is not None


def entity_topic(entity_type: str, slug: str, prefix: str = "") -> str:
    """``f"{prefix}entity.{entity_type}.{slug}"``, checked to be a legal Kafka topic.

    The slug is checked too, so a hostile name can never add a dot-separated
    level to the topic hierarchy or escape it.
    """
    if entity_type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {entity_type!r}")
    if not is_slug(slug):
        raise ValueError(f"not a slug: {slug!r}")
    topic = f"{prefix}entity.{entity_type}.{slug}"
    if not is_topic_name(topic):
        raise ValueError(f"not a legal Kafka topic name: {topic!r}")
    return topic


def is_topic_name(name: str) -> bool:
    """Kafka's rule: 1–249 characters of ``[a-zA-Z0-9._-]``, not ``.`` or ``..``."""
    return (
        len(name) <= MAX_TOPIC_LEN
        and _TOPIC_RE.fullmatch(name) is not None
        and name not in {".", ".."}
    )
