"""The benchmark's input: real articles from the shared SaudiNewsNet corpus."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from streams.kafka_io import message_key
from streams.settings import PROJECT_ROOT
from streams.sources import SourceRecord, iter_records

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "saudinewsnet"


def load_articles(paths: Iterable[str | Path], limit: int) -> list[SourceRecord]:
    """The first ``limit`` raw records of ``paths`` with distinct Kafka keys.

    The corpus repeats some articles verbatim (same source and URL, so the
    same id). Keeping one record per key lets the Kafka bench match every
    output record to exactly one input by key; repeated *content* under
    different ids stays in, so dedup still has real duplicates to find.
    Fewer than ``limit`` come back when the corpus runs out.
    """
    seen: set[str] = set()
    records: list[SourceRecord] = []
    for record in iter_records(paths):
        if len(records) >= limit:
            break
        key = message_key(record.value)
        if key not in seen:
            seen.add(key)
            records.append(record)
    return records
