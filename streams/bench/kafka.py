"""Kafka end to end: the worker and the baselines on the same broker and data.

Every system runs as child processes on its own topic prefix and consumer
group, named after one run id, so runs never collide, and every topic of the
run is deleted at the end. For each system, with ``K`` processes:

1. **Ready.** The processes start on an empty raw topic; the harness waits
   until their consumer group is stable with ``K`` members that all hold
   partitions, so no process ever runs alone on the data of ``K``.
2. **First pass (cold).** A warm-up batch is sent as fast as an aiokafka
   producer goes (~7,000 articles/s here, far above any consumer measured)
   and drained: a fresh worker's cost, as each process declares the entity
   topics on their first mention and fills its caches.
3. **Saturation.** A backlog of *other* articles is sent the same way and
   drained by the now warm processes. Fresh articles, not re-sent
   ones: dedup replays its stored decision for an id it has seen, which
   would skip real work. Throughput is the output records' rate from their
   Kafka timestamps, first to last.
4. **Fixed rate** (one process only). Further fresh articles are sent at a
   fixed rate (fewer when the system cannot keep up, as its latency then
   grows with the queue rather than with the sample), and each one's
   latency is taken from record timestamps: the raw record's CreateTime,
   set by the harness's producer in ``send()`` (``linger_ms=0``), to the
   CreateTime of the article's last entity-topic record (for a baseline: of
   its output record), set by the worker's producer when it sent it. Both
   clocks are this machine's, and the harness's own consuming is not
   counted. Articles that mention no entity are left out of the entity
   latency; the latency to the outcome record (enriched, duplicate or dead
   letter) covers every article.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from streams.bench import baselines, procfs
from streams.bench.paths import repo_relative
from streams.bench.stats import distribution, sustained_rate
from streams.demo import start_worker_process, stop_worker_process
from streams.kafka_io import describe_group, ensure_topics, message_key
from streams.outcomes import OUTCOME_TOPICS
from streams.settings import Settings
from streams.sources import SourceRecord

MIN_PARTITIONS = 4
MIN_PACED = 20
READY_TIMEOUT = 180.0
POLL_SECONDS = 0.25
# Entity records follow their article's outcome record within milliseconds;
# their topics count as complete once their end offsets hold still this long.
SETTLE_SECONDS = 1.0
ENTITY_TOPICS = "entity."

COLD, SAT, RATE = "first pass", "saturation", "rate"

Log = Callable[[str], None]


@dataclass(frozen=True)
class System:
    """Something that turns raw records into output records on Kafka."""

    key: str
    """Short id for topic prefixes and consumer groups."""
    label: str
    outputs: tuple[str, ...]
    """Logical topics on which every raw record yields exactly one record."""
    module: str | None = None
    """``python -m`` module of a baseline; ``None`` for ``newsstreams worker``."""

    def start(self, log_path: Path, env: dict[str, str]) -> subprocess.Popen:
        if self.module is None:
            return start_worker_process(log_path, env)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", self.module],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )


NEWSSTREAMS = System("newsstreams", "newsstreams worker", OUTCOME_TOPICS)
AIOKAFKA = System("aiokafka", "aiokafka loop", (baselines.OUTPUT_TOPIC,), "streams.bench.baselines")
FAUST_IDENTITY = System(
    "faust", "Faust identity agent", (baselines.OUTPUT_TOPIC,), "streams.bench.faust_identity"
)


@dataclass(frozen=True)
class KafkaPlan:
    """What to run: the articles of each phase and which comparisons."""

    warmup: Sequence[SourceRecord]
    backlog: Sequence[SourceRecord]
    paced: Sequence[SourceRecord]
    rate: float
    scratch: Path
    """Worker logs and data directories."""
    scaling: bool = True
    """Also run two workers on the backlog."""
    baselines: bool = True


class BenchError(RuntimeError):
    """A system under test failed; the message names its log."""


def bench_kafka(base: Settings, plan: KafkaPlan, log: Log = print) -> dict[str, Any]:
    """Run every system of ``plan``; returns the runs and the ratios between them."""
    run_id = "bench" + uuid.uuid4().hex[:8]
    systems = [NEWSSTREAMS, *([AIOKAFKA, FAUST_IDENTITY] if plan.baselines else [])]
    runs: list[dict[str, Any]] = []
    try:
        for system in systems:
            runs.extend(_run_system(base, run_id, system, 1, plan, log))
        if plan.scaling:
            runs.extend(_run_system(base, run_id, NEWSSTREAMS, 2, plan, log))
    finally:
        _delete_run(base, run_id)
    return {"run_id": run_id, "runs": runs, "ratios": ratios(runs)}


def ratios(runs: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Our saturation throughput against each baseline's, and two workers against one."""

    def rate(system: str, workers: int) -> float | None:
        wanted = (system, workers, SAT)
        found = (r for r in runs if (r["system"], r["workers"], r["phase"]) == wanted)
        return next((run["throughput"] for run in found), None)

    ours, twice = rate(NEWSSTREAMS.key, 1), rate(NEWSSTREAMS.key, 2)
    found = {
        "vs_aiokafka": (ours, rate(AIOKAFKA.key, 1)),
        "vs_faust_identity": (ours, rate(FAUST_IDENTITY.key, 1)),
        "two_workers_vs_one": (twice, ours),
    }
    return {name: a / b if a and b else None for name, (a, b) in found.items()}


