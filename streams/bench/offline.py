"""Offline throughput: each stage, the whole pipeline, dedup as its window grows.

Everything runs in this process on one thread, so the figures are per core.
Stages are called only through :mod:`streams.bench.adapters`. Each stage is
timed over exactly the inputs the previous stage produced for the same
articles, so invalid articles stop at validate and duplicates at dedup, as in
the worker. Passes are interleaved (every stage once, then again) so a burst
of load from elsewhere on the machine hits all rows alike, and the table
reports the fastest pass: the least disturbed estimate of the cost.
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
)
from streams.bench.stats import distribution
from streams.models import Origin
from streams.sources import SourceRecord

BENCH_TOPIC = "bench"
DEDUP_BUCKETS = 10


@dataclass(frozen=True)
class Timing:
    """Wall time of each pass of one adapter over ``articles`` inputs."""

    name: str
    articles: int
    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.seconds)

    def as_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "name": self.name,
            "articles": self.articles,
            "passes_s": list(self.seconds),
            "best_s": best,
            "median_s": statistics.median(self.seconds),
            "per_second": self.articles / best if best else None,
            "us_per_article": best / self.articles * 1e6 if self.articles else None,
        }


def bench_inputs(records: Sequence[SourceRecord]) -> list[BenchInput]:
    """Raw messages with Kafka-like origins (one partition, offsets in order)."""
    now_ms = int(time.time() * 1000)
    return [BenchInput(r.value, Origin(BENCH_TOPIC, 0, i, now_ms)) for i, r in enumerate(records)]


def bench_offline(
    ctx: StageContext,
    inputs: Sequence[BenchInput],
    repeats: int,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Per-stage and whole-pipeline timings, ``repeats`` passes each.

    The first pipeline pass runs before anything else touched the stages in
    this process, so it is reported apart as the cold pass (caches empty);
    the table's figures are warm. That pass also sizes the run: it stops
    after ``seconds`` (when given), and every later pass uses only the
    articles it got through, so a slow pipeline cannot stretch the bench.
    """
    count, cold, outcomes = _time_pipeline(ctx, inputs, seconds)
    inputs = inputs[:count]
    stage_inputs = _stage_inputs(ctx, inputs)
    passes: dict[str, list[float]] = {adapter.name: [] for adapter in (*STAGES, PIPELINE)}
    for _ in range(repeats):
        for adapter in STAGES:
            passes[adapter.name].append(_time(adapter, ctx, stage_inputs[adapter.name]))
        passes[PIPELINE.name].append(_time_pipeline(ctx, inputs)[1])
    stages = [
        Timing(a.name, len(stage_inputs[a.name]), tuple(passes[a.name])).as_dict() for a in STAGES
    ]
    pipeline = Timing(PIPELINE.name, count, tuple(passes[PIPELINE.name])).as_dict()
    stage_sum = sum(stage["best_s"] for stage in stages)
    return {
        "articles": count,
        "repeats": repeats,
        "outcomes": dict(outcomes),
        "stages": stages,
        "pipeline": pipeline,
        "pipeline_cold": Timing("pipeline, first pass (cold)", count, (cold,)).as_dict(),
        "pipeline_overhead_s": pipeline["best_s"] - stage_sum,
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
    ctx: StageContext, inputs: Sequence[BenchInput], out_dir: Path
) -> dict[str, Any]:
    """Profile the warm pipeline over ``inputs`` with pyinstrument.

    Writes ``profile.html`` (interactive call tree) and ``profile.txt`` (call
    tree, then functions by self time) into ``out_dir``; returns their paths
    and the call tree's lines, which say where the time goes stage by stage.
    Pyinstrument samples wall time, so on a busy machine the seconds stretch
    but the proportions hold.
    """
    from pyinstrument import Profiler

    _time_pipeline(ctx, inputs)  # warm: the profile should show steady state
    profiler = Profiler()
    with profiler:
        _, seconds, _ = _time_pipeline(ctx, inputs)
    out_dir.mkdir(parents=True, exist_ok=True)
    html, text = out_dir / "profile.html", out_dir / "profile.txt"
    profiler.write_html(html)
    tree = profiler.output_text(unicode=True)
    flat = profiler.output_text(unicode=True, flat=True, flat_time="self")
    text.write_text(f"{tree}\n\nBy self time:\n{flat}", encoding="utf-8")
    return {
        "articles": len(inputs),
        "seconds": seconds,
        "html": str(html),
        "text": str(text),
        "tree": [line for line in tree.splitlines() if line.strip()],
    }


def _stage_inputs(ctx: StageContext, inputs: Sequence[BenchInput]) -> dict[str, list[Any]]:
    """Each stage's inputs, from one untimed pass down the chain."""
    ctx.store = new_dedup_store()
    by_stage: dict[str, list[Any]] = {}
    items: list[Any] = list(inputs)
    for adapter in STAGES:
        by_stage[adapter.name] = items
        items = [out for item in items if (out := adapter.call(ctx, item)) is not STOP]
    return by_stage


def _time(adapter: StageAdapter, ctx: StageContext, items: Sequence[Any]) -> float:
    ctx.store = new_dedup_store()
    call = adapter.call
    started = time.perf_counter()
    for item in items:
        call(ctx, item)
    return time.perf_counter() - started


def _time_pipeline(
    ctx: StageContext, inputs: Sequence[BenchInput], seconds: float | None = None
) -> tuple[int, float, Counter[str]]:
    """One whole-pipeline pass from an empty dedup state: how many articles it
    took (all, or as many as ``seconds`` allowed), how long, and their outcomes."""
    ctx.store = new_dedup_store()
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
