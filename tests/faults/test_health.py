"""``GET /health`` follows the broker: 503 with the reason while it is down,
200 again once it is back (a Kubernetes readiness probe's view)."""

from __future__ import annotations

import time

import pytest

from streams import broker
from tests.kafka_fixtures import WebWorker, http, wait_until_healthy

pytestmark = [pytest.mark.faults, pytest.mark.integration]

DOWN_TIMEOUT = 120.0


def _health(worker: WebWorker) -> tuple[int, dict]:
    reply = http("GET", worker.url + "/health")
    return reply.status, reply.json() if reply.body else {}


def test_health_is_503_while_the_broker_is_down(web_worker, fault_broker):
    assert _health(web_worker)[0] == 200
    assert broker.stop(fault_broker)
    try:
        deadline = time.monotonic() + DOWN_TIMEOUT
        status, body = _health(web_worker)
        while status != 503 and time.monotonic() < deadline:
            time.sleep(1)
            status, body = _health(web_worker)
    finally:
        broker.start(fault_broker)
    assert status == 503, (status, body, web_worker.handle.log())
    assert body["status"] == "unavailable"
    assert body["broker"]["reachable"] is False
    assert body["reasons"][0].startswith("broker unreachable: ")
    if not web_worker.handle.alive():  # a worker that gave up is restarted, as a
        web_worker.handle.start()  # supervisor would
    wait_until_healthy(web_worker)
    status, body = _health(web_worker)
    assert (status, body["reasons"]) == (200, [])
