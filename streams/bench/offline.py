"""Offline throughput: each stage, the whole pipeline, dedup as its window grows.

Everything runs in this process on one thread, so the figures are per core.
Stages are called only through :mod:`streams.bench.adapters`.

The stages and pipeline are measured in steady state on fresh articles.
Their caches are per word: the tagger interns every token type into a
lexicon with its gazetteer entry and CRF emission rows, enrich memoises
word analyses. A long-running worker has filled them with the words it has
met, yet every new article still brings word forms it has never seen
(interning them was 18% of a worker's time in a py-spy profile). Passes over
articles the process has already handled see no new word at all, so their
figures leave that cost out. Hence:

1. A warm-up runs the whole pipeline over the first articles, from empty
   caches. It is reported apart, as a fresh worker's cold start, and is no
   part of the steady-state figures.
2. Each timed pass then takes articles the process has never seen, in two
   slices. On one, the stages run as a chain, each timed over exactly what
   the previous one passed on (invalid articles stop at validate, duplicates
   at dedup, as in the worker), so no untimed pre-pass warms a stage on the
   articles it is then timed on; their times are also summed per article
   entering the chain. On the other slice, the whole pipeline runs. Every
   article goes through the process once. As the pipeline and the chain
   ran on different articles, what the pipeline adds to its stages is not
   estimated: it would be lost in their difference.

Passes are interleaved (the chain and the pipeline once, then again on the
next two slices, which of the two comes first alternating) so a burst of
load from elsewhere on the machine hits all rows alike. Slices differ in
size and content, so each pass is counted in µs per article; the best pass
is the least disturbed estimate, the median also evens out the slices'
content. One dedup state serves the whole run, as a worker keeps its
window: no article comes twice, so dedup never replays a stored decision.

Later passes have met more articles, so they see somewhat fewer new words;
the caches are bounded (a few hundred thousand word forms, some 9,000
articles of this corpus) and a worker fills them again after each trim. The
figures are thus those of a worker some thousands of articles into a cache
cycle. How many token types each pass interned per article is reported, as
the evidence that it met new words.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.bench.adapters import (
    DEDUP,
    ENRICH,
    PIPELINE,
    SKETCH,
    STAGES,
    STOP,
    VALIDATE,
    BenchInput,
    StageAdapter,
    StageContext,
    dedup_window,
    new_dedup_store,
    token_types,
)
from streams.bench.stats import distribution
from streams.models import Origin
from streams.sources import SourceRecord

BENCH_TOPIC = "bench"
DEDUP_BUCKETS = 10
CHAIN = "stage chain"


@dataclass(frozen=True)
class Timing:
    """Wall time of each pass of one adapter, and how many inputs each had."""

    name: str
    articles: tuple[int, ...]
    seconds: tuple[float, ...]

    @property
    def us_per_article(self) -> list[float | None]:
        """µs per input article of each pass (``None`` for a pass without input)."""
        return [
            s / n * 1e6 if n else None for s, n in zip(self.seconds, self.articles, strict=True)
        ]

    def as_dict(self) -> dict[str, Any]:
        passes = self.us_per_article
        measured = [us for us in passes if us is not None]
        best = min(measured, default=None)
        median = statistics.median(measured) if measured else None
        return {
            "name": self.name,
            "articles": sum(self.articles),
            "passes_articles": list(self.articles),
            "passes_s": list(self.seconds),
            "passes_us": passes,
            "us_per_article": best,
            "median_us_per_article": median,
            "per_second": 1e6 / best if best else None,
            "median_per_second": 1e6 / median if median else None,
        }


def bench_inputs(records: Sequence[SourceRecord]) -> list[BenchInput]:
    """Raw messages with Kafka-like origins (one partition, offsets in order)."""
    now_ms = int(time.time() * 1000)
    return [BenchInput(r.value, Origin(BENCH_TOPIC, 0, i, now_ms)) for i, r in enumerate(records)]


def bench_offline(
    ctx: StageContext,
    inputs: Sequence[BenchInput],
    repeats: int,
    warmup: int,
    articles: int | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """The cold start, then each stage and the whole pipeline in steady state.

    ``inputs`` come in the order to process them (the caller shuffles them,
    so that the warm-up and every slice are alike). The warm-up runs the
    pipeline over up to ``warmup`` of them, stopping after ``seconds`` when
    given; the ``repeats`` timed passes then take two fresh slices each from
    the rest, of up to ``articles`` (all that fit, by default). A slice holds
    at most half as many articles as the warm-up got through, so a pass costs
    at most about the warm-up's time (warm is faster than cold) and a slow
    pipeline cannot stretch the bench. Needs ``1 + 2 * repeats`` inputs.
    """
    slots = 2 * repeats
    if repeats < 1 or len(inputs) < 1 + slots:
        raise ValueError(f"{len(inputs)} articles: the offline bench needs {1 + slots}")
    ctx.store = new_dedup_store()
    before = token_types(ctx)
    count, cold, _ = _run_pipeline(ctx, inputs[: min(warmup, len(inputs) - slots)], seconds)
    warm_types = _new_types(ctx, before, count)
    rest = inputs[count:]
    size = min(articles or len(rest), max(1, count // 2), len(rest) // slots)
    slices = [rest[i * size : (i + 1) * size] for i in range(slots)]
    passes: dict[str, list[tuple[int, float]]] = {a.name: [] for a in (*STAGES, PIPELINE)}
    new_types: dict[str, list[float | None]] = {CHAIN: [], PIPELINE.name: []}
    kb: dict[str, list[float | None]] = {CHAIN: [], PIPELINE.name: []}
    outcomes: Counter[str] = Counter()
    for k in range(repeats):
        runs = [CHAIN, PIPELINE.name] if k % 2 == 0 else [PIPELINE.name, CHAIN]
        for name, items in zip(runs, slices[2 * k : 2 * k + 2], strict=True):
            before = token_types(ctx)
            if name == CHAIN:
                for adapter, timing in _time_chain(ctx, items).items():
                    passes[adapter].append(timing)
            else:
                n, elapsed, seen = _run_pipeline(ctx, items)
                passes[name].append((n, elapsed))
                outcomes += seen
            new_types[name].append(_new_types(ctx, before, len(items)))
            kb[name].append(_mean_kb(items))
    stages = [_timing(a.name, passes[a.name]) for a in STAGES]
    pipeline = _timing(PIPELINE.name, passes[PIPELINE.name])
    chain = [(size, sum(passes[a.name][k][1] for a in STAGES)) for k in range(repeats)]
    return {
        "articles": slots * size,
        "slice": size,
        "repeats": repeats,
        "warmup": {
            "articles": count,
            "new_types_per_article": warm_types,
            "kb_per_article": _mean_kb(inputs[:count]),
        },
        "outcomes": dict(outcomes),
        "stages": stages,
        "pipeline": pipeline,
        "pipeline_cold": _timing("pipeline, warm-up from empty caches (cold)", [(count, cold)]),
        "stage_chain": _timing("stages chained, summed", chain),
        "new_types_per_article": new_types,
        "kb_per_article": kb,
    }


def bench_dedup_window(
    ctx: StageContext,
    inputs: Sequence[BenchInput],
    buckets: int = DEDUP_BUCKETS,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Dedup cost per article as the window fills with real articles.

    Articles are validated, enriched and sketched untimed, then decided one
    by one against one growing dedup state; each decision is timed on its
    own (the sketch costs the same whatever the window holds). Costs are
    summarised over ``buckets`` equal slices of the run, each labelled with
    the window's size at its start and end. The median is the typical cost;
    the mean also carries the garbage collector's pauses, which land on
    whichever call happens to allocate. Each timing includes ~0.1 µs of
    ``perf_counter_ns`` itself. Preparing the articles stops after
    ``seconds`` (when given), which then bounds the window.
    """
    deadline = time.perf_counter() + seconds if seconds is not None else None
    sketched = []
    for item in inputs:
        if deadline is not None and time.perf_counter() >= deadline:
            break
        value: Any = item
        for adapter in (VALIDATE, ENRICH, SKETCH):
            value = adapter.call(ctx, value)
            if value is STOP:
                break
        else:
            sketched.append(value)
    ctx.store = new_dedup_store()
    costs_ns, windows = [], []
    for item in sketched:
        started = time.perf_counter_ns()
        DEDUP.call(ctx, item)
        costs_ns.append(time.perf_counter_ns() - started)
        windows.append(dedup_window(ctx))
    size = max(1, -(-len(costs_ns) // buckets))
    points = [
        {
            "window_from": windows[start - 1] if start else 0,
            "window_to": windows[min(start + size, len(windows)) - 1],
            "us": distribution([ns / 1000 for ns in costs_ns[start : start + size]]),
        }
        for start in range(0, len(costs_ns), size)
    ]
    return {"articles": len(costs_ns), "points": points}


def profile_pipeline(
    ctx: StageContext,
    warmup: Sequence[BenchInput],
    inputs: Sequence[BenchInput],
    out_dir: Path,
) -> dict[str, Any]:
    """Profile the pipeline over ``inputs`` with pyinstrument, after ``warmup``.

    Run ``warmup`` and ``inputs`` apart (as :func:`bench_offline` does) so the
    profile shows a warm worker meeting new articles, interning their new
    words included. Writes ``profile.html`` (interactive call tree) and
    ``profile.txt`` (call tree, then functions by self time) into
    ``out_dir``; returns their paths and the call tree's lines, which say
    where the time goes stage by stage. Pyinstrument samples wall time, so on
    a busy machine the seconds stretch but the proportions hold.
    """
    from pyinstrument import Profiler

    ctx.store = new_dedup_store()
    _run_pipeline(ctx, warmup)
    profiler = Profiler()
    with profiler:
        _, seconds, _ = _run_pipeline(ctx, inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    html, text = out_dir / "profile.html", out_dir / "profile.txt"
    profiler.write_html(html)
    tree = profiler.output_text(unicode=True)
    flat = profiler.output_text(unicode=True, flat=True, flat_time="self")
    text.write_text(f"{tree}\n\nBy self time:\n{flat}", encoding="utf-8")
    return {
        "warmup": len(warmup),
        "articles": len(inputs),
        "seconds": seconds,
        "html": str(html),
        "text": str(text),
        "tree": [line for line in tree.splitlines() if line.strip()],
    }


def _time_chain(ctx: StageContext, items: Sequence[Any]) -> dict[str, tuple[int, float]]:
    """Each stage in turn over what the previous one passed on: by stage,
    how many inputs it had and how long it took."""
    timings: dict[str, tuple[int, float]] = {}
    for adapter in STAGES:
        elapsed, outputs = _time(adapter, ctx, items)
        timings[adapter.name] = (len(items), elapsed)
        items = [out for out in outputs if out is not STOP]
    return timings


def _time(adapter: StageAdapter, ctx: StageContext, items: Sequence[Any]) -> tuple[float, list]:
    call = adapter.call
    started = time.perf_counter()
    outputs = [call(ctx, item) for item in items]
    return time.perf_counter() - started, outputs


def _run_pipeline(
    ctx: StageContext, inputs: Sequence[BenchInput], seconds: float | None = None
) -> tuple[int, float, Counter[str]]:
    """One whole-pipeline pass on the dedup state in ``ctx``: how many articles
    it took (all, or as many as ``seconds`` allowed), how long, and their
    outcomes."""
    call = PIPELINE.call
    outcomes: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds if seconds is not None else None
    for item in inputs:
        outcomes.append(call(ctx, item).outcome)
        if deadline is not None and time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - started
    return len(outcomes), elapsed, Counter(outcomes)


def _timing(name: str, passes: Sequence[tuple[int, float]]) -> dict[str, Any]:
    return Timing(name, tuple(n for n, _ in passes), tuple(s for _, s in passes)).as_dict()


def _new_types(ctx: StageContext, before: int, articles: int) -> float | None:
    """Token types interned per article since the lexicon held ``before``
    (``None`` when it emptied itself in between, or without articles)."""
    after = token_types(ctx)
    return (after - before) / articles if after >= before and articles else None


def _mean_kb(items: Sequence[BenchInput]) -> float | None:
    """Mean size of the raw messages, in kB."""
    return sum(len(item.raw) for item in items) / len(items) / 1000 if items else None
