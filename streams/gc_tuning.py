"""The cyclic garbage collector's thresholds for a process that runs the pipeline.

Why: CPython's collector starts a young-generation pass every 700 net
container allocations, and an article allocates thousands (tokens, spans,
records), so objects that are only alive for the article in hand are caught
mid-flight, survive, and are promoted. Promotions pile up until a full
collection walks the whole heap, which the models and their indexes make
about 700k objects: 0.4 s, once every ~1,500 articles, ~300 µs an article
on average, a tenth of the tag stage, landing on whichever article is in
hand (a latency spike in the worker, a slow pass in the bench).

With the young threshold at 50,000 the per-article garbage is freed by
reference counting before a pass looks at it, almost nothing is promoted,
and over the same 1,491 articles the collector's time fell from 277–330 to
13–18 µs an article (tag stage alone, steady state, measured with
``gc.callbacks``). Cycles are still collected, only later; the net growth
between passes stays bounded by the threshold. ``gc.freeze()`` after
loading the models was tried on top and changed nothing measurable.

Every process that runs the pipeline for long (the worker, ``newsstreams
process``, the benchmark) calls :func:`tune_gc` once, so the benchmark
measures the collector the worker runs with.
"""

from __future__ import annotations

import gc

#: Net container allocations between young-generation passes (CPython's default is 700).
YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Raise the young-generation threshold; the older generations keep their ratios."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
