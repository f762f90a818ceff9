"""The offline bench: stage adapters faithful to the pipeline, timings on fresh
articles and profile."""

from __future__ import annotations

import orjson
import pytest

from streams.bench import offline
from streams.bench.adapters import (
    PIPELINE,
    STAGES,
    STOP,
    VALIDATE,
    BenchInput,
    StageAdapter,
    StageContext,
)
from streams.bench.offline import (
    bench_dedup_window,
    bench_inputs,
    bench_offline,
    profile_pipeline,
)
from streams.bench.run import shuffled_sample
from streams.models import OUTCOME_DEADLETTER, OUTCOME_DUPLICATE, OUTCOME_ENRICHED, Origin
from streams.settings import Settings
from streams.sources import SourceRecord
from streams.stages.enrich import Enriched


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


LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _word(*digits: int) -> str:
    """A word form of its own for each ``digits`` (Arabic letters, base 28)."""
    return "".join(LETTERS[d % len(LETTERS)] for d in digits)


def _slice_records(first: int, count: int) -> list[SourceRecord]:
    """``count`` triples from article ``first`` on: an article of word forms
    no other article uses, a copy of it under another URL, an invalid message."""
    records = []
    for k in range(first, first + count):
        title = " ".join(_word(k, k // 28, j, 1) for j in range(6))
        body = " ".join(_word(k, k // 28, j % 28, j // 28, 2) for j in range(80))
        records += [
            _record(source="s", url=f"https://a.example/{k}", title=title, body=body),
            _record(source="copy", url=f"https://b.example/{k}", title=title, body=body),
            SourceRecord(f"not json {k}".encode(), "test"),
        ]
    return records


def _offset(item) -> int:
    """The bench offset of the article in any stage's input."""
    if isinstance(item, BenchInput):
        return item.origin.offset
    if isinstance(item, Enriched):
        item = item.record
    if isinstance(item, tuple):
        item = item[1] if isinstance(item[1], Origin) else item[0]
    return item.offset if isinstance(item, Origin) else item["origin"]["offset"]


@pytest.fixture
def recorded(monkeypatch):
    """Every adapter call the offline bench makes, as (adapter, offset)."""
    calls: list[tuple[str, int]] = []

    def recording(adapter: StageAdapter) -> StageAdapter:
        def call(ctx, item):
            calls.append((adapter.name, _offset(item)))
            return adapter.call(ctx, item)

        return StageAdapter(adapter.name, call)

    monkeypatch.setattr(offline, "STAGES", tuple(recording(a) for a in STAGES))
    monkeypatch.setattr(offline, "PIPELINE", recording(PIPELINE))
    return calls


def test_each_stage_is_timed_on_what_the_previous_one_passed_on(ctx):
    inputs = bench_inputs(_slice_records(0, 8))  # 24: 6 warm up, 4 slices of 3 are timed
    result = bench_offline(ctx, inputs, repeats=2, warmup=6, articles=3)
    assert (result["warmup"]["articles"], result["slice"], result["articles"]) == (6, 3, 12)
    assert result["outcomes"] == {OUTCOME_ENRICHED: 2, OUTCOME_DUPLICATE: 2, OUTCOME_DEADLETTER: 2}
    articles_in = {stage["name"]: stage["passes_articles"] for stage in result["stages"]}
    assert articles_in == {
        "validate": [3, 3],
        "enrich": [2, 2],
        "tag": [2, 2],
        "dedup: sketch": [2, 2],
        "dedup: decide": [2, 2],
        "topic policy + route": [1, 1],
    }
    for row in [*result["stages"], result["pipeline"]]:
        seconds, counts = row["passes_s"], row["passes_articles"]
        per_pass = [s / n * 1e6 for s, n in zip(seconds, counts, strict=True)]
        assert row["passes_us"] == pytest.approx(per_pass)
        assert row["us_per_article"] == min(per_pass)
        assert row["median_us_per_article"] == pytest.approx(sum(per_pass) / 2)
        assert row["per_second"] == pytest.approx(1e6 / min(per_pass))
    assert result["pipeline"]["passes_articles"] == [3, 3]
    assert result["pipeline_cold"]["passes_articles"] == [6]
    chain = result["stage_chain"]
    assert chain["passes_articles"] == [3, 3]
    for k in range(2):
        summed = sum(stage["passes_s"][k] for stage in result["stages"])
        assert chain["passes_s"][k] == pytest.approx(summed)


def test_no_article_is_processed_twice(ctx, recorded):
    """The warm-up and every timed run (each stage of the chain, the pipeline)
    see articles nothing in the process has seen before."""
    inputs = bench_inputs(_slice_records(0, 10))
    bench_offline(ctx, inputs, repeats=3, warmup=6, articles=3)
    assert recorded[:6] == [(PIPELINE.name, offset) for offset in range(6)]
    # Runs of consecutive calls to one adapter: the chain stage by stage,
    # the pipeline before or after it (the pipeline's runs of passes 1 and
    # 2 are adjacent), and nothing else: no untimed pre-pass.
    runs: list[tuple[str, list[int]]] = []
    for name, offset in recorded[6:]:
        if runs and runs[-1][0] == name:
            runs[-1][1].append(offset)
        else:
            runs.append((name, [offset]))
    chain = [adapter.name for adapter in STAGES]
    expected = [*chain, PIPELINE.name, *chain, *chain, PIPELINE.name]
    assert [name for name, _ in runs] == expected
    assert len(recorded) == len(set(recorded))  # no adapter sees an article twice
    warmup = set(range(6))
    slices = [set(offsets) for name, offsets in runs if name == VALIDATE.name]
    piped = {offset for name, offset in recorded[6:] if name == PIPELINE.name}
    assert [len(offsets) for offsets in slices] == [3, 3, 3]
    assert len(piped) == 9
    assert len(warmup | piped | set().union(*slices)) == 6 + 9 + 9  # pairwise disjoint
    for stage, offsets in runs:
        if stage != PIPELINE.name:
            assert any(set(offsets) <= offsets_in for offsets_in in slices)


def test_every_timed_pass_meets_new_words(ctx):
    inputs = bench_inputs(_slice_records(100, 10))
    result = bench_offline(ctx, inputs, repeats=2, warmup=6, articles=3)
    assert result["warmup"]["new_types_per_article"] > 0
    for passes in result["new_types_per_article"].values():
        assert len(passes) == 2
        assert all(new > 0 for new in passes)


def test_slices_are_sized_by_the_warmup_and_the_articles_left(ctx):
    inputs = bench_inputs(_slice_records(200, 6))  # 18
    # The warm-up leaves one article per slice; a slice holds at most half of it.
    result = bench_offline(ctx, inputs, repeats=2, warmup=100)
    assert (result["warmup"]["articles"], result["slice"]) == (14, 1)
    result = bench_offline(ctx, inputs, repeats=1, warmup=4)
    assert (result["warmup"]["articles"], result["slice"]) == (4, 2)
    with pytest.raises(ValueError, match="needs 7"):
        bench_offline(ctx, inputs[:6], repeats=3, warmup=1)


def test_shuffled_sample_is_a_fixed_shuffle_of_the_first_articles():
    records = _slice_records(0, 10)
    sample = shuffled_sample(records, 20)
    assert sample == shuffled_sample(records, 20)
    assert sample != records[:20]
    assert sorted(sample, key=records.index) == records[:20]


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
    inputs = bench_inputs(records)
    profile = profile_pipeline(ctx, inputs[:2], inputs[2:], tmp_path)
    assert (tmp_path / "profile.html").read_text(encoding="utf-8").lstrip().startswith("<")
    text = (tmp_path / "profile.txt").read_text(encoding="utf-8")
    assert "By self time:" in text
    assert (profile["warmup"], profile["articles"]) == (2, 2)
