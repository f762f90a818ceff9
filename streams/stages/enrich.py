"""Enrich stage: clean text and derive the fields every subscriber relies on.

Pure and deterministic: the same raw article and origin always give the
same record (``ingested_at`` is the raw record's timestamp, not the clock),
which is what makes re-deliveries byte-identical.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from streams.models import Origin
from streams.text.normalize import clean_text, matching_form

STAGE = "enrich"

# Below this many words a body is too generic to identify an article on its
# own (placeholders such as "الكاريكاتير"), so the title joins the hash.
BODY_ONLY_HASH_MIN_WORDS = 20

_ARABIC_LETTER_RE = re.compile(r"[\u0620-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_WORD_RE = re.compile(r"\w+")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def enrich(article: dict[str, Any], origin: Origin, *, source_timezone: str) -> dict[str, Any]:
    """The enriched record (without entities) for a validated raw article."""
    title = clean_text(article["title"])
    body = clean_text(article["body"])
    return {
        "id": article["id"],
        "source": article["source"],
        "url": _blank_to_none(article.get("url")),
        "author": _blank_to_none(article.get("author")),
        "title": title,
        "body": body,
        "language": detect_language(f"{title}\n{body}", article.get("language")),
        "published_at": parse_published_at(article.get("published_at"), source_timezone),
        "ingested_at": _rfc3339_from_ms(origin.timestamp),
        "content_hash": content_hash(title, body),
        "stats": {
            "chars": len(body),
            "words": len(_WORD_RE.findall(body)),
            "paragraphs": body.count("\n") + 1 if body else 0,
        },
        "entities": [],
        "origin": origin.as_dict(),
    }


def content_hash(title: str, body: str) -> str:
    """SHA-256 of the matching form of the article's content.

    A long body identifies an article even when outlets change the
    headline; a short one does not, so then the title is hashed with it.
    """
    body_form = matching_form(body)
    if body_form.count(" ") + 1 >= BODY_ONLY_HASH_MIN_WORDS:
        basis = body_form
    else:
        basis = f"{matching_form(title)}\n{body_form}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def detect_language(text: str, declared: str | None = None) -> str:
    """``ar``, ``en`` or ``other`` from the letters' script.

    A declared ``ar``/``en`` wins when the text has letters of that script;
    otherwise the majority script decides.
    """
    arabic = len(_ARABIC_LETTER_RE.findall(text))
    latin = len(_LATIN_LETTER_RE.findall(text))
    declared_base = (declared or "").lower()[:2]
    if declared_base == "ar" and arabic:
        return "ar"
    if declared_base == "en" and latin:
        return "en"
    if arabic == 0 and latin == 0:
        return "other"
    return "ar" if arabic >= latin else "en"


def parse_published_at(value: Any, source_timezone: str) -> str | None:
    """RFC 3339 UTC from ISO 8601, RFC 2822, or 'YYYY-MM-DD hh:mm:ss' in the
    source's time zone; ``None`` when absent or unparseable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(_DIGITS)
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(source_timezone))
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _rfc3339_from_ms(timestamp_ms: int | None) -> str:
    if timestamp_ms is None:
        timestamp_ms = 0
    moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _blank_to_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
