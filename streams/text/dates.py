"""Publication dates as feeds really write them, normalised to RFC 3339 UTC.

Accepted forms: ISO 8601 / RFC 3339 (``2022-09-26T10:00:00+03:00``, ``…Z``,
a bare date), RFC 2822 from RSS (``Mon, 26 Sep 2022 07:00:00 GMT``), and
``YYYY-MM-DD hh:mm[:ss]`` or ``YYYY/MM/DD …`` without an offset, read in the
source's time zone. Arabic-Indic and Persian digits are read as digits.

Every article leaves with a ``published_at``: when the feed gives none, or
one we cannot read, it is the ingestion time, and ``published_at_status``
says so. A date further in the future than the tolerance (relative to
ingestion, never to the clock, so that enrich stays deterministic) is kept
as given and flagged: it usually means a wrong source time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

STATUS_FEED = "feed"
STATUS_FUTURE = "future"
STATUS_MISSING = "missing"
STATUS_UNPARSEABLE = "unparseable"

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# A leading calendar date with "-" or "/" and maybe unpadded month and day.
_DATE_PREFIX_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?=$|[T ])")
# RFC 2822's "-0000": UTC, with the sender's local zone unknown.
_UNKNOWN_ZONE_RE = re.compile(r"\s-0000$")


class PublishedAt(NamedTuple):
    """A normalised publication time and where it came from."""

    value: str
    status: str


def published_at(
    value: Any, *, ingested_ms: int | None, source_timezone: str, future_tolerance_seconds: int
) -> PublishedAt:
    """The article's publication time: the feed's, else the ingestion time.

    ``ingested_ms`` is the raw record's timestamp in milliseconds since the
    epoch; when it is unknown (``None``) the fallback is the epoch, as for
    ``ingested_at``, and no date counts as future.
    """
    if not isinstance(value, str) or not value.strip():
        return PublishedAt(rfc3339_from_ms(ingested_ms), STATUS_MISSING)
    parsed = parse_datetime(value, source_timezone)
    if parsed is None:
        return PublishedAt(rfc3339_from_ms(ingested_ms), STATUS_UNPARSEABLE)
    future = (
        ingested_ms is not None
        and parsed.timestamp() * 1000 > ingested_ms + future_tolerance_seconds * 1000
    )
    text = parsed.isoformat(timespec="seconds").replace("+00:00", "Z")
    return PublishedAt(text, STATUS_FUTURE if future else STATUS_FEED)


def parse_datetime(value: str, source_timezone: str) -> datetime | None:
    """``value`` as an aware UTC datetime, or ``None`` if it is in no known form."""
    text = _DATE_PREFIX_RE.sub(_iso_date, value.strip().translate(_DIGITS))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if parsed.tzinfo is None and _UNKNOWN_ZONE_RE.search(text):
            parsed = parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(source_timezone))
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. year 1 with a positive offset
        return None


def rfc3339_from_ms(timestamp_ms: int | None) -> str:
    """RFC 3339 UTC with milliseconds for a Kafka record timestamp (``None``: the epoch)."""
    moment = datetime.fromtimestamp((timestamp_ms or 0) / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _iso_date(match: re.Match[str]) -> str:
    """``2015/7/2`` as ``2015-07-02``, the form ``fromisoformat`` requires."""
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
