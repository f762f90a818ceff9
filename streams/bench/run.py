"""``newsstreams bench``: one run of every measurement, written to ``bench/``.

Sizes come in three presets. ``default`` keeps ``make bench`` within about
five minutes on two cores; ``quick`` is a smoke run; ``long`` trades time
for steadier figures and a dedup window over the whole corpus. Each size is
a ceiling: the offline passes, the dedup window and the Kafka backlog also
stop at a time budget derived from how fast the pipeline turns out to be,
so a slow pipeline shortens the samples instead of stretching the run.

Which articles each measurement takes, all from the start of the corpus
(one record per Kafka key):

- Offline stages and pipeline: a shuffled sample (fixed seed) of the first
  ``offline_warmup + 2 * repeats * offline_articles``; the warm-up takes the
  sample's first articles and each timed pass two fresh slices after them,
  so no article is processed twice. Shuffled, because stretches of the
  corpus differ: its first 500 articles average 4,800 characters, the next
  stretches of 500 between 1,400 and 2,000. In corpus order, the cold
  warm-up and each timed slice would hold different text, and the best
  pass would be the one with the shortest articles.
- Dedup window: the first ``dedup_articles``, in corpus order, on a dedup
  state of their own (only the decisions are timed).
- Kafka: a shuffled sample of the same kind (same seed), cut into disjoint
  stretches (warm-up, backlog, then the paced articles), so its articles
  are like the offline ones; sent to fresh worker processes, whose caches
  owe nothing to the offline passes.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streams.ner
from streams import broker
from streams.bench.adapters import StageContext
from streams.bench.articles import load_articles
from streams.bench.kafka import KafkaPlan, bench_kafka
from streams.bench.offline import (
    bench_dedup_window,
    bench_inputs,
    bench_offline,
    profile_pipeline,
)
from streams.bench.paths import repo_relative
from streams.bench.report import goals, write_outputs
from streams.gc_tuning import tune_gc
from streams.ner.kernels import KERNELS
from streams.settings import PROJECT_ROOT, Settings
from streams.sources import SourceRecord

DEFAULT_OUT = PROJECT_ROOT / "bench"
SCRATCH = "out"  # under the output directory, git-ignored: logs, profiles
MIN_BACKLOG = 100
SAMPLE_SEED = 0
"""Seed of the benchmark samples' shuffle: every run takes the same articles in
the same order."""

Log = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    """Sizes and switches of one run."""

    corpus: Path
    out_dir: Path = DEFAULT_OUT
    preset: str = "default"
    offline_warmup: int = 1000
    """Articles of the offline warm-up, from empty caches (the cold row)."""
    offline_articles: int = 500
    """Articles of each timed offline slice; a pass takes two (stage chain,
    pipeline), never seen before."""
    offline_seconds: float = 20.0
    """Budget of the offline warm-up; a slice holds at most half the articles
    it got through, so no timed pass takes much longer than the warm-up."""
    repeats: int = 3
    dedup_articles: int = 3000
    dedup_seconds: float = 30.0
    """Budget for preparing the dedup window's articles."""
    backlog: int = 1500
    """Articles drained at saturation (and half as many before, to warm up)."""
    backlog_seconds: float = 15.0
    """The backlog holds at most this many seconds of the offline pipeline's rate."""
    rate: float = 50.0
    """Articles/s of the latency run."""
    rate_seconds: float = 15.0
    """How long the latency run sends."""
    kafka: bool = True
    baselines: bool = True
    scaling: bool = True

    @property
    def scratch(self) -> Path:
        return self.out_dir / SCRATCH

    @property
    def offline_total(self) -> int:
        """Articles of the offline sample: the warm-up and every timed slice."""
        return self.offline_warmup + 2 * self.repeats * self.offline_articles

    @property
    def paced(self) -> int:
        """Articles sent at ``rate``."""
        return round(self.rate * self.rate_seconds)


PRESETS: dict[str, dict[str, Any]] = {
    "quick": {
        "offline_warmup": 300,
        "offline_articles": 150,
        "offline_seconds": 5.0,
        "repeats": 2,
        "dedup_articles": 1000,
        "dedup_seconds": 10.0,
        "backlog": 300,
        "backlog_seconds": 10.0,
        "rate_seconds": 3.0,
    },
    "default": {},
    "long": {
        "offline_warmup": 2000,
        "offline_articles": 1500,
        "offline_seconds": 60.0,
        "repeats": 5,
        "dedup_articles": 25_000,
        "dedup_seconds": 300.0,
        "backlog": 6000,
        "backlog_seconds": 60.0,
        "rate_seconds": 60.0,
    },
}


def options_for(preset: str, corpus: Path, **overrides: Any) -> BenchOptions:
    """The options of ``preset``, with ``overrides`` (``None`` values ignored)."""
    given = {name: value for name, value in overrides.items() if value is not None}
    return BenchOptions(corpus=corpus, preset=preset, **{**PRESETS[preset], **given})


