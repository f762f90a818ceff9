"""The ``GET /health`` verdict from what the worker knows about itself.

Healthy means: the worker has finished starting (tables recovered, app
tasks running: until then a lost broker makes Faust give up, not wait), the
broker answered a metadata request just now, every agent is running, and
(only when ``NEWSSTREAMS_HEALTH_MAX_LAG`` is set) the
consumer lag is within it. Lag is off by default because a worker replaying
a backlog is busy, not broken: a probe that restarts it then makes it worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STATUS_OK = 200
STATUS_UNAVAILABLE = 503


@dataclass(frozen=True)
class HealthInputs:
    """What was observed: the broker probe's error (None when it answered),
    each agent's state, the consumer lag per topic and partition, and
    whether the worker has finished starting."""

    broker_error: str | None
    agents: Mapping[str, str]
    lag_by_partition: Mapping[str, Mapping[int, int]]
    max_lag: int = 0
    started: bool = True


def consumer_lag(
    read: Mapping[str, Mapping[int, int]], end: Mapping[str, Mapping[int, int | None]]
) -> dict[str, dict[int, int]]:
    """Messages not yet read, per topic and partition, from the offsets Faust's
    monitor keeps: ``read`` is the offset of the last message read (the next
    one is ``read + 1``) and ``end`` the partition's high-water mark. (Faust's
    own ``performance_metrics`` lag subtracts ``read`` itself, so it reports
    one message behind on every partition that was ever read.)"""
    lag: dict[str, dict[int, int]] = {}
    for topic, partitions in end.items():
        for partition, end_offset in partitions.items():
            read_offset = read.get(topic, {}).get(partition)
            if read_offset is not None and end_offset is not None:
                lag.setdefault(topic, {})[partition] = max(0, end_offset - read_offset - 1)
    return lag


def assess(inputs: HealthInputs) -> tuple[int, dict[str, Any]]:
    """HTTP status and JSON body: 200, or 503 with every reason it is not 200."""
    reasons = []
    if inputs.broker_error is not None:
        reasons.append(f"broker unreachable: {inputs.broker_error}")
    if not inputs.started:
        reasons.append("worker starting")
    if not inputs.agents:
        reasons.append("no agent registered")
    for name, state in sorted(inputs.agents.items()):
        if state != "running":
            reasons.append(f"agent {name} is {state}")
    lag_total = sum(lag for parts in inputs.lag_by_partition.values() for lag in parts.values())
    if inputs.max_lag and lag_total > inputs.max_lag:
        reasons.append(f"consumer lag {lag_total} exceeds {inputs.max_lag}")
    body = {
        "status": "unavailable" if reasons else "ok",
        "reasons": reasons,
        "broker": {"reachable": inputs.broker_error is None, "error": inputs.broker_error},
        "agents": dict(inputs.agents),
        "lag": {
            "total": lag_total,
            "max": inputs.max_lag or None,
            "by_partition": {
                topic: {str(p): lag for p, lag in parts.items()}
                for topic, parts in inputs.lag_by_partition.items()
            },
        },
    }
    return (STATUS_UNAVAILABLE if reasons else STATUS_OK), body
