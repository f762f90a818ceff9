"""``newsstreams eval-dedup``: the dedup stage against brute-force ground truth.

The inputs are streamed in the order given (directories in sorted order)
through the pipeline's own prepare and dedup steps with one dict store, as
the offline mode runs them. The *reported* pairs are the (article, match)
pairs of every duplicate notice, whatever the method. The *true* pairs are
every pair of articles whose exact Jaccard similarity, on the very shingle
sets the stage compares, is at least the dedup threshold: all pairs sharing
a shingle are computed (a pair sharing none has Jaccard 0), nothing is
sampled or estimated. A true pair is only expected when the earlier article
is still in the window when the later one arrives (by the stage's own
stream clock); the others are counted apart.

Scores are given per input file (one SaudiNewsNet day each), a pair
belonging to the file of its later article, and overall, with the reported
pairs per method and how many of them are false (every method must agree
with the one definition), and a histogram of the pairs' similarities around
the threshold.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from streams.models import OUTCOME_DUPLICATE
from streams.offline import offline_origin
from streams.pipeline import Pipeline, Result
from streams.settings import Settings
from streams.sources import count_records, iter_records, resolve_files
from streams.stages.dedup import event_time_ms

HISTOGRAM_FROM = 0.5
HISTOGRAM_STEP = 0.05


@dataclass
class Score:
    """Counts for one input file (or all of them)."""

    label: str
    articles: int = 0
    duplicates: int = 0
    true_pairs: int = 0
    reported_pairs: int = 0
    hits: int = 0

    @property
    def precision(self) -> float:
        return self.hits / self.reported_pairs if self.reported_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Evaluation:
    """Everything ``eval-dedup`` prints."""

    threshold: float
    window_days: float
    days: list[Score]
    total: Score
    histogram: list[tuple[float, float, int, int]]  # from, to, pairs, reported
    reported_below: int  # reported pairs under the histogram's range (short texts, by URL)
    methods: Counter[str] = field(default_factory=Counter)
    false_by_method: Counter[str] = field(default_factory=Counter)
    outside_window: int = 0
    stories: Counter[str] = field(default_factory=Counter)


@dataclass
class _Stream:
    """What the run keeps per distinct article, in arrival order."""

    shingles: list[np.ndarray | None] = field(default_factory=list)
    clocks: list[int] = field(default_factory=list)
    days: list[int] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    reported: dict[tuple[int, int], str] = field(default_factory=dict)  # pair → method
    stories: Counter[str] = field(default_factory=Counter)


def evaluate(
    paths: Iterable[str | Path], settings: Settings, *, progress: bool = True
) -> Evaluation:
    """Stream ``paths`` through prepare and dedup and score the reported pairs."""
    files = resolve_files(paths)
    pipeline = Pipeline(settings)
    config = pipeline.deduplicator.config
    stream = _Stream()
    scores = [Score(path.stem) for path in files]
    store: dict[str, bytes] = {}
    ingested_ms = int(time.time() * 1000)
    bar = tqdm(total=count_records(files) if progress else None, disable=not progress)
    index = 0
    for day, path in enumerate(files):
        for record in iter_records([path]):
            bar.update()
            prepared = pipeline.prepare(record.value, offline_origin(record, index, ingested_ms))
            index += 1
            if isinstance(prepared, Result):
                continue
            article = prepared.article
            decided = pipeline.dedup(prepared, store)
            if article["id"] in stream.positions:  # a re-send: same decision, no new pairs
                continue
            position = len(stream.shingles)
            stream.positions[article["id"]] = position
            stream.shingles.append(prepared.sketch.shingles if prepared.sketch else None)
            previous = stream.clocks[-1] if stream.clocks else event_time_ms(article)
            stream.clocks.append(max(previous, event_time_ms(article)))
            stream.days.append(day)
            scores[day].articles += 1
            if isinstance(decided, Result) and decided.outcome == OUTCOME_DUPLICATE:
                notice = decided.messages[0].value
                scores[day].duplicates += 1
                stream.stories[notice["story_id"]] += 1
                for match in notice["matches"]:
                    stream.reported[(stream.positions[match["id"]], position)] = match["method"]
            elif not isinstance(decided, Result):
                stream.stories[decided.article["story_id"]] += 1
    bar.close()
    return _score(stream, scores, config.threshold, config.window_days, config.window_ms)


def exact_pairs(shingles: list[np.ndarray | None], lower: float) -> dict[tuple[int, int], float]:
    """Jaccard of every pair ``(i, j)``, ``i < j``, that reaches ``lower`` (> 0).

    Every shingle shared by ``m`` articles contributes its ``m (m - 1) / 2``
    pairs; counting each pair's shared shingles gives its intersection, so
    the Jaccard of every pair with a shingle in common is exact.
    """
    sizes = np.array([0 if s is None else s.size for s in shingles], dtype=np.int64)
    present = [i for i, s in enumerate(shingles) if s is not None]
    if not present:
        return {}
    values = np.concatenate([shingles[i] for i in present])
    docs = np.concatenate([np.full(shingles[i].size, i, dtype=np.int64) for i in present])
    order = np.argsort(values, kind="stable")  # docs stay ascending within a shingle
    values, docs = values[order], docs[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, values.size])
    codes = []
    count = len(shingles)
    for length in np.unique(lengths[lengths > 1]):
        runs = starts[lengths == length]
        block = docs[runs[:, None] + np.arange(length)]
        left, right = np.triu_indices(length, 1)
        codes.append(block[:, left].ravel() * count + block[:, right].ravel())
    if not codes:
        return {}
    pairs, shared = np.unique(np.concatenate(codes), return_counts=True)
    first, second = pairs // count, pairs % count
    similarity = shared / (sizes[first] + sizes[second] - shared)
    keep = similarity >= lower
    return {
        (int(i), int(j)): float(s)
        for i, j, s in zip(first[keep], second[keep], similarity[keep], strict=True)
    }


def _score(
    stream: _Stream, scores: list[Score], threshold: float, window_days: float, window_ms: int
) -> Evaluation:
    similarities = exact_pairs(stream.shingles, min(HISTOGRAM_FROM, threshold))
    clocks = stream.clocks
    in_window = {
        pair: value
        for pair, value in similarities.items()
        if clocks[pair[0]] >= clocks[pair[1]] - window_ms
    }
    truth = {pair for pair, value in in_window.items() if value >= threshold}
    outside = sum(
        1 for pair, value in similarities.items() if value >= threshold and pair not in in_window
    )
    for pair in truth:
        scores[stream.days[pair[1]]].true_pairs += 1
    for pair in stream.reported:
        score = scores[stream.days[pair[1]]]
        score.reported_pairs += 1
        score.hits += pair in truth
    total = Score("all")
    for score in scores:
        for name in ("articles", "duplicates", "true_pairs", "reported_pairs", "hits"):
            setattr(total, name, getattr(total, name) + getattr(score, name))
    bins = round((1.0 - HISTOGRAM_FROM) / HISTOGRAM_STEP)
    counts = [[0, 0] for _ in range(bins)]  # pairs, reported; the last bin includes 1.0
    for pair, value in in_window.items():
        if value >= HISTOGRAM_FROM:
            slot = min(int((value - HISTOGRAM_FROM) / HISTOGRAM_STEP + 1e-9), bins - 1)
            counts[slot][0] += 1
            counts[slot][1] += pair in stream.reported
    histogram = [
        (HISTOGRAM_FROM + i * HISTOGRAM_STEP, HISTOGRAM_FROM + (i + 1) * HISTOGRAM_STEP, n, hit)
        for i, (n, hit) in enumerate(counts)
    ]
    reported_below = sum(1 for pair in stream.reported if in_window.get(pair, 0.0) < HISTOGRAM_FROM)
    return Evaluation(
        threshold=threshold,
        window_days=window_days,
        days=scores,
        total=total,
        histogram=histogram,
        reported_below=reported_below,
        methods=Counter(stream.reported.values()),
        false_by_method=Counter(
            method for pair, method in stream.reported.items() if pair not in truth
        ),
        outside_window=outside,
        stories=stream.stories,
    )


def render(evaluation: Evaluation) -> str:
    """The report ``eval-dedup`` prints."""
    lines = [
        f"near-duplicate pairs at Jaccard >= {evaluation.threshold:g} "
        f"(window {evaluation.window_days:g} days)",
        "",
        f"{'input':<14} {'articles':>8} {'dups':>6} {'true':>6} {'reported':>8} {'hits':>6} "
        f"{'precision':>9} {'recall':>7} {'F1':>6}",
    ]
    for score in [*evaluation.days, evaluation.total]:
        lines.append(
            f"{score.label:<14} {score.articles:>8} {score.duplicates:>6} {score.true_pairs:>6} "
            f"{score.reported_pairs:>8} {score.hits:>6} {score.precision:>9.4f} "
            f"{score.recall:>7.4f} {score.f1:>6.4f}"
        )
    methods = ", ".join(
        f"{name} {n} ({evaluation.false_by_method[name]} false)"
        for name, n in sorted(evaluation.methods.items())
    )
    lines += [
        "",
        f"reported pairs by method: {methods or 'none'}",
        f"true pairs further apart than the window (not expected): {evaluation.outside_window}",
        "",
        "exact Jaccard of pairs in the window, and how many were reported:",
        f"{'similarity':<13} {'pairs':>7} {'reported':>8}",
    ]
    for low, high, pairs, reported in evaluation.histogram:
        bar = "#" * round(40 * reported / pairs) if pairs else ""
        closing = "]" if high >= 1.0 - 1e-9 else ")"
        lines.append(f"[{low:.2f}, {high:.2f}{closing} {pairs:>7} {reported:>8}  {bar}")
    lines.append(f"< {HISTOGRAM_FROM:.2f}        {'':>7} {evaluation.reported_below:>8}")
    sizes = Counter(evaluation.stories.values())
    grouped = sum(n for n in evaluation.stories.values() if n > 1)
    lines += [
        "",
        f"stories: {len(evaluation.stories)} for {evaluation.total.articles} articles; "
        f"{sum(c for s, c in sizes.items() if s > 1)} with more than one article "
        f"({grouped} articles), the largest {max(evaluation.stories.values(), default=0)}",
    ]
    return "\n".join(lines)
