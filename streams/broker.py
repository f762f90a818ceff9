"""Run a local single-node Apache Kafka 4 broker (KRaft mode) without Docker.

The demo and the integration tests need a real Kafka, but our machines have no
Docker engine. Java and Maven are enough: Maven copies the broker's jars from
Maven Central (``kafka/pom.xml``) into ``<home>/libs`` once, and we run the
``kafka.Kafka`` main class on a generated ``server.properties``: one process
that is both broker and KRaft controller, so there is no ZooKeeper.

Layout under ``home`` (``.kafka/`` in the project by default)::

    libs/               the jars, plus .pom.sha256 (hash of the pom they came from)
    data/               log.dirs: topics, offsets, KRaft metadata; survives restarts
    server.properties   written on every start from BrokerConfig
    broker.log          the broker's stdout and stderr (the previous run's: broker.log.1)
    broker.pid          pid of the broker we started
    broker.lock         serialises start/stop between concurrent commands

Only a broker this module started (pid file, and a command line that names our
``server.properties``) is ever stopped; a Kafka broker someone else runs on the
same address is detected and used as is. POSIX only: flock, signals and ``sh``.
"""

from __future__ import annotations

import base64
import errno
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from streams.settings import PROJECT_ROOT, Settings

KAFKA_DIR = PROJECT_ROOT / "kafka"
POM = KAFKA_DIR / "pom.xml"
LOG4J_CONFIG = KAFKA_DIR / "log4j2.yaml"

MIN_JAVA = 17  # Kafka 4 brokers refuse to run on older JVMs
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # 5 MB bodies, and dead letters that carry them
PROBE_TIMEOUT = 2.0  # seconds for one "is this Kafka?" round trip
MAVEN_TIMEOUT = 1800.0  # a first download on a slow link; a cached one takes seconds
FORMAT_TIMEOUT = 120.0


class BrokerError(Exception):
    """A problem the user can fix; the message is one readable line."""


@dataclass(frozen=True)
class SecureListener:
    """A SASL_SSL listener beside the plaintext one: TLS with SCRAM users.

    ``keystore`` is one PEM file holding the broker's private key (PKCS#8,
    unencrypted) and certificate chain; ``users`` maps SCRAM user names to
    passwords, created when the data directory is first formatted.
    """

    port: int
    keystore: Path
    users: Mapping[str, str] = field(repr=False)
    mechanism: str = "SCRAM-SHA-512"

    def properties(self, host: str) -> list[str]:
        mechanism = self.mechanism.lower()
        return [
            "inter.broker.listener.name=PLAINTEXT",
            f"sasl.enabled.mechanisms={self.mechanism}",
            f"listener.name.sasl_ssl.{mechanism}.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "listener.name.sasl_ssl.ssl.keystore.type=PEM",
            f"listener.name.sasl_ssl.ssl.keystore.location={self.keystore}",
        ]

    def format_arguments(self) -> list[str]:
        """``--add-scram`` arguments for ``kafka-storage format``."""
        arguments = []
        for name, password in self.users.items():
            arguments += ["--add-scram", f"{self.mechanism}=[name={name},password={password}]"]
        return arguments