def _run_system(
    base: Settings, run_id: str, system: System, workers: int, plan: KafkaPlan, log: Log
) -> list[dict[str, Any]]:
    name = f"{system.key}-{workers}w"
    title = f"{system.label} × {workers}"
    settings = replace(
        base,
        topic_prefix=f"{run_id}.{name}.",
        app_id=f"{run_id}-{name}",
        partitions=max(MIN_PARTITIONS, base.partitions),
    )
    raw = settings.topic(baselines.RAW_TOPIC)
    outputs = [settings.topic(topic) for topic in system.outputs]
    paced = list(plan.paced) if workers == 1 else []
    ensure_topics(settings, [raw, *outputs])
    watch = _Watch(settings)
    try:
        log(f"{title}: starting")
        for index in range(workers):
            log_path = plan.scratch / name / f"worker{index}.log"
            env = _child_env(settings, plan.scratch / name / f"worker{index}-data")
            watch.add(system.start(log_path, env), log_path)
        watch.wait_ready(workers)
        log(f"{title}: first pass, {len(plan.warmup)} articles")
        runs = [_drain(settings, system, workers, COLD, plan.warmup, outputs, watch)]
        log(f"{title}: saturation, {len(plan.backlog)} articles")
        runs.append(_drain(settings, system, workers, SAT, plan.backlog, outputs, watch))
        if paced:
            paced = paced[: _affordable(len(paced), plan.rate, runs[-1]["throughput"])]
            log(f"{title}: {len(paced)} articles at {plan.rate:g}/s")
            runs.append(_paced(settings, system, paced, plan.rate, raw, outputs, watch))
        memory = watch.memory()
        for run in runs:
            run["memory_kb"] = memory
        return runs
    finally:
        watch.close()


def _affordable(articles: int, rate: float, saturation: float | None) -> int:
    """How many of ``articles`` to send at ``rate`` to a system that drains
    ``saturation`` per second: all of them when it keeps up; when it cannot,
    only as many as it drains in 1.5× the planned sending time, because its
    latency then grows with the queue, not with the sample size."""
    if not saturation or saturation >= rate:
        return articles
    return min(articles, max(MIN_PACED, round(1.5 * articles / rate * saturation)))


def _drain(
    settings: Settings,
    system: System,
    workers: int,
    phase: str,
    records: Sequence[SourceRecord],
    outputs: list[str],
    watch: _Watch,
) -> dict[str, Any]:
    """Send ``records`` as fast as possible; the rate at which outputs appear."""
    marks = watch.end_offsets(outputs)
    cpu = watch.cpu_mark()
    send(settings, settings.topic(baselines.RAW_TOPIC), records)
    watch.wait_outputs(outputs, marks, len(records), timeout=60 + len(records) / 5)
    used = cpu.since()
    by_topic = watch.read_stamps(outputs, marks)
    window = sustained_rate([ts for _, ts in _flat(by_topic, outputs)])
    measured = {
        "articles": len(records),
        "outputs": sum(len(stamps) for stamps in by_topic.values()),
        "outputs_by_topic": {topic: len(stamps) for topic, stamps in by_topic.items()},
        "throughput": window.per_second if window else None,
        "window": window.as_dict() if window else None,
    }
    return _run(system, workers, phase, measured, used, watch)


