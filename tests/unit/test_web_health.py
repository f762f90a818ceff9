"""The /health verdict."""

from __future__ import annotations

import pytest

from streams.settings import Settings, SettingsError
from streams.web.health import HealthInputs, assess, consumer_lag

RUNNING = {"ingest": "running", "dedup": "running"}


def test_healthy_worker_is_200_and_reports_lag():
    status, body = assess(HealthInputs(None, RUNNING, {"t.raw": {0: 3, 1: 4}}))
    assert status == 200
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["lag"]["total"] == 7
    assert body["lag"]["by_partition"] == {"t.raw": {"0": 3, "1": 4}}


def test_every_reason_is_listed():
    status, body = assess(
        HealthInputs(
            "KafkaConnectionError: no broker",
            {"ingest": "crashed", "dedup": "init"},
            {"t.raw": {0: 50}},
            max_lag=10,
        )
    )
    assert status == 503
    assert body["broker"] == {"reachable": False, "error": "KafkaConnectionError: no broker"}
    assert body["reasons"] == [
        "broker unreachable: KafkaConnectionError: no broker",
        "agent dedup is init",
        "agent ingest is crashed",
        "consumer lag 50 exceeds 10",
    ]


def test_a_worker_still_starting_is_503():
    status, body = assess(HealthInputs(None, RUNNING, {}, started=False))
    assert status == 503
    assert body["reasons"] == ["worker starting"]


def test_lag_is_no_reason_without_a_limit():
    status, _ = assess(HealthInputs(None, RUNNING, {"t.raw": {0: 10**6}}))
    assert status == 200


def test_no_agents_is_unhealthy():
    status, body = assess(HealthInputs(None, {}, {}))
    assert status == 503
    assert body["reasons"] == ["no agent registered"]


def test_lag_counts_messages_after_the_last_one_read():
    read = {"t.raw": {0: 9, 1: 4}, "t.signed": {0: 0}}
    end = {"t.raw": {0: 10, 1: 8, 2: 3}, "t.signed": {0: 1}}
    # partition 2 was never read: the monitor knows no position, so no lag
    assert consumer_lag(read, end) == {"t.raw": {0: 0, 1: 3}, "t.signed": {0: 0}}


def test_lag_limit_setting():
    assert Settings().health_max_lag == 0
    assert Settings.from_env({"NEWSSTREAMS_HEALTH_MAX_LAG": "500"}).health_max_lag == 500
    with pytest.raises(SettingsError):
        Settings.from_env({"NEWSSTREAMS_HEALTH_MAX_LAG": "-1"})
