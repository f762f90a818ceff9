"""streams.metrics: what the pipeline and publish hooks count, read back from
the dedicated registry (deltas: the registry lives as long as the process)."""

from __future__ import annotations

import orjson
import pytest

from streams import metrics
from streams.models import Message, Origin
from streams.pipeline import Pipeline
from streams.settings import Settings


def _sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_stage_counts_in_out_and_time():
    before = [
        _sample("newsstreams_stage_articles_in_total", stage="t-ok"),
        _sample("newsstreams_stage_articles_out_total", stage="t-ok"),
        _sample("newsstreams_stage_seconds_count", stage="t-ok"),
    ]
    with metrics.stage("t-ok"):
        pass
    after = [
        _sample("newsstreams_stage_articles_in_total", stage="t-ok"),
        _sample("newsstreams_stage_articles_out_total", stage="t-ok"),
        _sample("newsstreams_stage_seconds_count", stage="t-ok"),
    ]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]


def test_a_stage_that_raises_counts_in_not_out():
    with pytest.raises(ValueError), metrics.stage("t-fail"):
        raise ValueError("rejected")
    assert _sample("newsstreams_stage_articles_in_total", stage="t-fail") == 1
    assert _sample("newsstreams_stage_articles_out_total", stage="t-fail") == 0
    assert _sample("newsstreams_stage_seconds_count", stage="t-fail") == 1


def _origin(timestamp: int | None) -> dict:
    return {"topic": "articles.raw", "partition": 0, "offset": 1, "timestamp": timestamp}


def test_dead_letter_counted_by_reason_and_stage_with_end_to_end_latency():
    record = {"reason": "schema", "stage": "validate", "origin": _origin(1_000_000)}
    labels = {"reason": "schema", "stage": "validate"}
    before = _sample("newsstreams_dead_letters_total", **labels)
    sum_before = _sample("newsstreams_end_to_end_seconds_sum", outcome="deadletter")
    metrics.record_outcome("deadletter", [Message("dl", "k", record)], now=1_002.5)
    assert _sample("newsstreams_dead_letters_total", **labels) - before == 1
    assert _sample("newsstreams_end_to_end_seconds_sum", outcome="deadletter") - sum_before == (
        pytest.approx(2.5)
    )


def test_duplicate_counted_by_method():
    before = _sample("newsstreams_duplicates_total", method="near")
    outcomes_before = _sample("newsstreams_outcomes_total", outcome="duplicate")
    notice = {"method": "near", "origin": _origin(None)}
    metrics.record_outcome("duplicate", [Message("d", "k", notice)])
    assert _sample("newsstreams_duplicates_total", method="near") - before == 1
    assert _sample("newsstreams_outcomes_total", outcome="duplicate") - outcomes_before == 1


def test_lag_gauges_are_replaced_not_accumulated():
    metrics.set_lag({"t.raw": {0: 5, 1: 7}})
    assert _sample("newsstreams_consumer_lag_total") == 12
    metrics.set_lag({"t.raw": {1: 2}})
    assert _sample("newsstreams_consumer_lag_total") == 2
    assert (
        metrics.REGISTRY.get_sample_value(
            "newsstreams_consumer_lag", {"topic": "t.raw", "partition": "0"}
        )
        is None
    )


def test_exposition_is_prometheus_text_of_our_series_only():
    metrics.set_entity_topics(3)
    body, content_type = metrics.exposition()
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert "newsstreams_entity_topics 3.0" in text
    assert "# TYPE newsstreams_stage_seconds histogram" in text
    assert "process_cpu_seconds_total" not in text  # not the global default registry


STAGES = ("validate", "enrich", "tag", "sketch", "dedup", "topic_policy", "route")


def _through(stage: str) -> tuple[float, float]:
    return (
        _sample("newsstreams_stage_articles_in_total", stage=stage),
        _sample("newsstreams_stage_articles_out_total", stage=stage),
    )


def test_pipeline_counts_every_stage_an_article_passes(seed_text):
    title, body = seed_text
    pipeline = Pipeline(Settings())
    before = {stage: _through(stage) for stage in STAGES}
    result = pipeline.process(
        orjson.dumps({"source": "seed", "title": title, "body": body}),
        Origin("articles.raw", 0, 0, None),
        {},
    )
    assert result.outcome == "enriched"
    for stage in STAGES:
        (in_before, out_before), (in_after, out_after) = before[stage], _through(stage)
        assert (in_after - in_before, out_after - out_before) == (1, 1), stage


def test_a_dead_letter_leaves_its_stage_in_but_not_out():
    pipeline = Pipeline(Settings())
    validate_before, enrich_before = _through("validate"), _through("enrich")
    result = pipeline.process(b"{not json", Origin("articles.raw", 0, 0, None), {})
    assert result.outcome == "deadletter"
    validate_after = _through("validate")
    assert (validate_after[0] - validate_before[0], validate_after[1] - validate_before[1]) == (
        1,
        0,
    )
    assert _through("enrich") == enrich_before
