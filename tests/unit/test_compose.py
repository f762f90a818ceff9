"""docker-compose.yml and the Dockerfile agree with the code they package.

There is no Docker engine where the tests run, so these checks parse the files
and hold them against the settings, the project layout and each other: the
mistakes they catch (a renamed variable, a port in two places, a directory the
image forgets) are the ones that otherwise only show up on a user's machine.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES = ("worker", "seed")
MONITORING_SERVICES = ("prometheus", "grafana")
SETTINGS_SOURCE = (ROOT / "streams" / "settings.py").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NEEDED_IN_IMAGE = ("pyproject.toml", "uv.lock", "README.md", "streams", "schemas", "seeds")


def interpolate(value: object) -> str:
    """What compose substitutes when the shell sets nothing: the ``:-`` defaults."""
    return re.sub(
        r"\$\{(\w+)(?::?-([^}]*))?\}",
        lambda m: m.group(2) or "",
        "" if value is None else str(value),
    )


def environment(service: str) -> dict[str, str]:
    return {k: interpolate(v) for k, v in SERVICES[service].get("environment", {}).items()}


def app_variables(service: str) -> dict[str, str]:
    """The variables of ``service`` that newsstreams itself is meant to read."""
    return {
        name: value
        for name, value in environment(service).items()
        if name.startswith("NEWSSTREAMS_") or name == "KAFKA_BOOTSTRAP_SERVERS"
    }


def settings_field(variable: str) -> str:
    if variable == "KAFKA_BOOTSTRAP_SERVERS":
        return "bootstrap_servers"
    return variable.removeprefix("NEWSSTREAMS_").lower()


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (instruction.upper(), arguments.strip())
        for instruction, _, arguments in (
            line.strip().partition(" ") for line in joined.splitlines()
        )
        if instruction
    ]


def instructions(name: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == name]


def copied_sources() -> list[str]:
    """Every path a COPY takes from the build context."""
    sources = []
    for arguments in instructions("COPY"):
        words = [w for w in shlex.split(arguments) if not w.startswith("--")]
        sources.extend(word.rstrip("/") for word in words[:-1])
    return sources


def published_ports(service: str) -> list[tuple[int, int]]:
    """(host, container) port pairs of a service (``[ip:]host:container``)."""
    pairs = []
    for entry in SERVICES[service].get("ports", []):
        host, container = str(entry).split(":")[-2:]
        pairs.append((int(host), int(container)))
    return pairs


def kafka_listeners(variable: str) -> dict[str, str]:
    """A KAFKA_*LISTENERS value as {listener name: host:port}."""
    value = environment("kafka")[variable]
    return dict(entry.split("://", 1) for entry in value.split(","))


def test_services() -> None:
    """The pipeline starts by default; monitoring only with ``--profile monitoring``."""
    assert set(SERVICES) == {"kafka", *APP_SERVICES, *MONITORING_SERVICES}
    for service in ("kafka", *APP_SERVICES):
        assert "profiles" not in SERVICES[service], service
    for service in MONITORING_SERVICES:
        assert SERVICES[service]["profiles"] == ["monitoring"], service


def test_kafka_is_a_single_kraft_node() -> None:
    kafka = SERVICES["kafka"]
    env = environment("kafka")
    assert kafka["image"] == "apache/kafka:4.1.1"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@")
    for variable in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env[variable] == "1", variable


def test_kafka_listeners_serve_containers_and_the_host() -> None:
    env = environment("kafka")
    listeners = kafka_listeners("KAFKA_LISTENERS")
    advertised = kafka_listeners("KAFKA_ADVERTISED_LISTENERS")
    protocols = dict(
        entry.split(":") for entry in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    assert set(listeners) == set(protocols)
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    assert set(advertised.values()) == {"kafka:19092", "localhost:9092"}
    for name, address in advertised.items():
        assert listeners[name].rpartition(":")[2] == address.rpartition(":")[2], name
    assert (9092, 9092) in published_ports("kafka")


def test_kafka_accepts_every_message_the_app_may_send() -> None:
    broker_limit = int(environment("kafka")["KAFKA_MESSAGE_MAX_BYTES"])
    assert broker_limit == 16 * 1024 * 1024
    for service in APP_SERVICES:
        app_limit = Settings.from_env(app_variables(service)).max_message_bytes
        assert app_limit <= broker_limit, service


def test_kafka_healthcheck_asks_the_broker() -> None:
    check = " ".join(SERVICES["kafka"]["healthcheck"]["test"])
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in check
    assert any(
        address in check for address in kafka_listeners("KAFKA_ADVERTISED_LISTENERS").values()
    )


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_use_the_internal_listener(service: str) -> None:
    internal = kafka_listeners("KAFKA_ADVERTISED_LISTENERS")["INTERNAL"]
    assert environment(service)["KAFKA_BOOTSTRAP_SERVERS"] == internal


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_variable_is_read_by_settings(service: str) -> None:
    variables = app_variables(service)
    assert variables, f"{service} sets no newsstreams variables"
    settings = Settings.from_env(variables)
    for name, value in variables.items():
        assert f'"{name}"' in SETTINGS_SOURCE, f"{name} is not read in streams/settings.py"
        assert str(getattr(settings, settings_field(name))) == value, name


def test_seed_writes_where_the_worker_reads() -> None:
    worker = app_variables("worker")
    for name, value in app_variables("seed").items():
        assert worker.get(name) == value, f"{name} differs between seed and worker"


def test_worker_web_port_is_published_and_the_default() -> None:
    port = int(environment("worker")["NEWSSTREAMS_WEB_PORT"])
    assert port == Settings().web_port
    assert published_ports("worker") == [(port, port)]


def test_published_ports_stay_on_the_hosts_loopback_except_kafka() -> None:
    """The worker takes articles over HTTP: only the host itself may post them."""
    for service in (*APP_SERVICES, *MONITORING_SERVICES):
        for entry in SERVICES[service].get("ports", []):
            assert str(entry).startswith("127.0.0.1:"), (service, entry)


def test_worker_listens_on_the_container_network() -> None:
    """Inside its container the worker must not keep the loopback default, or
    neither the published port nor Prometheus reach it."""
    assert environment("worker")["NEWSSTREAMS_WEB_HOST"] == "0.0.0.0"
    assert Settings().web_host == "127.0.0.1"


def test_worker_data_dir_is_a_volume_the_image_prepares() -> None:
    data_dir = environment("worker")["NEWSSTREAMS_DATA_DIR"]
    targets = [str(v).split(":")[1] for v in SERVICES["worker"].get("volumes", [])]
    assert data_dir in targets
    assert any(data_dir in run and "chown" in run for run in instructions("RUN"))


def test_start_order_and_one_shot_seed() -> None:
    assert "healthcheck" in SERVICES["kafka"]
    assert SERVICES["worker"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert SERVICES["seed"]["depends_on"]["worker"]["condition"] == "service_started"
    assert SERVICES["seed"]["restart"] == "no"


def test_commands_are_project_scripts_on_files_in_the_image() -> None:
    scripts = PYPROJECT["project"]["scripts"]
    assert SERVICES["worker"]["command"] == ["newsstreams", "worker"]
    assert SERVICES["seed"]["command"] == ["newsstreams", "produce", "/app/seeds"]
    for service in APP_SERVICES:
        assert SERVICES[service]["build"] == "."
        assert SERVICES[service]["command"][0] in scripts
    [workdir] = instructions("WORKDIR")
    in_image = {f"{workdir}/{source}" for source in copied_sources()}
    assert "/app/seeds" in in_image


def test_dockerfile_base_and_install() -> None:
    assert instructions("FROM") == ["python:3.11-slim"]
    assert PYPROJECT["project"]["requires-python"].startswith(">=3.11")
    runs = " ".join(instructions("RUN"))
    assert "pip install --no-cache-dir uv" in runs
    syncs = re.findall(r"uv sync[^&;]*", runs)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    assert "--extra" not in runs and "--all-extras" not in runs


def test_dockerfile_copies_everything_it_needs_and_it_exists() -> None:
    sources = copied_sources()
    assert set(NEEDED_IN_IMAGE) <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"


def test_dockerignore_keeps_what_the_dockerfile_copies() -> None:
    patterns = [
        line.strip().rstrip("/").removeprefix("**/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for source in copied_sources():
        for pattern in patterns:
            assert not fnmatch.fnmatch(source, pattern), f".dockerignore {pattern} hides {source}"


def test_image_runs_as_a_regular_user_with_newsstreams_on_path() -> None:
    users = instructions("USER")
    assert users and users[-1] not in {"root", "0"}
    assert [i for i, _ in dockerfile()][-2:] == ["USER", "CMD"]
    [command] = instructions("CMD")
    assert command.startswith('["newsstreams"')
    assert any("PATH=/opt/venv/bin:$PATH" in env for env in instructions("ENV"))
    assert any("UV_PROJECT_ENVIRONMENT=/opt/venv" in env for env in instructions("ENV"))
