"""``newsstreams demo``: the whole product in one command for a new user.

Starts the local broker when none answers, runs a worker in a child
process, pushes ``seeds/``, waits for every seed article's outcome, prints
the entity topics it landed in with their message counts and one sample
message, then stops the worker (the broker keeps running for `subscribe`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from streams import broker
from streams.kafka_io import ensure_core_topics, produce, read_all, topic_counts
from streams.outcomes import OutcomeWatcher
from streams.settings import Settings
from streams.sources import iter_records

WORKER_STOP_TIMEOUT = 30.0


def run_demo(settings: Settings, seeds: Path, *, timeout: float) -> int:
    """Run the demo; 0 when every seed article reached an outcome."""
    _ensure_broker(settings)
    ensure_core_topics(settings)
    log_path = broker.BrokerConfig.from_settings(settings).home / "demo-worker.log"
    print(f"starting a worker (log: {log_path})")
    worker = start_worker_process(log_path)
    try:
        watcher = OutcomeWatcher(settings)
        report = produce(settings, iter_records([seeds]), progress=False)
        print(f"pushed {report.sent} article(s) from {seeds}; waiting for the worker…")
        outcomes = watcher.wait_for(report.ids, timeout, alive=lambda: worker.poll() is None)
        watcher.close()
    finally:
        stop_worker_process(worker)
    missing = set(report.ids) - outcomes.ids()
    if missing:
        print(
            f"no outcome within {timeout:.0f} s for {len(missing)} article(s); see {log_path}",
            file=sys.stderr,
        )
        return 1
    _print_outcomes(settings, outcomes.by_topic)
    return 0


def _ensure_broker(settings: Settings) -> None:
    if broker.answers(settings.bootstrap_servers, timeout=3.0):
        print(f"using the Kafka broker at {settings.bootstrap_servers}")
        return
    print("no broker answers: starting the local Apache Kafka broker…")
    print(broker.start(broker.BrokerConfig.from_settings(settings)).detail)


def start_worker_process(log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``newsstreams worker`` as a child process logging to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ if env is None else env),
            start_new_session=True,
        )


def stop_worker_process(worker: subprocess.Popen, timeout: float = WORKER_STOP_TIMEOUT) -> int:
    """SIGTERM (Faust drains and commits), then SIGKILL if it hangs."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return worker.returncode


def _wait_for_entity_topics(
    settings: Settings, topics: set[str], timeout: float = 60.0
) -> dict[str, int]:
    """Message counts once every topic in ``topics`` holds a record (the worker
    may publish an article's entity-topic records after its enriched record)."""
    deadline = time.monotonic() + timeout
    counts = topic_counts(settings)
    while any(counts.get(t, 0) == 0 for t in topics) and time.monotonic() < deadline:
        time.sleep(0.5)
        counts = topic_counts(settings)
    return counts


def _print_outcomes(settings: Settings, by_topic: dict[str, dict[str, dict]]) -> None:
    for topic, records in by_topic.items():
        print(f"{topic}: {len(records)}")
    enriched = by_topic.get(settings.topic("articles.enriched"), {})
    mentions: dict[str, int] = {}
    for article in enriched.values():
        for entity in article["entities"]:
            if entity["topic"]:  # discovered entities earn a topic only across articles
                mentions[entity["topic"]] = mentions.get(entity["topic"], 0) + entity["count"]
    if not mentions:
        print("no entity topics for these articles")
        return
    counts = _wait_for_entity_topics(settings, set(mentions))
    print(f"\nentity topics for the seed articles ({len(mentions)}), with message counts:")
    for topic in sorted(mentions):
        print(f"{counts.get(topic, 0):8d}  {topic}")
    most_mentioned = max(mentions, key=lambda topic: (mentions[topic], topic))
    sample = read_all(settings, most_mentioned)[-1]
    value = sample["value"]
    value["article"]["body"] = value["article"]["body"][:200] + "…"
    value["article"]["entities"] = [e["topic"] for e in value["article"]["entities"]]
    print(f"\nsample message on {most_mentioned} (body cut, entities listed by topic):")
    print(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())
