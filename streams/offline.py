"""Offline mode: the same pipeline over files, no Kafka.

Writes what the worker would publish, one JSON line per message:
``enriched.jsonl``, ``duplicates.jsonl``, ``deadletter.jsonl`` and
``entities/<topic>.jsonl``, and ``registry.jsonl``: the latest
``entities.registry`` record per entity, which is what the compacted topic
converges to. Dedup and topic-policy state is a plain dict, so the run is
equivalent to a single worker reading the files in order.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson
from tqdm import tqdm

from streams.gc_tuning import tune_gc
from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED, Origin
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.sources import SourceRecord, count_records, iter_records

OFFLINE_TOPIC = "offline"


@dataclass(frozen=True)
class OfflineReport:
    """Counts of one offline run, by outcome and by entity topic."""

    outcomes: Counter[str]
    entity_topics: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def process_files(
    paths: Iterable[str | Path], out_dir: Path, settings: Settings, *, progress: bool = True
) -> OfflineReport:
    """Run every record in ``paths`` through the pipeline into ``out_dir``."""
    tune_gc()
    paths = [Path(p) for p in paths]
    pipeline = Pipeline(settings)
    store: dict[str, object] = {}
    registry: dict[str, object] = {}
    outcomes: Counter[str] = Counter(
        {OUTCOME_ENRICHED: 0, OUTCOME_DUPLICATE: 0, OUTCOME_DEADLETTER: 0}
    )
    entity_topics: Counter[str] = Counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "entities").mkdir(exist_ok=True)
    total = count_records(paths) if progress else None
    with ExitStack() as files:
        sinks: dict[str, IO[bytes]] = {
            settings.topic("articles.enriched"): files.enter_context(
                open(out_dir / "enriched.jsonl", "wb")
            ),
            settings.topic("articles.duplicates"): files.enter_context(
                open(out_dir / "duplicates.jsonl", "wb")
            ),
            settings.topic("articles.deadletter"): files.enter_context(
                open(out_dir / "deadletter.jsonl", "wb")
            ),
        }
        ingested_ms = int(time.time() * 1000)
        records = tqdm(iter_records(paths), total=total, unit="article", disable=not progress)
        for index, record in enumerate(records):
            origin = offline_origin(record, index, ingested_ms)
            result = pipeline.process(record.value, origin, store)
            outcomes[result.outcome] += 1
            for message in result.messages:
                if message.topic == pipeline.registry_topic:
                    registry[message.key] = message.value
                    continue
                sink = sinks.get(message.topic)
                if sink is None:
                    entity_topics[message.topic] += 1
                    sink = files.enter_context(
                        open(out_dir / "entities" / f"{message.topic}.jsonl", "wb")
                    )
                    sinks[message.topic] = sink
                elif message.topic in entity_topics:
                    entity_topics[message.topic] += 1
                sink.write(orjson.dumps({"key": message.key, "value": message.value}) + b"\n")
    with open(out_dir / "registry.jsonl", "wb") as sink:
        for key, value in sorted(registry.items()):
            sink.write(orjson.dumps({"key": key, "value": value}) + b"\n")
    return OfflineReport(outcomes, entity_topics)


def offline_origin(record: SourceRecord, index: int, ingested_ms: int) -> Origin:
    """Origin of an offline record: its place in the run stands in for Kafka's
    partition and offset, the run's start time for the record timestamp."""
    return Origin(f"{OFFLINE_TOPIC}:{record.origin}", 0, index, ingested_ms)
