"""The worker says at start how its tagger runs (streams.agents.progress)."""

from __future__ import annotations

import asyncio
import logging

import pytest

import streams.ner
from streams.agents import progress


@pytest.mark.parametrize(
    ("native", "says"), [(True, "tagger: compiled by mypyc"), (False, "tagger: plain Python")]
)
def test_the_worker_logs_how_the_tagger_runs(
    native: bool, says: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(streams.ner, "NATIVE", native)
    with caplog.at_level(logging.INFO, logger="newsstreams.progress"):
        asyncio.run(progress.log_tagger_build())
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith(says)]