@dataclass(frozen=True)
class BrokerConfig:
    """Where the local broker lives and which addresses it listens on.

    ``libs_dir`` defaults to ``home/libs``; pointing several homes at one
    directory lets tests run throwaway brokers without downloading jars again.
    """

    home: Path = PROJECT_ROOT / ".kafka"
    host: str = "127.0.0.1"
    port: int = 9092
    controller_port: int = 9093
    heap: str = "1g"
    libs_dir: Path | None = None
    secure: SecureListener | None = None

    def __post_init__(self) -> None:
        # Absolute paths: the JVM runs with home as its working directory, and a broker
        # is recognised as ours by the server.properties path on its command line.
        object.__setattr__(self, "home", Path(self.home).expanduser().resolve())
        if self.libs_dir is not None:
            object.__setattr__(self, "libs_dir", Path(self.libs_dir).expanduser().resolve())
        for name in ("port", "controller_port"):
            value = getattr(self, name)
            if not 0 < value < 65536:
                raise BrokerError(f"broker {name} must be within 1-65535, got {value}")
        if self.port == self.controller_port:
            raise BrokerError(
                f"the broker port and the controller port must differ, both are {self.port}"
            )
        if not re.fullmatch(r"[1-9][0-9]*[kKmMgG]?", self.heap):
            raise BrokerError(f"broker heap must look like 512m or 1g, got {self.heap!r}")

    @classmethod
    def from_settings(
        cls, settings: Settings, env: Mapping[str, str] | None = None
    ) -> BrokerConfig:
        """The broker that serves ``settings.bootstrap_servers`` (its first entry).

        ``NEWSSTREAMS_KAFKA_HOME`` moves the home directory and
        ``NEWSSTREAMS_BROKER_CONTROLLER_PORT`` the controller (default: port + 1).
        """
        env = os.environ if env is None else env
        first = settings.bootstrap_servers.split(",")[0].strip()
        host, port = _split_hostport(first, default_port=cls.port)
        raw_controller = env.get("NEWSSTREAMS_BROKER_CONTROLLER_PORT") or ""
        try:
            controller_port = int(raw_controller) if raw_controller else port + 1
        except ValueError:
            raise BrokerError(
                f"NEWSSTREAMS_BROKER_CONTROLLER_PORT must be a port number, got {raw_controller!r}"
            ) from None
        home = env.get("NEWSSTREAMS_KAFKA_HOME")
        return cls(
            home=Path(home) if home else cls.home,
            host=host,
            port=port,
            controller_port=controller_port,
        )

    @property
    def libs(self) -> Path:
        return self.libs_dir if self.libs_dir is not None else self.home / "libs"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def properties_file(self) -> Path:
        return self.home / "server.properties"

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def stamp_file(self) -> Path:
        return self.libs / ".pom.sha256"

    @property
    def bootstrap(self) -> str:
        return f"{_url_host(self.host)}:{self.port}"


@dataclass(frozen=True)
class BrokerStatus:
    """What answers on the configured address; ``detail`` is a sentence for the user."""

    running: bool
    ours: bool
    pid: int | None
    bootstrap: str
    detail: str


def server_properties(config: BrokerConfig) -> str:
    """The broker's configuration: one combined broker+controller node, sized for one host.

    Replication factors are 1 because there is one node; the message size limits
    match the largest record the pipeline produces (a 5 MB body in a dead letter).
    """
    host = _url_host(config.host)
    listeners = [f"PLAINTEXT://{host}:{config.port}"]
    protocols = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
    if config.secure:
        listeners.append(f"SASL_SSL://{host}:{config.secure.port}")
        protocols.append("SASL_SSL:SASL_SSL")
    lines = [
        "# Written by streams/broker.py on every start: change BrokerConfig, not this file.",
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@{host}:{config.controller_port}",
        f"listeners={','.join(listeners)},CONTROLLER://{host}:{config.controller_port}",
        f"advertised.listeners={','.join(listeners)}",
        "controller.listener.names=CONTROLLER",
        f"listener.security.protocol.map={','.join(protocols)}",
        *(config.secure.properties(host) if config.secure else []),
        f"log.dirs={config.data_dir}",
        "num.partitions=4",
        "auto.create.topics.enable=true",
        "delete.topic.enable=true",
        "log.retention.hours=168",
        f"message.max.bytes={MAX_MESSAGE_BYTES}",
        f"replica.fetch.max.bytes={MAX_MESSAGE_BYTES}",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
    ]
    return "\n".join(lines) + "\n"


def answers(bootstrap: str, timeout: float) -> bool:
    """True only if a Kafka broker answers an ApiVersions request at one of ``bootstrap``.

    A raw request rather than a client library: it is quiet, takes one round trip,
    and tells a Kafka broker apart from any other program holding the port (which
    either says something else or nothing at all until ``timeout``).
    """
    for entry in bootstrap.split(","):
        if not entry.strip():
            continue
        try:
            host, port = _split_hostport(entry.strip(), default_port=9092)
        except BrokerError:
            continue
        if _api_versions(host, port, timeout):
            return True
    return False


