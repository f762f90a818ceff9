"""Why a kafka-python client could not bootstrap, told from what its log said."""

from __future__ import annotations

import logging

import pytest
from kafka.errors import KafkaTimeoutError

from streams.kafka_io import KafkaUnavailable, _connect
from streams.settings import Settings

SASL = {
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
    "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
    "KAFKA_SASL_USERNAME": "desk",
    "KAFKA_SASL_PASSWORD": "wrong",
}
PLAIN = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9"}


def _client_that_logs(*lines: tuple[str, str]):
    """A client factory that logs ``(logger, message)`` pairs and times out,
    as kafka-python does when its bootstrap fails."""

    def factory(**_config):
        for logger, message in lines:
            logging.getLogger(logger).error(message)
        raise KafkaTimeoutError("Unable to bootstrap")

    return factory


def _error(env: dict[str, str], *lines: tuple[str, str]) -> str:
    with pytest.raises(KafkaUnavailable) as raised:
        _connect(_client_that_logs(*lines), Settings.from_env(env))
    return str(raised.value)


SAID_REJECTED = ("kafka.net.manager", "Connection failed: SaslAuthenticationFailedError: ...")
HUNG_UP = ("kafka.net.transport", "<KafkaSSLTransport>: socket disconnected")
REFUSED = ("kafka.net.manager", "Connection failed: KafkaConnectionError: 111 ECONNREFUSED")


def test_a_logged_sasl_failure_is_rejected_credentials():
    assert "rejected the credentials of 'desk'" in _error(SASL, SAID_REJECTED)


def test_a_broker_hanging_up_during_login_is_rejected_credentials():
    # kafka-python 3.0.12 can drop the broker's error read together with the
    # close: the hang-up is all its log shows.
    assert "rejected the credentials of 'desk'" in _error(SASL, HUNG_UP)


def test_refused_connections_are_no_broker():
    assert "no Kafka broker answers" in _error(SASL, REFUSED)


def test_a_hang_up_without_a_login_is_no_broker():
    assert "no Kafka broker answers" in _error(PLAIN, HUNG_UP)
