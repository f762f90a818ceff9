"""Near-duplicates on a real broker: across partitions and workers, and
across a kill -9 (dedup state recovered from the changelog)."""

from __future__ import annotations

import random
import time

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2

from streams import schemas
from streams.kafka_io import describe_group, produce, read_all
from streams.outcomes import OutcomeWatcher
from streams.sources import SourceRecord
from tests.conftest import SEED

pytestmark = pytest.mark.integration

OUTCOME_TIMEOUT = 240.0
PAIRS = 12
WORDS = 150


def _vocabulary() -> list[str]:
    return sorted(set(SEED.read_text(encoding="utf-8").split()))


def _pairs(seed: int) -> list[tuple[dict, dict]]:
    """Unrelated originals, each with a copy two words apart (Jaccard ~0.87)."""
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    pairs = []
    for n in range(PAIRS):
        words = [rng.choice(vocabulary) for _ in range(WORDS)]
        copy = list(words)
        copy[40], copy[100] = "تعديل", "تحرير"
        title = f"خبر رقم {n}"
        pairs.append(
            (
                {"source": "wire", "title": title, "body": " ".join(words)},
                {"source": "paper", "title": title, "body": " ".join(copy)},
            )
        )
    return pairs


def _partition(article_id: str, partitions: int = 4) -> int:
    """Where the producer's default partitioner puts this key."""
    return (murmur2(article_id.encode()) & 0x7FFFFFFF) % partitions


def _split_ids(pairs: list[tuple[dict, dict]], tag: str) -> list[tuple[dict, dict]]:
    """Give every pair ids that land on different partitions of articles.raw."""
    placed = []
    for n, (original, copy) in enumerate(pairs):
        original_id = f"{tag}-{n}-a"
        copy_id = next(
            f"{tag}-{n}-b{k}"
            for k in range(100)
            if _partition(f"{tag}-{n}-b{k}") != _partition(original_id)
        )
        placed.append(({**original, "id": original_id}, {**copy, "id": copy_id}))
    return placed


def _records(articles: list[dict]) -> list[SourceRecord]:
    return [SourceRecord(orjson.dumps(a), f"test:{a['id']}") for a in articles]


def _group_members(settings) -> int:
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers.split(","))
    try:
        group = describe_group(admin, settings.app_id) or {}
        return len(group.get("members") or [])
    finally:
        admin.close()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1)


def _signed_fully_committed(settings) -> bool:
    """The dedup agent committed its input offset up to the end: nothing
    before this point will be re-delivered to it."""
    topic = settings.topic("articles.signed")
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=settings.app_id)
    try:
        tp = TopicPartition(topic, 0)
        end = consumer.end_offsets([tp])[tp]
        return end > 0 and consumer.committed(tp) == end
    finally:
        consumer.close()


def _ready_count(worker) -> int:
    """How many times the worker's processes (one log) said they were ready."""
    return worker.log_path.read_text(errors="replace").count("[^Worker]: Ready")


def _recovered_count(worker) -> int:
    """How many times the worker finished recovery after an assignment: once
    at start, and again after every rebalance."""
    return worker.log_path.read_text(errors="replace").count("[^---Recovery]: Worker ready")


def _check_pairs(settings, outcomes, pairs) -> None:
    dead = outcomes.by_topic[settings.topic("articles.deadletter")]
    assert not dead, [(d["stage"], d["error"]) for d in dead.values()][:3]
    enriched = outcomes.by_topic[settings.topic("articles.enriched")]
    notices = outcomes.by_topic[settings.topic("articles.duplicates")]
    for original, copy in pairs:
        ids = {original["id"], copy["id"]}
        (kept,) = ids & set(enriched)
        (dropped,) = ids & set(notices)
        notice = notices[dropped]
        assert notice["duplicate_of"] == kept and notice["method"] == "near"
        assert notice["similarity"] >= 0.8
        assert notice["story_id"] == enriched[kept]["story_id"] == kept
        assert schemas.errors(schemas.DUPLICATE, notice) == []
        assert schemas.errors(schemas.ENRICHED, enriched[kept]) == []


def test_two_workers_find_every_pair_split_across_partitions(settings, worker):
    second = worker.second("worker-2")
    recovered = _recovered_count(worker)
    second.start()
    try:
        # Produce once the rebalance is over on both sides (as the kill9 test
        # does after a restart): a raw record produced while a worker joins
        # its group is sometimes committed unprocessed, a Faust issue that
        # lost 10 of 24 articles in one CI run; not what this test is about.
        _wait(
            lambda: (
                _group_members(settings) == 2
                and _ready_count(second) == 1
                and _recovered_count(worker) > recovered
            ),
            OUTCOME_TIMEOUT,
            "two workers ready after the rebalance",
        )
        pairs = _split_ids(_pairs(1), "split")
        watcher = OutcomeWatcher(settings)
        articles = [a for pair in pairs for a in pair]
        random.Random(2).shuffle(articles)  # originals and copies interleaved
        report = produce(settings, _records(articles), progress=False)
        alive = lambda: worker.alive() and second.alive()  # noqa: E731
        outcomes = watcher.wait_for(report.ids, OUTCOME_TIMEOUT, alive)
        assert outcomes.ids() == set(report.ids), worker.diagnosis() + second.diagnosis()
        raw = read_all(settings, settings.topic("articles.raw"))
        partition = {r["key"]: r["partition"] for r in raw}
        assert all(partition[a["id"]] != partition[b["id"]] for a, b in pairs)
        assert len(set(partition.values())) == 4
        _check_pairs(settings, outcomes, pairs)
        assert not outcomes.in_several_topics() and not outcomes.divergent()
        assert _group_members(settings) == 2
    finally:
        second.stop()


def test_kill9_between_original_and_copy_keeps_the_window(settings, worker):
    pairs = _split_ids(_pairs(3), "crash")
    watcher = OutcomeWatcher(settings)
    first = produce(settings, _records([original for original, _ in pairs]), progress=False)
    assert watcher.wait_for(first.ids, OUTCOME_TIMEOUT, worker.alive).ids() == set(first.ids), (
        worker.log()
    )
    _wait(lambda: _signed_fully_committed(settings), 60, "the dedup agent's commit")
    worker.kill9()
    worker.start()
    # Produce once the restarted worker is ready: a raw record produced while
    # a restarted worker rejoins its group is sometimes committed unprocessed
    # (a Faust issue, reproduced without the dedup agent); that loss is not
    # what this test is about.
    _wait(lambda: _ready_count(worker) == 2, OUTCOME_TIMEOUT, "the restarted worker")
    second = produce(settings, _records([copy for _, copy in pairs]), progress=False)
    outcomes = watcher.wait_for(second.ids, OUTCOME_TIMEOUT, worker.alive)
    assert outcomes.ids() == set(first.ids) | set(second.ids), worker.log()
    _check_pairs(settings, outcomes, pairs)
    assert not outcomes.in_several_topics() and not outcomes.divergent()