def _paced(
    settings: Settings,
    system: System,
    records: Sequence[SourceRecord],
    rate: float,
    raw: str,
    outputs: list[str],
    watch: _Watch,
) -> dict[str, Any]:
    """Send ``records`` at ``rate``; each one's latency from record timestamps."""
    latency_topics = outputs
    if system is NEWSSTREAMS:
        latency_topics = watch.topics_starting(settings.topic(ENTITY_TOPICS))
    topics = sorted({raw, *outputs, *latency_topics})
    marks = watch.end_offsets(topics)
    cpu = watch.cpu_mark()
    send(settings, raw, records, rate=rate)
    watch.wait_outputs(outputs, marks, len(records), timeout=60 + len(records) / 5)
    used = cpu.since()
    watch.wait_settled(latency_topics)
    stamps = watch.read_stamps(topics, marks)
    sent = _by_key(stamps, [raw], min)
    outcome = _by_key(stamps, outputs, min)
    reached = _by_key(stamps, latency_topics, max)
    window = sustained_rate([ts for _, ts in _flat(stamps, outputs)])
    latencies = sorted(ts - sent[key] for key, ts in reached.items() if key in sent)
    measured = {
        "offered_rate": rate,
        "articles": len(records),
        "outputs": sum(len(stamps[topic]) for topic in outputs),
        "outputs_by_topic": {topic: len(stamps[topic]) for topic in outputs},
        "throughput": window.per_second if window else None,
        "latency_ms": distribution(latencies),
        "latency_outcome_ms": distribution(
            [ts - sent[key] for key, ts in outcome.items() if key in sent]
        ),
        "latency_samples_ms": latencies,
    }
    return _run(system, 1, RATE, measured, used, watch)


def send(
    settings: Settings, topic: str, records: Sequence[SourceRecord], rate: float | None = None
) -> None:
    """Send ``records`` to ``topic`` keyed like ``newsstreams produce``, as fast as
    possible or at ``rate`` per second on a fixed schedule.

    aiokafka rather than :func:`streams.kafka_io.produce`: kafka-python tops
    out near 1,100 articles/s on this machine, a core's worth of CPU, which
    would compete with the systems under test and cap the fast baselines.
    """
    keyed = [(message_key(record.value).encode(), record.value) for record in records]
    asyncio.run(_send(settings, topic, keyed, rate))


async def _send(
    settings: Settings, topic: str, keyed: list[tuple[bytes, bytes]], rate: float | None
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        linger_ms=0,
        max_request_size=settings.max_message_bytes * 2,
    )
    await producer.start()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        sent = []
        for index, (key, value) in enumerate(keyed):
            if rate is not None:
                await asyncio.sleep(max(0.0, started + index / rate - loop.time()))
            sent.append(await producer.send(topic, value, key=key))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def _run(
    system: System,
    workers: int,
    phase: str,
    measured: dict[str, Any],
    cpu: dict[str, Any],
    watch: _Watch,
) -> dict[str, Any]:
    return {
        "system": system.key,
        "label": system.label,
        "workers": workers,
        "phase": phase,
        **measured,
        "cpu": cpu,
        "logs": [repo_relative(path) for path in watch.logs],
    }


def _child_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "NEWSSTREAMS_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSSTREAMS_APP_ID": settings.app_id,
        "NEWSSTREAMS_PARTITIONS": str(settings.partitions),
        "NEWSSTREAMS_DATA_DIR": str(data_dir),
        "NEWSSTREAMS_WEB_PORT": "0",
    }


