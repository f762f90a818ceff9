"""How clients authenticate to Kafka: plaintext, TLS, or SASL (SCRAM) over TLS.

One description, read from the environment or files only, turned into the
options of each client library we use (kafka-python for the synchronous
side, Faust/aiokafka for the worker). The password is never part of a repr,
a log line or an error message.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")


class SecurityError(ValueError):
    """The Kafka security settings are incomplete or contradictory."""


@dataclass(frozen=True)
class KafkaSecurity:
    """Client security settings; build with :meth:`from_env`."""

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaSecurity:
        """``KAFKA_SECURITY_PROTOCOL``, ``KAFKA_SASL_MECHANISM``, ``KAFKA_SASL_USERNAME``,
        ``KAFKA_SASL_PASSWORD`` or ``KAFKA_SASL_PASSWORD_FILE``, ``KAFKA_SSL_CAFILE``."""
        protocol = (env.get("KAFKA_SECURITY_PROTOCOL") or cls.protocol).upper()
        if protocol not in PROTOCOLS:
            raise SecurityError(
                f"KAFKA_SECURITY_PROTOCOL must be one of {', '.join(PROTOCOLS)}, got {protocol!r}"
            )
        mechanism = (env.get("KAFKA_SASL_MECHANISM") or cls.sasl_mechanism).upper()
        if mechanism not in MECHANISMS:
            raise SecurityError(
                f"KAFKA_SASL_MECHANISM must be one of {', '.join(MECHANISMS)}, got {mechanism!r}"
            )
        password = env.get("KAFKA_SASL_PASSWORD") or None
        password_file = env.get("KAFKA_SASL_PASSWORD_FILE")
        if password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SecurityError(
                    f"KAFKA_SASL_PASSWORD_FILE cannot be read: {exc.strerror}"
                ) from None
        security = cls(
            protocol=protocol,
            sasl_mechanism=mechanism,
            username=env.get("KAFKA_SASL_USERNAME") or None,
            password=password,
            cafile=env.get("KAFKA_SSL_CAFILE") or None,
        )
        if security.uses_sasl and not (security.username and security.password):
            raise SecurityError(
                f"{protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD "
                "(or KAFKA_SASL_PASSWORD_FILE)"
            )
        if security.cafile and not Path(security.cafile).is_file():
            raise SecurityError(f"KAFKA_SSL_CAFILE is not a file: {security.cafile}")
        return security

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        """A verifying TLS context (system CAs, or ``cafile``), or None for plaintext."""
        if not self.uses_tls:
            return None
        return ssl.create_default_context(cafile=self.cafile)

    def kafka_python_options(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python clients."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_tls:
            options["ssl_context"] = self.ssl_context()
        if self.uses_sasl:
            options.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.username,
                sasl_plain_password=self.password,
            )
        return options

    def faust_credentials(self) -> Any:
        """``broker_credentials`` for the Faust app (None for plaintext)."""
        import faust

        if self.uses_sasl:
            return faust.SASLCredentials(
                username=self.username,
                password=self.password,
                mechanism=self.sasl_mechanism,
                ssl_context=self.ssl_context(),
            )
        if self.uses_tls:
            return faust.SSLCredentials(self.ssl_context())
        return None
