"""What the live page shows, kept in memory by the worker that publishes it.

* rates: outcomes per second over the last :data:`RATE_WINDOW` seconds;
* the latest enriched articles, each with its entities (the page's chips);
* display labels of the entities seen lately, for the trending list;
* :func:`trending_counts`: the last hour's sum over the tumbling windows
  of the trending table (:mod:`streams.web.state`).

All of it is per worker: enriched articles are published by the worker
holding the single ``articles.signed`` partition, so that worker's page is
the one with the articles; dead letters from ingest are counted where they
happen.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED, Message

RATE_WINDOW = 60.0
LATEST_ARTICLES = 20
CHIPS_PER_ARTICLE = 8
LABEL_FIELDS = ("id", "type", "name", "name_ar", "topic")


class LiveFeed:
    """Recent outcomes, latest articles and entity labels of this worker."""

    def __init__(self, *, started: float | None = None) -> None:
        self.started = time.time() if started is None else started
        self._events: deque[tuple[float, str]] = deque()
        self.latest: deque[dict[str, Any]] = deque(maxlen=LATEST_ARTICLES)
        self.labels: dict[str, dict[str, Any]] = {}

    def record(self, outcome: str, messages: list[Message], now: float | None = None) -> None:
        """Take one published outcome (its first message is the outcome record)."""
        now = time.time() if now is None else now
        self._events.append((now, outcome))
        self._forget_before(now - RATE_WINDOW)
        if outcome == OUTCOME_ENRICHED and messages:
            article = messages[0].value
            self.latest.appendleft(article_summary(article))
            for entity in article["entities"]:
                self.labels[entity["id"]] = {f: entity.get(f) for f in LABEL_FIELDS}

    def rates(self, now: float | None = None) -> dict[str, float]:
        """Outcomes per second over the last :data:`RATE_WINDOW` seconds (or
        since the worker started, when that is shorter)."""
        now = time.time() if now is None else now
        self._forget_before(now - RATE_WINDOW)
        seconds = max(min(RATE_WINDOW, now - self.started), 1.0)
        counts = Counter(outcome for _, outcome in self._events)
        total = sum(counts.values())
        return {
            "articles_per_s": total / seconds,
            "enriched_per_s": counts[OUTCOME_ENRICHED] / seconds,
            "duplicates_per_s": counts[OUTCOME_DUPLICATE] / seconds,
            "deadletters_per_s": counts[OUTCOME_DEADLETTER] / seconds,
            "deadletter_share": counts[OUTCOME_DEADLETTER] / total if total else 0.0,
            "window_s": seconds,
        }

    def _forget_before(self, cutoff: float) -> None:
        while self._events and self._events[0][0] < cutoff:
            self._events.popleft()


def article_summary(article: dict[str, Any]) -> dict[str, Any]:
    """The fields of an enriched article the page shows, with its most
    salient entities as chips."""
    entities = sorted(article["entities"], key=lambda e: -e["salience"])[:CHIPS_PER_ARTICLE]
    return {
        "id": article["id"],
        "title": article["title"],
        "source": article["source"],
        "url": article.get("url"),
        "language": article["language"],
        "published_at": article["published_at"],
        "entities": [{f: e.get(f) for f in LABEL_FIELDS} for e in entities],
    }


def trending_counts(
    windows: Iterable[tuple[tuple[str, tuple[float, float]], int]], now: float, horizon: float
) -> Counter[str]:
    """Articles per entity over the tumbling windows that end within the last
    ``horizon`` seconds, from the windowed table's ``((key, (start, end)), count)``
    items."""
    totals: Counter[str] = Counter()
    for (entity_id, (_start, end)), count in windows:
        if end > now - horizon:
            totals[entity_id] += count
    return totals
