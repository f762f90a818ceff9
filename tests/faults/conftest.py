"""The fault suite runs on a private broker it is allowed to stop and restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from streams import broker
from streams.broker import BrokerConfig
from streams.settings import Settings
from tests.kafka_fixtures import free_port


@pytest.fixture(scope="session")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerConfig]:
    """A broker of our own on free ports (jars shared with the project's)."""
    libs = broker.fetch_jars(BrokerConfig.from_settings(Settings()))
    config = BrokerConfig(
        home=tmp_path_factory.mktemp("fault-kafka"),
        port=free_port(),
        controller_port=free_port(),
        libs_dir=libs,
    )
    broker.start(config)
    yield config
    broker.stop(config)


@pytest.fixture(scope="session")
def bootstrap(fault_broker: BrokerConfig) -> str:
    """Overrides the shared fixture: every fault test talks to the private broker."""
    return fault_broker.bootstrap


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault-suite table (the README and notes quote it)."""
    from tests.faults.summary import SUMMARY, table

    if SUMMARY:
        terminalreporter.write_line("")
        terminalreporter.write_line("fault suite summary")
        for line in table():
            terminalreporter.write_line(line)
