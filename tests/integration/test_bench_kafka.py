"""A tiny end-to-end bench on a real broker: every system, both phases, two workers."""

from __future__ import annotations

import pytest
from kafka.admin import KafkaAdminClient

from streams.bench.articles import load_articles
from streams.bench.kafka import KafkaPlan, bench_kafka
from streams.bench.report import goals, render_markdown
from streams.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.corpus]


def test_tiny_bench_measures_every_system_and_cleans_up(bootstrap, corpus_day, tmp_path):
    records = load_articles([corpus_day], 70)
    plan = KafkaPlan(records[:25], records[25:50], records[50:], rate=20.0, scratch=tmp_path)
    settings = Settings(bootstrap_servers=bootstrap)

    kafka = bench_kafka(settings, plan, log=lambda line: None)

    runs = {(run["system"], run["workers"], run["phase"]): run for run in kafka["runs"]}
    assert set(runs) == {
        *(
            (system, 1, phase)
            for system in ("newsstreams", "aiokafka", "faust")
            for phase in ("first pass", "saturation", "rate")
        ),
        ("newsstreams", 2, "first pass"),
        ("newsstreams", 2, "saturation"),
    }
    for (system, workers, phase), run in runs.items():
        articles = {"first pass": 25, "saturation": 25, "rate": 20}[phase]
        assert run["articles"] == articles
        assert run["outputs"] == articles, (system, workers, phase)
        assert run["throughput"] > 0
        assert len(run["memory_kb"]) == len(run["cpu"]["worker_cores"]) == workers
        assert all(memory["VmHWM"] >= memory["VmRSS"] > 0 for memory in run["memory_kb"])
    for system in ("aiokafka", "faust"):
        assert runs[(system, 1, "rate")]["latency_ms"]["n"] == 20
    ours = runs[("newsstreams", 1, "rate")]
    assert 0 < ours["latency_ms"]["n"] <= 20  # articles without entities have no entity record
    assert ours["latency_outcome_ms"]["n"] == 20
    assert ours["latency_ms"]["p50"] <= ours["latency_ms"]["p99"] <= ours["latency_ms"]["max"]
    assert set(kafka["ratios"]) == {"vs_aiokafka", "vs_faust_identity", "two_workers_vs_one"}
    assert all(ratio > 0 for ratio in kafka["ratios"].values())

    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        assert not [topic for topic in admin.list_topics() if kafka["run_id"] in topic]
    finally:
        admin.close()

    results = {
        "meta": {
            "command": "test",
            "started_at": "now",
            "seconds": 0.0,
            "cpus": 2,
            "load_average": 0.0,
            "articles": 50,
            "corpus": str(corpus_day),
        },
        "kafka": kafka,
    }
    results["goals"] = goals(results)
    assert "| newsstreams worker | 2 |" in render_markdown(results)
