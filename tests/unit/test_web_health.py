"""The /health verdict."""

from __future__ import annotations

from streams.web.health import HealthInputs, assess

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


def test_lag_is_no_reason_without_a_limit():
    status, _ = assess(HealthInputs(None, RUNNING, {"t.raw": {0: 10**6}}))
    assert status == 200


def test_no_agents_is_unhealthy():
    status, body = assess(HealthInputs(None, {}, {}))
    assert status == 503
    assert body["reasons"] == ["no agent registered"]
