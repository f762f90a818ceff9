"""The local Kafka broker for real: a JVM started, used, restarted and stopped.

Each test runs its own broker in a temporary home on free ports, so it never
touches a broker on 9092; the jars are shared with the project's .kafka/libs so
Maven downloads them at most once.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from streams import broker
from streams.broker import BrokerConfig
from streams.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shared_libs() -> Path:
    """The project's jar directory, fetched once if it is missing or stale."""
    return broker.fetch_jars(BrokerConfig.from_settings(Settings()))


@pytest.fixture
def config(tmp_path: Path, shared_libs: Path) -> Iterator[BrokerConfig]:
    with ExitStack() as stack:
        sockets = [stack.enter_context(closing(socket.socket())) for _ in range(2)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        port, controller_port = (sock.getsockname()[1] for sock in sockets)
    config = BrokerConfig(
        home=tmp_path / "kafka-home",
        port=port,
        controller_port=controller_port,
        heap="512m",
        libs_dir=shared_libs,
    )
    yield config
    broker.stop(config)  # a failed assertion must not leave a JVM behind


def produce(bootstrap: str, topic: str, value: bytes) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        producer.send(topic, key=b"k", value=value).get(timeout=30)
    finally:
        producer.close()


def consume(bootstrap: str, topic: str, count: int) -> list[bytes]:
    """The first ``count`` values of ``topic`` from the beginning (fewer if it has fewer)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"lifecycle-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
    )
    values: list[bytes] = []
    try:
        for record in consumer:
            values.append(record.value)
            if len(values) == count:
                break
    finally:
        consumer.close()
    return values


def test_start_use_stop(config: BrokerConfig) -> None:
    started = broker.start(config)
    assert (started.running, started.ours) == (True, True)
    assert started.pid is not None
    assert started.bootstrap == config.bootstrap
    assert config.pid_file.read_text().strip() == str(started.pid)
    assert (config.data_dir / "meta.properties").exists()
    assert "INFO" in config.log_file.read_text()  # our log4j2 config is in effect

    state = broker.status(config)
    assert (state.running, state.ours, state.pid) == (True, True, started.pid)

    again = broker.start(config)
    assert (again.running, again.ours, again.pid) == (True, True, started.pid)
    assert "already running" in again.detail

    produce(config.bootstrap, "lifecycle", b"hello")
    assert consume(config.bootstrap, "lifecycle", 1) == [b"hello"]

    assert broker.stop(config) is True
    assert not broker._alive(started.pid)
    assert not config.pid_file.exists()
    assert not broker.answers(config.bootstrap, timeout=1.0)
    state = broker.status(config)
    assert (state.running, state.ours, state.pid) == (False, False, None)
    assert broker.stop(config) is False


def test_restart_keeps_data_without_formatting_again(config: BrokerConfig) -> None:
    first = broker.start(config)
    produce(config.bootstrap, "survivor", b"still here")
    assert broker.stop(config) is True
    meta = config.data_dir / "meta.properties"
    before = (meta.read_text(), meta.stat().st_mtime_ns)

    second = broker.start(config)
    assert second.running and second.ours
    assert second.pid != first.pid
    assert (meta.read_text(), meta.stat().st_mtime_ns) == before  # same cluster, not re-formatted
    assert consume(config.bootstrap, "survivor", 1) == [b"still here"]
    assert config.log_file.with_name("broker.log.1").exists()  # the first run's log is kept
    assert broker.stop(config) is True


def test_a_dying_broker_fails_fast_with_its_log_line(config: BrokerConfig) -> None:
    broker.start(config)
    assert broker.stop(config) is True
    meta = config.data_dir / "meta.properties"
    meta.write_text(meta.read_text().replace("node.id=1", "node.id=7"))

    with pytest.raises(broker.BrokerError) as raised:
        broker.start(config, timeout=60.0)
    message = str(raised.value)
    assert message.startswith("broker exited during startup; last log line: ")
    assert "node id" in message
    assert "broker.log" in message
    assert not config.pid_file.exists()
    assert not broker.status(config).running
