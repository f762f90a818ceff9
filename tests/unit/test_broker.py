"""streams.broker without a JVM: configuration, the Kafka probe and the errors users see.

The real broker lifecycle is in tests/integration/test_broker_lifecycle.py.
"""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from streams import broker
from streams.broker import BrokerConfig, BrokerError
from streams.settings import PROJECT_ROOT, Settings


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports() -> tuple[int, int]:
    """Two distinct free ports, held together so the OS cannot hand out the same one."""
    with closing(socket.socket()) as first, closing(socket.socket()) as second:
        first.bind(("127.0.0.1", 0))
        second.bind(("127.0.0.1", 0))
        return first.getsockname()[1], second.getsockname()[1]


def parse_properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")]
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), "a key appears twice"
    return dict(pairs)


class FakeServer:
    """A TCP server that answers the first request of each connection with ``reply(request)``.

    With ``kafka_reply`` it answers ApiVersions v0 the way a broker does, which lets
    the probe and the "someone else's broker" path be tested without Java.
    """

    def __init__(self, reply) -> None:
        self.reply = reply
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    (size,) = struct.unpack(">i", conn.recv(4, socket.MSG_WAITALL))
                    conn.sendall(self.reply(conn.recv(size, socket.MSG_WAITALL)))
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def kafka_reply(request: bytes) -> bytes:
    api_key, _version, correlation_id = struct.unpack(">hhi", request[:8])
    assert api_key == 18  # ApiVersions
    body = struct.pack(">ihi", correlation_id, 0, 2) + struct.pack(">hhhhhh", 0, 0, 11, 18, 0, 4)
    return struct.pack(">i", len(body)) + body


def http_reply(_request: bytes) -> bytes:
    return b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"


@pytest.fixture
def fake_kafka() -> Iterator[FakeServer]:
    server = FakeServer(kafka_reply)
    yield server
    server.close()