def run_bench(options: BenchOptions, settings: Settings, log: Log = print) -> dict[str, Any]:
    """Measure everything ``options`` asks for, write the outputs, return the results."""
    tune_gc()
    started = time.monotonic()
    results: dict[str, Any] = {"meta": _meta(options)}
    wanted = max(options.offline_total, options.dedup_articles)
    if options.kafka:
        wanted = max(wanted, options.backlog * 3 // 2 + options.paced)
    records = load_articles([options.corpus], wanted)
    results["meta"]["articles"] = len(records)
    ctx = StageContext.create(replace(settings, topic_prefix=""))

    log(
        f"offline: warm-up on up to {options.offline_warmup} articles, then "
        f"{options.repeats} passes on 2 × up to {options.offline_articles} fresh ones"
    )
    offline = bench_offline(
        ctx,
        bench_inputs(shuffled_sample(records, options.offline_total)),
        options.repeats,
        options.offline_warmup,
        options.offline_articles,
        options.offline_seconds,
    )
    results["offline"] = offline
    log(f"dedup window: up to {options.dedup_articles} articles")
    results["dedup_window"] = bench_dedup_window(
        ctx, bench_inputs(records[: options.dedup_articles]), seconds=options.dedup_seconds
    )
    if options.kafka:
        _ensure_broker(settings, log)
        scratch = options.scratch / "kafka"
        shutil.rmtree(scratch, ignore_errors=True)  # worker logs of an earlier run
        affordable = round(offline["pipeline"]["per_second"] * options.backlog_seconds)
        backlog = max(MIN_BACKLOG, min(options.backlog, affordable))
        warmup = backlog // 2
        sample = shuffled_sample(records, warmup + backlog + options.paced)
        plan = KafkaPlan(
            warmup=sample[:warmup],
            backlog=sample[warmup : warmup + backlog],
            paced=sample[warmup + backlog :],
            rate=options.rate,
            scratch=scratch,
            scaling=options.scaling,
            baselines=options.baselines,
        )
        results["kafka"] = bench_kafka(settings, plan, log)
    results["goals"] = goals(results)
    results["meta"]["seconds"] = time.monotonic() - started
    paths = write_outputs(results, options.out_dir)
    log("wrote " + ", ".join(str(path) for path in paths.values()))
    return results


def run_profile(options: BenchOptions, settings: Settings) -> dict[str, Any]:
    """Profile the offline pipeline on fresh articles: the bench's offline
    sample, warm-up on its first ``offline_warmup`` articles, profile on the
    next ``offline_articles``."""
    tune_gc()
    records = load_articles([options.corpus], options.offline_total)
    inputs = bench_inputs(shuffled_sample(records, options.offline_total))
    split = min(options.offline_warmup, len(inputs) // 2)
    warmup, fresh = inputs[:split], inputs[split : split + options.offline_articles]
    ctx = StageContext.create(replace(settings, topic_prefix=""))
    return profile_pipeline(ctx, warmup, fresh, options.scratch)


def shuffled_sample(records: Sequence[SourceRecord], count: int) -> list[SourceRecord]:
    """The first ``count`` of ``records``, shuffled with :data:`SAMPLE_SEED`."""
    head = list(records[:count])
    random.Random(SAMPLE_SEED).shuffle(head)
    return head


def command_line(options: BenchOptions) -> str:
    """The ``newsstreams bench`` command that runs ``options`` (sizes aside)."""
    parts = ["newsstreams", "bench"]
    if options.preset != "default":
        parts.append(f"--{options.preset}")
    if not options.kafka:
        parts.append("--offline-only")
    if options.rate != BenchOptions.rate:
        parts.append(f"--rate {options.rate:g}")
    return " ".join(parts)


def _ensure_broker(settings: Settings, log: Log) -> None:
    if broker.answers(settings.bootstrap_servers, timeout=3.0):
        log(f"using the Kafka broker at {settings.bootstrap_servers}")
        return
    log("no broker answers: starting the local Apache Kafka broker…")
    log(broker.start(broker.BrokerConfig.from_settings(settings)).detail)


def _meta(options: BenchOptions) -> dict[str, Any]:
    return {
        "command": command_line(options),
        "preset": options.preset,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "python": platform.python_version(),
        "tagger_compiled": streams.ner.NATIVE,
        "tagger_kernels": KERNELS is not None,
        "corpus": repo_relative(options.corpus),
        "options": {
            name: getattr(options, name)
            for name in (
                "offline_warmup",
                "offline_articles",
                "offline_seconds",
                "repeats",
                "dedup_articles",
                "dedup_seconds",
                "backlog",
                "backlog_seconds",
                "paced",
                "rate",
                "rate_seconds",
                "kafka",
                "baselines",
                "scaling",
            )
        },
    }


def _commit() -> str | None:
    """``git describe`` of the measured tree (``-dirty`` when it has changes)."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return described.stdout.strip() or None
