"""The pipeline through a TLS + SCRAM-SHA-512 listener, certificates made at test time."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from streams import broker
from streams.broker import BrokerConfig, SecureListener
from streams.cli import main
from streams.kafka_io import produce
from streams.outcomes import OutcomeWatcher
from streams.settings import Settings
from streams.sources import iter_records
from tests.conftest import SEEDS
from tests.kafka_fixtures import WorkerHandle, free_port

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-Pa55-for-test"


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _certificates(folder: Path) -> tuple[Path, Path]:
    """A throwaway CA and a broker certificate for 127.0.0.1; returns (ca, keystore)."""
    ca_key, ca, key, csr, cert = (
        folder / n for n in ("ca.key", "ca.pem", "b.key", "b.csr", "b.pem")
    )
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=newsstreams test CA",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
    )
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        str(key),
        "-out",
        str(csr),
    )
    extensions = folder / "san.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        str(extensions),
        "-out",
        str(cert),
    )
    pkcs8 = folder / "b.pk8"
    _openssl("pkcs8", "-topk8", "-nocrypt", "-in", str(key), "-out", str(pkcs8))
    keystore = folder / "keystore.pem"
    keystore.write_text(pkcs8.read_text() + cert.read_text())
    return ca, keystore


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("secure-kafka")
    ca, keystore = _certificates(folder)
    config = BrokerConfig(
        home=folder / "home",
        port=free_port(),
        controller_port=free_port(),
        libs_dir=broker.fetch_jars(BrokerConfig.from_settings(Settings())),
        secure=SecureListener(port=free_port(), keystore=keystore, users={"desk": PASSWORD}),
    )
    broker.start(config)
    yield config, ca
    broker.stop(config)


def _secure_env(config: BrokerConfig, ca: Path, password_file: Path, tmp: Path) -> dict:
    password_file.write_text(PASSWORD)
    run = tmp.name[-8:]
    return {
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{config.secure.port}",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": "desk",
        "KAFKA_SASL_PASSWORD_FILE": str(password_file),
        "KAFKA_SSL_CAFILE": str(ca),
        "NEWSSTREAMS_TOPIC_PREFIX": f"sec{run}.",
        "NEWSSTREAMS_APP_ID": f"newsstreams-sec-{run}",
        "NEWSSTREAMS_DATA_DIR": str(tmp / "worker-data"),
        "NEWSSTREAMS_WEB_PORT": str(free_port()),
    }


def test_pipeline_over_sasl_ssl(secure_broker, tmp_path, monkeypatch, capsys):
    config, ca = secure_broker
    env = _secure_env(config, ca, tmp_path / "password", tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(env)
    assert main(["topics"]) == 0  # the CLI connects through TLS + SCRAM
    worker = WorkerHandle(tmp_path / "worker.log")
    worker.start()
    try:
        from streams.kafka_io import ensure_core_topics

        ensure_core_topics(settings)
        watcher = OutcomeWatcher(settings)
        report = produce(settings, iter_records([SEEDS]), progress=False)
        outcomes = watcher.wait_for(report.ids, 180, worker.alive)
        assert outcomes.ids() == set(report.ids), worker.log()
        assert outcomes.count(settings.topic("articles.enriched")) == 1
    finally:
        worker.stop()
    assert PASSWORD not in worker.log_path.read_text(errors="replace")
    capsys.readouterr()


def test_wrong_password_is_one_clear_line(secure_broker, tmp_path, monkeypatch, capsys):
    config, ca = secure_broker
    env = _secure_env(config, ca, tmp_path / "password", tmp_path)
    env["KAFKA_SASL_PASSWORD_FILE"] = str(tmp_path / "wrong")
    (tmp_path / "wrong").write_text("not-the-password")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["topics"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "rejected the credentials of 'desk'" in err
    assert "not-the-password" not in err
