"""The synthetic stream and the window cost measurement behind the dedup bench."""

from __future__ import annotations

import pytest

from streams.dedup_cost import synthetic_articles, window_costs
from streams.stages.dedup import DedupConfig, Deduplicator


def test_synthetic_stream_is_reproducible_and_has_near_copies():
    first = list(synthetic_articles(300, seed=4))
    assert first == list(synthetic_articles(300, seed=4))
    dedup, store = Deduplicator(DedupConfig()), {}
    duplicates = sum(dedup.dedup(article, store).is_duplicate for article in first)
    assert 15 <= duplicates <= 50  # about a tenth are near-copies of a recent article
    assert all(150 <= len(article["body"].split()) < 600 for article in first)


def test_window_costs_report_each_size_in_order():
    costs = window_costs((200, 100), probes=20)
    assert [cost.window for cost in costs] == [100, 200]
    for cost in costs:
        assert cost.probes == 20
        assert cost.decide_mean_us > 0 and cost.decide_p95_us > 0 and cost.sketch_mean_us > 0
        # the shingle set alone is 4 bytes per shingle, about 1.5 KB
        assert 1_000 < cost.bytes_per_article < 50_000
        assert cost.as_dict()["megabytes_per_100k"] == pytest.approx(cost.bytes_per_article / 10)
