"""The collector tuning every long-running pipeline process applies."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from streams.gc_tuning import YOUNG_THRESHOLD, tune_gc


@pytest.fixture
def thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raises_the_young_threshold_and_keeps_the_older_ratios(thresholds: None) -> None:
    tune_gc()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
