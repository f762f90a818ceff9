"""Dedup cost and memory as the window grows, for ``newsstreams bench``.

The shared corpus has 20,000 articles; a week of a large feed has 100,000
and more. So the window is filled with a synthetic stream shaped like news:
article lengths like the corpus (150 to 600 words), words drawn with
Zipf's law (frequency ~ 1/rank) from 50,000, so common phrases recur across
articles and make LSH candidates as they do in news, and a tenth of the
articles near-copies of a recent one (a few words edited), so that
candidates are verified and duplicates recorded on the way.

:func:`window_costs` fills one dict store (the offline mode's) to each size
and times the dedup decision for the next ``probes`` articles (sketching is
timed apart: the worker does it in parallel, before the single-partition
decision). Memory is what the store and the LSH index hold per article,
measured with ``tracemalloc`` while filling.
"""

from __future__ import annotations

import hashlib
import time
import tracemalloc
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from streams.stages.dedup import DedupConfig, Deduplicator
from streams.stages.minhash import Sketch

VOCABULARY = 50_000
COPY_RATE = 0.1
COPY_FROM_LAST = 1_000
START_MS = 1_700_000_000_000
STEP_MS = 60_000  # one article a minute of stream time


@dataclass(frozen=True)
class WindowCost:
    """Per-article dedup cost with ``window`` articles in the window."""

    window: int
    probes: int
    decide_mean_us: float
    decide_p95_us: float
    sketch_mean_us: float
    bytes_per_article: float

    @property
    def megabytes_per_100k(self) -> float:
        return self.bytes_per_article * 100_000 / 1e6

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "megabytes_per_100k": self.megabytes_per_100k}


def synthetic_articles(count: int, *, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` enriched-looking articles, one a minute, a tenth of them near-copies."""
    rng = np.random.default_rng(seed)
    zipf = np.cumsum(1.0 / np.arange(1, VOCABULARY + 1))
    zipf /= zipf[-1]
    recent: deque[np.ndarray] = deque(maxlen=COPY_FROM_LAST)
    for n in range(count):
        if recent and rng.random() < COPY_RATE:
            body = recent[int(rng.integers(0, len(recent)))].copy()
            edits = rng.integers(0, body.size, int(rng.integers(1, 6)))
            body[edits] = rng.integers(VOCABULARY, 2 * VOCABULARY, edits.size)
        else:
            body = np.searchsorted(zipf, rng.random(int(rng.integers(150, 600))))
        recent.append(body)
        text = " ".join(f"w{word}" for word in body)
        moment = time.gmtime((START_MS + n * STEP_MS) / 1000)
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)
        yield {
            "id": f"synthetic-{seed}-{n}",
            "source": "synthetic",
            "url": None,
            "title": "",
            "body": text,
            "published_at": published,
            "ingested_at": published,
            "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            "origin": {"topic": "synthetic", "partition": 0, "offset": n, "timestamp": None},
        }


def window_costs(
    sizes: Sequence[int] = (1_000, 10_000, 100_000),
    *,
    probes: int = 1_000,
    config: DedupConfig | None = None,
    seed: int = 0,
) -> list[WindowCost]:
    """Decision cost per article at each window size (ascending), and memory."""
    config = config or DedupConfig(window_days=3650)  # nothing expires while filling
    dedup = Deduplicator(config)
    store: dict[str, bytes] = {}
    stream = synthetic_articles(max(sizes) + probes * len(sizes), seed=seed)
    results = []
    filled = traced_articles = traced_bytes = 0
    for size in sorted(sizes):
        tracemalloc.start()  # only while filling: it would slow the timed probes
        before = tracemalloc.get_traced_memory()[0]
        while filled < size:
            article = next(stream)
            dedup.decide(article, dedup.sketch(article), store)
            filled += 1
            traced_articles += 1
        traced_bytes += tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        decide_ns, sketch_ns = _probe(dedup, store, [next(stream) for _ in range(probes)])
        filled += probes
        results.append(
            WindowCost(
                window=size,
                probes=probes,
                decide_mean_us=float(np.mean(decide_ns)) / 1000,
                decide_p95_us=float(np.percentile(decide_ns, 95)) / 1000,
                sketch_mean_us=float(np.mean(sketch_ns)) / 1000,
                bytes_per_article=traced_bytes / traced_articles,
            )
        )
    return results


def _probe(
    dedup: Deduplicator, store: dict[str, bytes], articles: list[dict[str, Any]]
) -> tuple[list[int], list[int]]:
    sketches: list[Sketch | None] = []
    sketch_ns = []
    for article in articles:
        started = time.perf_counter_ns()
        sketches.append(dedup.sketch(article))
        sketch_ns.append(time.perf_counter_ns() - started)
    decide_ns = []
    for article, sketch in zip(articles, sketches, strict=True):
        started = time.perf_counter_ns()
        dedup.decide(article, sketch, store)
        decide_ns.append(time.perf_counter_ns() - started)
    return decide_ns, sketch_ns