def fetch_jars(config: BrokerConfig) -> Path:
    """Copy the broker's jars into ``config.libs`` with Maven, unless they are current.

    The jars are current when ``.pom.sha256`` holds the hash of ``kafka/pom.xml``.
    Maven writes into a sibling directory that replaces ``libs`` only on success,
    so an interrupted download never passes for a complete one.
    """
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    libs = config.libs
    if _read_text(config.stamp_file) == digest and any(libs.glob("*.jar")):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError(
            "Maven (mvn) not found on PATH: install Apache Maven 3.6 or newer; "
            "it downloads the Kafka broker jars once"
        )
    partial = libs.with_name(libs.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        mvn,
        "-B",
        "-q",
        "-Dstyle.color=never",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={partial}",
        "-DincludeScope=runtime",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=MAVEN_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(partial, ignore_errors=True)
        raise BrokerError(
            f"Maven did not finish fetching the Kafka jars within {MAVEN_TIMEOUT:.0f} s"
        ) from None
    if done.returncode != 0 or not any(partial.glob("*.jar")):
        shutil.rmtree(partial, ignore_errors=True)
        raise BrokerError(
            "Maven could not fetch the Kafka jars: "
            + _maven_error(done.stdout + done.stderr, done.returncode)
        )
    (partial / ".pom.sha256").write_text(digest + "\n")
    if libs.exists():
        shutil.rmtree(libs)
    partial.rename(libs)
    return libs


def status(config: BrokerConfig) -> BrokerStatus:
    """What runs on the configured address, without changing anything."""
    pid = _our_pid(config)
    if pid is not None:
        if answers(config.bootstrap, PROBE_TIMEOUT):
            return BrokerStatus(
                running=True,
                ours=True,
                pid=pid,
                bootstrap=config.bootstrap,
                detail=f"broker running on {config.bootstrap} (pid {pid})",
            )
        return BrokerStatus(
            running=False,
            ours=True,
            pid=pid,
            bootstrap=config.bootstrap,
            detail=f"our broker process (pid {pid}) is alive but does not answer on "
            f"{config.bootstrap}; see {_shown(config.log_file)}",
        )
    if answers(config.bootstrap, PROBE_TIMEOUT):
        return _external(config)
    if _port_open(config.host, config.port):
        return BrokerStatus(
            running=False,
            ours=False,
            pid=None,
            bootstrap=config.bootstrap,
            detail=_taken(config, config.port),
        )
    return BrokerStatus(
        running=False,
        ours=False,
        pid=None,
        bootstrap=config.bootstrap,
        detail=f"no broker running on {config.bootstrap}",
    )


def start(config: BrokerConfig, timeout: float = 60.0) -> BrokerStatus:
    """Make a Kafka broker answer on the configured address; safe to call repeatedly.

    Returns at once when our broker already runs, or when a broker we did not
    start answers there (it is used rather than fought over the port). Otherwise
    fetches the jars if needed, formats the data directory on first use only,
    launches a detached JVM and waits until it answers a Kafka request.
    """
    config.home.mkdir(parents=True, exist_ok=True)
    with _lock(config):
        pid = _our_pid(config)
        if pid is not None:
            began = time.monotonic()
            _wait_until_answers(config, pid, timeout, kill_on_timeout=False)
            waited = time.monotonic() - began
            return BrokerStatus(
                running=True,
                ours=True,
                pid=pid,
                bootstrap=config.bootstrap,
                detail=f"broker already running on {config.bootstrap} (pid {pid})"
                + (f", answered after {waited:.1f} s" if waited >= 1 else ""),
            )
        config.pid_file.unlink(missing_ok=True)  # stale: that process is gone or not ours
        if answers(config.bootstrap, PROBE_TIMEOUT):
            return _external(config)
        for port in (config.port, config.controller_port):
            if _port_open(config.host, port):
                raise BrokerError(_taken(config, port))

        java = _java()
        fetch_jars(config)
        _write_atomic(config.properties_file, server_properties(config))
        if not (config.data_dir / "meta.properties").exists():
            _format_storage(config, java)
        began = time.monotonic()
        pid = _launch(config, java)
        _write_atomic(config.pid_file, f"{pid}\n")
        _wait_until_answers(config, pid, timeout, kill_on_timeout=True)
        return BrokerStatus(
            running=True,
            ours=True,
            pid=pid,
            bootstrap=config.bootstrap,
            detail=f"broker started on {config.bootstrap} (pid {pid}) "
            f"in {time.monotonic() - began:.1f} s; log: {_shown(config.log_file)}",
        )


def stop(config: BrokerConfig, timeout: float = 30.0) -> bool:
    """Stop the broker we started: SIGTERM (a clean shutdown), SIGKILL after ``timeout``.

    Returns False when none of ours was running. A process is only signalled when
    the pid file names it and its command line runs ``kafka.Kafka`` on our
    ``server.properties``, so a recycled pid is never killed.
    """
    if not config.home.exists():
        return False
    with _lock(config):
        pid = _our_pid(config)
        if pid is None:
            config.pid_file.unlink(missing_ok=True)  # stale, if there is one
            return False
        _terminate(pid, timeout)
        config.pid_file.unlink(missing_ok=True)
        return True


# --- helpers -----------------------------------------------------------------------------


def _split_hostport(entry: str, default_port: int) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or a bare host."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        raw_port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        host, _, raw_port = entry.partition(":")
    else:
        host, raw_port = entry, ""
    if not host:
        raise BrokerError(f"bootstrap server {entry!r} has no host")
    try:
        return host, int(raw_port) if raw_port else default_port
    except ValueError:
        raise BrokerError(f"bootstrap server {entry!r} has no valid port") from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _external(config: BrokerConfig) -> BrokerStatus:
    return BrokerStatus(
        running=True,
        ours=False,
        pid=None,
        bootstrap=config.bootstrap,
        detail=f"a Kafka broker we did not start answers on {config.bootstrap}; using it",
    )


def _taken(config: BrokerConfig, port: int) -> str:
    hint = (
        "set KAFKA_BOOTSTRAP_SERVERS to another port"
        if port == config.port
        else "set NEWSSTREAMS_BROKER_CONTROLLER_PORT to another port"
    )
    return (
        f"port {port} on {config.host} is taken by another program "
        f"(not a Kafka broker we started); stop it or {hint}"
    )


def _api_versions(host: str, port: int, timeout: float) -> bool:
    """Send ApiVersions v0 and check the reply is a well-formed Kafka response to it.

    Every Kafka version answers v0 (clients use it to discover what else the
    broker speaks), with error 0 or UNSUPPORTED_VERSION (35).
    """
    correlation_id = int.from_bytes(os.urandom(4), "big") & 0x7FFFFFFF
    client_id = b"newsstreams-probe"
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            (size,) = struct.unpack(">i", _recv_exactly(sock, 4, deadline))
            if not 10 <= size <= 1 << 20:
                return False
            reply = _recv_exactly(sock, size, deadline)
    except (OSError, EOFError):
        return False
    got_id, error_code, count = struct.unpack(">ihi", reply[:10])
    return got_id == correlation_id and error_code in (0, 35) and size == 10 + 6 * count


def _recv_exactly(sock: socket.socket, size: int, deadline: float) -> bytes:
    data = b""
    while len(data) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT):
            return True
    except OSError:
        return False


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text)
    partial.replace(path)


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when inside it: shorter in messages."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextmanager
def _lock(config: BrokerConfig) -> Iterator[None]:
    """Serialise start/stop on one home, so two commands never launch two brokers."""
    with open(config.home / "broker.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _our_pid(config: BrokerConfig) -> int | None:
    """The pid in our pid file if that process lives and is our broker, else None."""
    raw = _read_text(config.pid_file)
    if not raw or not raw.isdigit():
        return None
    pid = int(raw)
    if not _alive(pid):
        return None
    cmdline = _cmdline(pid)
    if "kafka.Kafka" not in cmdline or str(config.properties_file) not in cmdline:
        return None
    return pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else; _cmdline decides whether it is ours
    stat = _read_text(Path(f"/proc/{pid}/stat"))
    # A zombie has exited but keeps its pid until its parent reaps it.
    return stat is None or stat.rpartition(")")[2].split()[:1] != ["Z"]


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        pass
    try:  # no /proc (macOS)
        return subprocess.run(
            ["ps", "-ww", "-o", "args=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _java() -> str:
    """The java executable ($JAVA_HOME first, as Kafka's scripts do), checked to be >= 17."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and os.access(candidate, os.X_OK) else shutil.which("java")
    if java is None:
        raise BrokerError("Java not found on PATH: install OpenJDK 17 or newer")
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BrokerError(f"cannot run {java} -version: {exc}") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if match:
        major = int(match[1]) if match[1] != "1" else int(match[2] or 0)
        if major < MIN_JAVA:
            raise BrokerError(
                f"{java} is Java {major}, but Kafka 4 needs Java {MIN_JAVA} or newer: "
                f"install OpenJDK {MIN_JAVA} or newer (or set JAVA_HOME)"
            )
    return java


def _jvm(config: BrokerConfig, java: str, heap: str) -> list[str]:
    """The JVM command line before the main class, shared by StorageTool and the broker.

    ``kafka.logs.dir`` is what Kafka's own scripts set; a stock Kafka log4j2 file
    dropped in for debugging then writes its files under home, not the cwd.
    """
    return [
        java,
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
        f"-Dkafka.logs.dir={config.home}",
        "-cp",
        str(config.libs / "*"),
    ]


def _cluster_id() -> str:
    """A KRaft cluster id as ``kafka-storage random-uuid`` makes it, without starting a JVM."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):  # Kafka avoids these: they read as command-line options
            return text


def _format_storage(config: BrokerConfig, java: str) -> None:
    """Write meta.properties (cluster id, node id) into the empty data dir: first start only."""
    command = [
        *_jvm(config, java, "256m"),
        "kafka.tools.StorageTool",
        "format",
        "-t",
        _cluster_id(),
        "-c",
        str(config.properties_file),
        "--ignore-formatted",
        *(config.secure.format_arguments() if config.secure else []),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=FORMAT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BrokerError(
            f"formatting {_shown(config.data_dir)} took over {FORMAT_TIMEOUT:.0f} s"
        ) from None
    if done.returncode != 0:
        raise BrokerError(
            f"could not format {_shown(config.data_dir)} for Kafka: "
            + _last_meaningful((done.stdout + done.stderr).splitlines(), f"exit {done.returncode}")
        )


def _launch(config: BrokerConfig, java: str) -> int:
    """Start the broker JVM detached from us and return its pid.

    A short-lived ``sh`` starts it in the background and exits, so the JVM is
    re-parented to init: it outlives this command, gets no signal meant for our
    terminal (new session), and never lingers as our zombie once stopped.
    """
    log = config.log_file
    if log.exists() and log.stat().st_size:
        log.replace(log.with_name(log.name + ".1"))
    command = [*_jvm(config, java, config.heap), "kafka.Kafka", str(config.properties_file)]
    script = 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!'
    done = subprocess.run(
        ["sh", "-c", script, "sh", str(log), *command],
        capture_output=True,
        text=True,
        cwd=config.home,
        start_new_session=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip().isdigit():
        raise BrokerError(f"could not launch the broker: {done.stderr.strip() or 'no pid'}")
    return int(done.stdout.strip())


def _wait_until_answers(
    config: BrokerConfig, pid: int, timeout: float, *, kill_on_timeout: bool
) -> None:
    """Poll until the broker answers a Kafka request; fail fast if its JVM dies."""
    deadline = time.monotonic() + timeout
    while True:
        if not _alive(pid):
            config.pid_file.unlink(missing_ok=True)
            raise BrokerError(
                f"broker exited during startup; last log line: {_last_log_line(config)} "
                f"(see {_shown(config.log_file)})"
            )
        if answers(config.bootstrap, min(PROBE_TIMEOUT, max(deadline - time.monotonic(), 0.1))):
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    if kill_on_timeout:
        _terminate(pid, 10.0)
        config.pid_file.unlink(missing_ok=True)
        what = f"broker did not answer within {timeout:g} s"
    else:
        what = (
            f"our broker (pid {pid}) runs but did not answer on {config.bootstrap} within "
            f"{timeout:g} s; stop it and start again"
        )
    raise BrokerError(
        f"{what}; last log line: {_last_log_line(config)} (see {_shown(config.log_file)})"
    )


def _terminate(pid: int, timeout: float) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_gone(pid, timeout):
        return
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if not _wait_gone(pid, 10.0):
        raise BrokerError(f"broker (pid {pid}) did not exit even after SIGKILL")


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _last_log_line(config: BrokerConfig) -> str:
    try:
        with open(config.log_file, "rb") as handle:
            handle.seek(max(handle.seek(0, os.SEEK_END) - 64 * 1024, 0))
            lines = handle.read().decode(errors="replace").splitlines()
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "(no log written)"
        return f"(log unreadable: {exc.strerror})"
    return _last_meaningful(lines, "(log is empty)")


def _last_meaningful(lines: list[str], default: str) -> str:
    """The last error-looking line, else the last line that is not a stack frame."""
    candidates = [
        line.strip()
        for line in lines
        if line.strip() and not line[:1].isspace() and not line.startswith("...")
    ]
    errors = [line for line in candidates if re.search(r"ERROR|FATAL|Exception|Error\b", line)]
    line = (errors or candidates or [default])[-1]
    return line if len(line) <= 400 else line[:397] + "..."


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_MAVEN_BOILERPLATE = re.compile(
    r"^(\[ERROR\]\s*)?($|To see the full stack trace|Re-run Maven|For more information"
    r"|\[Help \d+\]|After correcting the problems)"
)


def _maven_error(output: str, returncode: int) -> str:
    """Maven's last error line that says what went wrong, without its help boilerplate."""
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines()]
    errors = [
        line.removeprefix("[ERROR]").strip()
        for line in lines
        if line.startswith("[ERROR]") and not _MAVEN_BOILERPLATE.match(line)
    ]
    if errors:
        message = re.sub(r"\s*-> \[Help \d+\]$", "", errors[-1])
        return message if len(message) <= 400 else message[:397] + "..."
    return _last_meaningful(lines, f"mvn exited with status {returncode}")
