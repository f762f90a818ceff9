"""A progress line in the worker log, so long replays show how far they are.

Every ``PROGRESS_INTERVAL`` seconds, when anything happened since the last
line: outcomes so far by kind and the rate over the interval. Once at start,
how the tagger runs (:func:`streams.ner.native.describe`), which the rate
depends on.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

import streams.ner
from streams.app import app
from streams.ner import native
from streams.ner.kernels import KERNELS

PROGRESS_INTERVAL = 10.0

log = logging.getLogger("newsstreams.progress")

outcomes: Counter[str] = Counter()
_last = {"total": 0, "at": time.monotonic()}


def record(outcome: str) -> None:
    """Count one raw message's outcome."""
    outcomes[outcome] += 1


@app.timer(interval=PROGRESS_INTERVAL)
async def log_progress() -> None:
    total = sum(outcomes.values())
    now = time.monotonic()
    if total == _last["total"]:
        return
    rate = (total - _last["total"]) / (now - _last["at"])
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items()))
    log.info("progress: %d article(s) done (%s), %.0f/s", total, kinds, rate)
    _last.update(total=total, at=now)


@app.task
async def log_tagger_build() -> None:
    log.info("tagger: %s", native.describe(streams.ner.NATIVE, KERNELS is not None))