class _CpuMark:
    """CPU used by the children and the machine from one moment on."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.wall = time.monotonic()
        self.cpu = [procfs.cpu_seconds(pid) for pid in pids]
        self.machine = procfs.CpuTimes.now()

    def since(self) -> dict[str, Any]:
        wall = time.monotonic() - self.wall
        used = [procfs.cpu_seconds(pid) - cpu for pid, cpu in zip(self.pids, self.cpu, strict=True)]
        return {
            "seconds": wall,
            "worker_cores": [seconds / wall for seconds in used],
            "machine_busy": procfs.CpuTimes.now().busy_since(self.machine),
        }


class _Watch:
    """The children of one run, watched from the harness."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers.split(","))

    def add(self, process: subprocess.Popen, log_path: Path) -> None:
        self.processes.append(process)
        self.logs.append(log_path)

    def close(self) -> None:
        for process in self.processes:
            stop_worker_process(process)
        self.consumer.close()

    def check(self) -> None:
        for process, log_path in zip(self.processes, self.logs, strict=True):
            if process.poll() is not None:
                raise BenchError(
                    f"{self.settings.app_id}: process exited with {process.returncode}; "
                    f"see {log_path}"
                )

    def wait_ready(self, members: int) -> None:
        """Wait until the consumer group is stable with ``members`` members that
        all hold partitions."""
        deadline = time.monotonic() + READY_TIMEOUT
        admin = KafkaAdminClient(bootstrap_servers=self.settings.bootstrap_servers.split(","))
        try:
            while time.monotonic() < deadline:
                self.check()
                group = describe_group(admin, self.settings.app_id)
                if group is not None and _stable_with(group, members):
                    return
                time.sleep(POLL_SECONDS)
        finally:
            admin.close()
        raise BenchError(f"{self.settings.app_id}: group not ready in {READY_TIMEOUT:.0f} s")

    def wait_outputs(
        self, topics: list[str], since: dict[TopicPartition, int], expected: int, timeout: float
    ) -> None:
        """Wait until ``topics`` hold ``expected`` records past ``since``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check()
            ends = self.end_offsets(topics)
            if sum(end - since.get(tp, 0) for tp, end in ends.items()) >= expected:
                return
            time.sleep(POLL_SECONDS)
        raise BenchError(
            f"{self.settings.app_id}: fewer than {expected} outputs after {timeout:.0f} s; "
            f"see {', '.join(map(str, self.logs))}"
        )

    def wait_settled(self, topics: list[str]) -> None:
        last: dict[TopicPartition, int] = {}
        while (ends := self.end_offsets(topics)) != last:
            last = ends
            time.sleep(SETTLE_SECONDS)

    def end_offsets(self, topics: Iterable[str]) -> dict[TopicPartition, int]:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]
        return self.consumer.end_offsets(partitions) if partitions else {}

    def topics_starting(self, prefix: str) -> list[str]:
        return sorted(topic for topic in self.consumer.topics() if topic.startswith(prefix))

    def read_stamps(
        self, topics: Iterable[str], since: dict[TopicPartition, int]
    ) -> dict[str, list[tuple[str, int]]]:
        """(key, timestamp) of every record of ``topics`` from ``since`` (default:
        the beginning) to their end when called."""
        topics = list(topics)
        stamps: dict[str, list[tuple[str, int]]] = {topic: [] for topic in topics}
        ends = self.end_offsets(topics)
        pending = {tp: end for tp, end in ends.items() if end > since.get(tp, 0)}
        if not pending:
            return stamps
        consumer = KafkaConsumer(
            bootstrap_servers=self.settings.bootstrap_servers.split(","),
            enable_auto_commit=False,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=32 * 1024 * 1024,
        )
        try:
            consumer.assign(list(pending))
            for tp in pending:
                consumer.seek(tp, since.get(tp, 0))
            while pending:
                for tp, records in consumer.poll(timeout_ms=1000).items():
                    for record in records:
                        if record.offset < ends[tp]:
                            stamps[tp.topic].append((record.key.decode(), record.timestamp))
                    if consumer.position(tp) >= ends[tp]:
                        pending.pop(tp, None)
        finally:
            consumer.close()
        return stamps

    def cpu_mark(self) -> _CpuMark:
        return _CpuMark([process.pid for process in self.processes])

    def memory(self) -> list[dict[str, int]]:
        return [procfs.memory_kb(process.pid) for process in self.processes]


def _stable_with(group: dict[str, Any], members: int) -> bool:
    if group.get("group_state") != "Stable" or len(group.get("members", ())) != members:
        return False
    return all(
        any(a["partitions"] for a in m["member_assignment"].get("assigned_partitions", ()))
        if isinstance(m.get("member_assignment"), dict)
        else bool(m.get("member_assignment"))
        for m in group["members"]
    )


def _flat(stamps: dict[str, list[tuple[str, int]]], topics: Iterable[str]) -> list[tuple[str, int]]:
    return [stamp for topic in topics for stamp in stamps[topic]]


def _by_key(
    stamps: dict[str, list[tuple[str, int]]], topics: Iterable[str], pick: Callable[..., int]
) -> dict[str, int]:
    """One timestamp per key over ``topics``: the earliest or latest (``pick``)."""
    chosen: dict[str, int] = {}
    for key, ts in _flat(stamps, topics):
        chosen[key] = pick(chosen[key], ts) if key in chosen else ts
    return chosen


def _delete_run(settings: Settings, run_id: str) -> None:
    """Drop the run's topics and consumer groups so the broker does not fill up."""
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers.split(","))
    try:
        topics = [topic for topic in admin.list_topics() if run_id in topic]
        if topics:
            admin.delete_topics(topics)
        groups = [g["group_id"] for g in admin.list_groups() if g["group_id"].startswith(run_id)]
        if groups:
            admin.delete_groups(groups)
    finally:
        admin.close()