@pytest.fixture
def fast_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A silent listener makes the probe wait its full timeout; keep that short here."""
    monkeypatch.setattr(broker, "PROBE_TIMEOUT", 0.5)


def tmp_config(tmp_path: Path, port: int | None = None) -> BrokerConfig:
    broker_port, controller_port = free_ports()
    return BrokerConfig(
        home=tmp_path / "kafka-home",
        port=port or broker_port,
        controller_port=controller_port,
        libs_dir=tmp_path / "libs",
    )


# --- configuration -----------------------------------------------------------------------


def test_server_properties_single_combined_node(tmp_path: Path) -> None:
    config = BrokerConfig(home=tmp_path, port=19092, controller_port=19093)
    props = parse_properties(broker.server_properties(config))
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["num.partitions"] == "4"
    assert props["auto.create.topics.enable"] == "true"
    assert props["delete.topic.enable"] == "true"
    assert props["log.retention.hours"] == "168"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"


def test_server_properties_allow_the_largest_records() -> None:
    props = parse_properties(broker.server_properties(BrokerConfig()))
    assert int(props["message.max.bytes"]) >= 16 * 1024 * 1024
    assert int(props["replica.fetch.max.bytes"]) >= int(props["message.max.bytes"])


def test_from_settings_defaults() -> None:
    config = BrokerConfig.from_settings(Settings(), env={})
    assert (config.host, config.port, config.controller_port) == ("127.0.0.1", 9092, 9093)
    assert config.home == PROJECT_ROOT / ".kafka"
    assert config.libs == PROJECT_ROOT / ".kafka" / "libs"
    assert config.heap == "1g"
    assert config.bootstrap == "127.0.0.1:9092"


def test_from_settings_takes_first_bootstrap_entry_and_env(tmp_path: Path) -> None:
    settings = Settings(bootstrap_servers="localhost:19092, otherhost:29092")
    config = BrokerConfig.from_settings(settings, env={})
    assert (config.host, config.port, config.controller_port) == ("localhost", 19092, 19093)

    env = {"NEWSSTREAMS_BROKER_CONTROLLER_PORT": "20000", "NEWSSTREAMS_KAFKA_HOME": str(tmp_path)}
    config = BrokerConfig.from_settings(settings, env=env)
    assert config.controller_port == 20000
    assert config.home == tmp_path
    assert config.pid_file == tmp_path / "broker.pid"
    assert config.stamp_file == tmp_path / "libs" / ".pom.sha256"


def test_from_settings_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSSTREAMS_KAFKA_HOME", str(tmp_path))
    monkeypatch.delenv("NEWSSTREAMS_BROKER_CONTROLLER_PORT", raising=False)
    assert BrokerConfig.from_settings(Settings()).home == tmp_path


@pytest.mark.parametrize(
    ("bootstrap", "env", "message"),
    [
        ("127.0.0.1:kafka", {}, "no valid port"),
        ("127.0.0.1:9092", {"NEWSSTREAMS_BROKER_CONTROLLER_PORT": "x"}, "must be a port"),
        ("127.0.0.1:9092", {"NEWSSTREAMS_BROKER_CONTROLLER_PORT": "9092"}, "must differ"),
        ("127.0.0.1:70000", {}, "1-65535"),
    ],
)
def test_from_settings_rejects_bad_values(bootstrap: str, env: dict, message: str) -> None:
    with pytest.raises(BrokerError, match=message):
        BrokerConfig.from_settings(Settings(bootstrap_servers=bootstrap), env=env)


def test_libs_dir_can_be_shared_between_homes(tmp_path: Path) -> None:
    shared = tmp_path / "shared-libs"
    config = BrokerConfig(home=tmp_path / "a", libs_dir=shared)
    assert config.libs == shared
    assert config.stamp_file == shared / ".pom.sha256"
    assert config.data_dir == tmp_path / "a" / "data"


def test_cluster_id_is_a_kafka_uuid() -> None:
    for _ in range(200):
        cluster_id = broker._cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")


# --- the Kafka probe ---------------------------------------------------------------------


def test_answers_true_for_a_kafka_reply(fake_kafka: FakeServer) -> None:
    assert broker.answers(f"127.0.0.1:{fake_kafka.port}", timeout=2.0)
    assert broker.answers(f"127.0.0.1:{free_port()},127.0.0.1:{fake_kafka.port}", timeout=2.0)


def test_answers_false_for_other_programs() -> None:
    assert not broker.answers(f"127.0.0.1:{free_port()}", timeout=0.5)  # nothing listens
    http = FakeServer(http_reply)
    try:
        assert not broker.answers(f"127.0.0.1:{http.port}", timeout=2.0)
    finally:
        http.close()
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        assert not broker.answers(f"127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)


# --- errors a user can meet --------------------------------------------------------------


def test_start_without_java_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(BrokerError) as raised:
        broker.start(tmp_config(tmp_path))
    assert str(raised.value) == "Java not found on PATH: install OpenJDK 17 or newer"


def test_start_refuses_a_port_held_by_another_program(tmp_path: Path, fast_probe: None) -> None:
    with socket.create_server(("127.0.0.1", 0)) as squatter:
        port = squatter.getsockname()[1]
        config = tmp_config(tmp_path, port=port)
        with pytest.raises(BrokerError) as raised:
            broker.start(config)
        state = broker.status(config)
    message = str(raised.value)
    assert f"port {port} on 127.0.0.1 is taken by another program" in message
    assert "\n" not in message
    assert not config.pid_file.exists()
    assert not state.running
    assert f"port {port}" in state.detail


def test_start_refuses_a_taken_controller_port(tmp_path: Path, fast_probe: None) -> None:
    with socket.create_server(("127.0.0.1", 0)) as squatter:
        port = squatter.getsockname()[1]
        config = BrokerConfig(
            home=tmp_path, port=free_port(), controller_port=port, libs_dir=tmp_path / "libs"
        )
        with pytest.raises(BrokerError, match=f"port {port} .*NEWSSTREAMS_BROKER_CONTROLLER_PORT"):
            broker.start(config)


def test_start_uses_a_broker_it_did_not_start(tmp_path: Path, fake_kafka: FakeServer) -> None:
    config = tmp_config(tmp_path, port=fake_kafka.port)
    state = broker.start(config)  # no Java needed: nothing is launched
    assert (state.running, state.ours, state.pid) == (True, False, None)
    assert "did not start" in state.detail
    assert broker.status(config) == state
    assert broker.stop(config) is False  # never ours to stop


def test_stop_never_kills_a_process_that_is_not_our_broker(tmp_path: Path) -> None:
    config = tmp_config(tmp_path)
    config.home.mkdir(parents=True)
    config.pid_file.write_text(f"{os.getpid()}\n")  # alive, but this is pytest, not Kafka
    assert broker.stop(config) is False
    assert not config.pid_file.exists()
    assert broker.stop(config) is False


def test_stop_without_home_is_a_no_op(tmp_path: Path) -> None:
    assert broker.stop(tmp_config(tmp_path)) is False
    assert not (tmp_path / "kafka-home").exists()


def test_fetch_jars_without_maven_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrokerError, match=r"^Maven \(mvn\) not found on PATH: "):
        broker.fetch_jars(tmp_config(tmp_path))


def test_fetch_jars_skips_when_the_stamp_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # Maven would fail: it must not run
    config = tmp_config(tmp_path)
    config.libs.mkdir()
    (config.libs / "kafka_2.13-4.1.1.jar").write_bytes(b"")
    config.stamp_file.write_text(hashlib.sha256(broker.POM.read_bytes()).hexdigest() + "\n")
    assert broker.fetch_jars(config) == config.libs


def test_maven_error_keeps_the_cause_not_the_boilerplate() -> None:
    output = (
        "\x1b[0m\x1b[0m[ERROR] Failed to execute goal on project kafka-broker: Could not "
        "resolve dependencies: Could not find artifact org.apache.kafka:kafka_2.13:jar:9.9.9 "
        "in central (https://repo.maven.apache.org/maven2) -> [Help 1]\n"
        "[ERROR] \n"
        "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
        "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n"
        "[ERROR] \n"
        "[ERROR] For more information about the errors and possible solutions, please read:\n"
        "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/Dependency\n"
    )
    line = broker._maven_error(output, 1)
    assert line.startswith("Failed to execute goal on project kafka-broker")
    assert line.endswith("kafka_2.13:jar:9.9.9 in central (https://repo.maven.apache.org/maven2)")


def test_last_meaningful_line_prefers_the_error_over_stack_frames() -> None:
    lines = [
        "[2025-01-01 00:00:00,000] INFO starting (kafka.Kafka$)",
        "[2025-01-01 00:00:01,000] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)",
        "java.lang.RuntimeException: Stored node id 7 doesn't match previous node id 1",
        "\tat kafka.server.KafkaRaftServer$.initializeLogDirs(KafkaRaftServer.scala:169)",
        "\t... 3 more",
        "",
    ]
    assert broker._last_meaningful(lines, "-").startswith("java.lang.RuntimeException: Stored")
    assert broker._last_meaningful([], "(log is empty)") == "(log is empty)"


def test_config_paths_are_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JVM runs in home, and our broker is recognised by its absolute properties path."""
    monkeypatch.chdir(tmp_path)
    config = BrokerConfig(home=Path("kafka-home"), libs_dir=Path("libs"))
    assert config.home == tmp_path / "kafka-home"
    assert config.properties_file == tmp_path / "kafka-home" / "server.properties"
    assert config.libs == tmp_path / "libs"
