"""Kafka fixtures for the integration and fault suites: a real broker, never a mock.

Order of preference: ``KAFKA_BOOTSTRAP_SERVERS`` when set; testcontainers'
Kafka when a Docker daemon answers; else the local Apache Kafka that
``newsstreams broker start`` runs (started here when none answers, and
stopped again at the end if this session started it).

Each test gets its own topic prefix and Faust app id, so tests never see
each other's messages or consumer-group offsets. The fault suite overrides
``bootstrap`` with a private broker it may stop and restart.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka.admin import KafkaAdminClient

from streams import broker
from streams.demo import start_worker_process, stop_worker_process
from streams.kafka_io import ensure_core_topics
from streams.settings import Settings


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def bootstrap() -> Iterator[str]:
    """Bootstrap servers of a broker that really answers."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as kafka:
            yield kafka.get_bootstrap_server()
        return
    config = broker.BrokerConfig.from_settings(Settings())
    started = False
    if not broker.answers(f"{config.host}:{config.port}", timeout=3.0):
        broker.start(config)
        started = True
    yield f"{config.host}:{config.port}"
    if started:
        broker.stop(config)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def guarantee() -> str:
    """Processing guarantee of the test's worker; parametrize a test to change it."""
    return "at_least_once"


@pytest.fixture
def settings(
    bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guarantee: str
) -> Iterator[Settings]:
    """Settings isolated to this test: own topic prefix, app id and data dir."""
    env = isolated_env(bootstrap, tmp_path, guarantee)
    for name, value in env.items():  # the worker child process reads them too
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(env)
    ensure_core_topics(settings)
    yield settings
    _delete_topics(settings)


def isolated_env(bootstrap: str, folder: Path, guarantee: str = "at_least_once") -> dict[str, str]:
    """Environment of a worker no other test shares: own topic prefix, app
    id, data dir under ``folder`` and web port."""
    run = uuid.uuid4().hex[:10]
    return {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "NEWSSTREAMS_TOPIC_PREFIX": f"t{run}.",
        "NEWSSTREAMS_APP_ID": f"newsstreams-test-{run}",
        "NEWSSTREAMS_DATA_DIR": str(folder / "worker-data"),
        "NEWSSTREAMS_WEB_PORT": str(free_port()),
        "NEWSSTREAMS_PARTITIONS": "4",
        "NEWSSTREAMS_PROCESSING_GUARANTEE": guarantee,
    }


def _delete_topics(settings: Settings) -> None:
    """Drop the test's topics so a long-lived local broker does not fill up."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers.split(","),
        **settings.security.kafka_python_options(),
    )
    try:
        ours = [name for name in admin.list_topics() if settings.topic_prefix in name]
        if ours:
            admin.delete_topics(ours)
    finally:
        admin.close()


class WorkerHandle:
    """A `newsstreams worker` child process for one test.

    ``env`` overrides the test's environment for this worker only; a second
    worker needs its own ``NEWSSTREAMS_WEB_PORT`` and ``NEWSSTREAMS_DATA_DIR``
    (see :meth:`second`).
    """

    def __init__(self, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    def second(self, name: str) -> WorkerHandle:
        """Another worker of the same app, with its own port, data dir and log."""
        folder = self.log_path.parent / name
        env = {
            **self.env,
            "NEWSSTREAMS_WEB_PORT": str(free_port()),
            "NEWSSTREAMS_DATA_DIR": str(folder / "worker-data"),
        }
        return WorkerHandle(folder / "worker.log", env)

    def start(self) -> None:
        self.process = start_worker_process(self.log_path, {**os.environ, **self.env})

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> int | None:
        return stop_worker_process(self.process) if self.process else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def diagnosis(self, lines: int = 12) -> str:
        """A short account of a worker that made no progress: alive or not, its
        ``/health`` (agents, lag), last progress line, last warnings and
        errors, and the frames of our own code in every thread and task, from
        the stack dump Faust's worker writes on SIGUSR1."""
        if not self.alive():
            code = self.process.returncode if self.process else None
            return f"{self.log_path.parent.name}: not running (exit {code})"
        port = self.env.get("NEWSSTREAMS_WEB_PORT") or os.environ["NEWSSTREAMS_WEB_PORT"]
        health = http("GET", f"http://127.0.0.1:{port}/health").body.decode(errors="replace")
        size = self.log_path.stat().st_size
        self.process.send_signal(signal.SIGUSR1)
        time.sleep(3.0)
        with open(self.log_path, "rb") as log:
            before = log.read(size).decode(errors="replace").splitlines()
            dump = log.read().decode(errors="replace").splitlines()
        progress = [line for line in before if "progress:" in line][-1:]
        alarms = [
            line
            for line in before
            if ("[WARNING]" in line or "[ERROR]" in line) and "producer buffer full" not in line
        ]
        ours = [
            f"{line.strip()} | {following.strip()}"
            for line, following in itertools.pairwise(dump)
            if "/streams/" in line and line.lstrip().startswith("File")
        ]
        frames = list(dict.fromkeys(ours))[: 3 * lines]
        name = self.log_path.parent.name
        return "\n".join(
            [
                f"{name}: alive; /health {health}",
                *progress,
                *alarms[-lines:],
                "our frames:",
                *frames,
            ]
        )


@pytest.fixture
def worker(settings: Settings, tmp_path: Path) -> Iterator[WorkerHandle]:
    handle = WorkerHandle(tmp_path / "worker.log")
    handle.start()
    yield handle
    handle.stop()


# Small enough that a test can exceed it cheaply, large enough for a batch.
WEB_HTTP_MAX_BYTES = 64 * 1024
WEB_READY_TIMEOUT = 180.0


@dataclass
class WebWorker:
    """A running worker with its web server, and the settings it runs with."""

    settings: Settings
    handle: WorkerHandle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"


@pytest.fixture(scope="module")
def web_worker(bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorker]:
    """One worker for a whole test module (the web tests only add articles,
    so they can share one; each starts in ~20 s on two cores), started with
    a small HTTP body limit and JSON logs, and ready: ``/health`` says 200."""
    folder = tmp_path_factory.mktemp("web")
    env = {
        **isolated_env(bootstrap, folder),
        "NEWSSTREAMS_HTTP_MAX_BYTES": str(WEB_HTTP_MAX_BYTES),
        "NEWSSTREAMS_LOG_FORMAT": "json",
    }
    settings = Settings.from_env(env)
    ensure_core_topics(settings)
    handle = WorkerHandle(folder / "worker.log", env)
    handle.start()
    worker = WebWorker(settings, handle)
    try:
        wait_until_healthy(worker)
        yield worker
    finally:
        handle.stop()
        _delete_topics(settings)


def wait_until_healthy(worker: WebWorker, timeout: float = WEB_READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.handle.alive(), worker.handle.log()
        if http("GET", worker.url + "/health").status == 200:
            return
        time.sleep(0.5)
    raise AssertionError(f"worker not healthy within {timeout}s:\n{worker.handle.log()}")


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


def http(
    method: str,
    url: str,
    body: bytes | Iterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpReply:
    """One HTTP request with the standard library; error statuses are replies,
    and a server that does not answer (yet) is status 0. An iterable body
    goes out chunked, without a Content-Length."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return HttpReply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return HttpReply(error.code, dict(error.headers), error.read())
    except (urllib.error.URLError, ConnectionError):
        return HttpReply(0, {}, b"")
