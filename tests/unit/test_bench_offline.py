"""The offline bench: stage adapters faithful to the pipeline, timings and profile."""

from __future__ import annotations

import orjson
import pytest

from streams.bench.adapters import PIPELINE, STAGES, STOP, StageContext
from streams.bench.offline import (
    bench_dedup_window,
    bench_inputs,
    bench_offline,
    profile_pipeline,
)
from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED
from streams.settings import Settings
from streams.sources import SourceRecord


def _record(**article) -> SourceRecord:
    return SourceRecord(orjson.dumps(article), "test")


@pytest.fixture(scope="module")
def ctx() -> StageContext:
    return StageContext.create(Settings())


@pytest.fixture
def records(seed_text) -> list[SourceRecord]:
    """Two unique articles, a copy of the first under another URL, one invalid."""
    title, body = seed_text
    return [
        _record(source="seed", url="https://a.example/1", title=title, body=body),
        _record(source="wire", url="https://b.example/2", title="Talks in Kazakhstan", body=""),
        _record(source="copy", url="https://c.example/3", title=title, body=body),
        SourceRecord(b"not json", "test"),
    ]


def test_adapters_chain_to_the_same_messages_as_the_pipeline(ctx, records):
    assert [adapter.name for adapter in STAGES] == [
        "validate",
        "enrich",
        "tag",
        "dedup: sketch",
        "dedup: decide",
        "topic policy + route",
    ]
    for item in bench_inputs(records):
        ctx.store = {}
        expected = PIPELINE.call(ctx, item)
        ctx.store = {}
        value = item
        for adapter in STAGES:
            value = adapter.call(ctx, value)
            if value is STOP:
                break
        if expected.outcome == OUTCOME_ENRICHED:
            assert value == expected.messages
        else:
            assert value is STOP


def test_each_stage_is_timed_on_what_the_previous_one_passed_on(ctx, records):
    result = bench_offline(ctx, bench_inputs(records), repeats=2)
    assert result["outcomes"] == {OUTCOME_ENRICHED: 2, OUTCOME_DUPLICATE: 1, OUTCOME_DEADLETTER: 1}
    articles_in = {stage["name"]: stage["articles"] for stage in result["stages"]}
    assert articles_in == {
        "validate": 4,
        "enrich": 3,
        "tag": 3,
        "dedup: sketch": 3,
        "dedup: decide": 3,
        "topic policy + route": 2,
    }
    for row in [*result["stages"], result["pipeline"]]:
        assert len(row["passes_s"]) == 2
        assert row["best_s"] == min(row["passes_s"])
        assert row["per_second"] == pytest.approx(row["articles"] / row["best_s"])
        assert row["us_per_article"] == pytest.approx(row["best_s"] / row["articles"] * 1e6)
    assert result["pipeline_cold"]["articles"] == 4


def test_dedup_window_slices_follow_the_window_as_it_fills(ctx, seed_text):
    title, body = seed_text
    records = [
        _record(source="s", url=f"https://x.example/{i}", title=f"{title} {i}", body=body)
        for i in range(9)
    ]
    result = bench_dedup_window(ctx, bench_inputs([*records, SourceRecord(b"{", "bad")]), 4)
    assert result["articles"] == 9
    edges = [(p["window_from"], p["window_to"]) for p in result["points"]]
    assert edges == [(0, 3), (3, 6), (6, 9)]
    assert [p["us"]["n"] for p in result["points"]] == [3, 3, 3]
    assert all(0 < p["us"]["p50"] <= p["us"]["p95"] for p in result["points"])


def test_profile_writes_html_and_text_with_the_pipeline_in_the_call_tree(ctx, records, tmp_path):
    profile = profile_pipeline(ctx, bench_inputs(records), tmp_path)
    assert (tmp_path / "profile.html").read_text(encoding="utf-8").lstrip().startswith("<")
    text = (tmp_path / "profile.txt").read_text(encoding="utf-8")
    assert "By self time:" in text
    assert profile["articles"] == 4
