"""The arithmetic of the report: percentiles and sustained rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

PERCENTILES = (50, 95, 99)


def distribution(samples: Sequence[float]) -> dict[str, float] | None:
    """``n``, ``p50``/``p95``/``p99`` (linear interpolation between samples, as
    numpy's default), ``mean`` and ``max``; ``None`` without samples."""
    if not samples:
        return None
    values = np.asarray(samples, dtype=float)
    points = np.percentile(values, PERCENTILES)
    summary = {f"p{p}": float(v) for p, v in zip(PERCENTILES, points, strict=True)}
    return {"n": len(values), **summary, "mean": float(values.mean()), "max": float(values.max())}


@dataclass(frozen=True)
class Rate:
    """Records per second over a window of record timestamps."""

    records: int
    first_ms: int
    last_ms: int

    @property
    def per_second(self) -> float:
        """Intervals, not records, over the span: n records span n-1 gaps."""
        return (self.records - 1) * 1000 / (self.last_ms - self.first_ms)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "per_second": self.per_second}


def sustained_rate(timestamps_ms: Sequence[int], since_ms: int | None = None) -> Rate | None:
    """The rate of the records stamped at or after ``since_ms``, from the first
    of them to the last; ``None`` when fewer than two records or no time span."""
    window = sorted(t for t in timestamps_ms if since_ms is None or t >= since_ms)
    if len(window) < 2 or window[-1] == window[0]:
        return None
    return Rate(len(window), window[0], window[-1])
