"""All configuration, typed, read from the environment once.

Every knob has a documented default so that `make demo` works with no
configuration at all; the README's configuration table mirrors this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from streams.security import KafkaSecurity

PROJECT_ROOT = Path(__file__).resolve().parent.parent

GUARANTEES = ("at_least_once", "exactly_once")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting in the environment has a value we cannot use."""


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be >= {minimum}, got {value}")
    return value


def _float(env: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    """A number in ``(low, high]`` from ``env``, else ``default``."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not low < value <= high:
        raise SettingsError(f"{name} must be > {low:g} and <= {high:g}, got {raw}")
    return value


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build it with :meth:`from_env`."""

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    partitions: int = 4
    entity_partitions: int = 1
    replication_factor: int = 1
    processing_guarantee: str = "at_least_once"
    app_id: str = "newsstreams"
    web_port: int = 6066
    web_host: str = "127.0.0.1"
    data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / ".kafka" / "worker-data")
    max_message_bytes: int = 8 * 1024 * 1024
    max_body_chars: int = 1_000_000
    source_timezone: str = "UTC"
    future_tolerance_seconds: int = 900
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    entity_min_mentions: int = 5
    entity_min_articles: int = 3
    entity_topic_cap: int = 2000
    dedup_threshold: float = 0.8
    story_threshold: float = 0.4
    dedup_window_days: float = 7.0
    dedup_num_perm: int = 64
    dedup_shingle_size: int = 5
    dedup_min_words: int = 10
    http_max_bytes: int = 16 * 1024 * 1024
    health_max_lag: int = 0
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read ``NEWSSTREAMS_*`` and ``KAFKA_BOOTSTRAP_SERVERS`` from ``env``."""
        env = dict(os.environ if env is None else env)
        guarantee = env.get("NEWSSTREAMS_PROCESSING_GUARANTEE", cls.processing_guarantee)
        if guarantee not in GUARANTEES:
            raise SettingsError(
                f"NEWSSTREAMS_PROCESSING_GUARANTEE must be one of {', '.join(GUARANTEES)}, "
                f"got {guarantee!r}"
            )
        prefix = env.get("NEWSSTREAMS_TOPIC_PREFIX", "")
        if prefix and not all(c.isascii() and (c.isalnum() or c in "._-") for c in prefix):
            raise SettingsError(
                f"NEWSSTREAMS_TOPIC_PREFIX may hold only ASCII letters, digits, '.', '_' "
                f"and '-', got {prefix!r}"
            )
        source_timezone = env.get("NEWSSTREAMS_SOURCE_TIMEZONE") or cls.source_timezone
        try:
            ZoneInfo(source_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"NEWSSTREAMS_SOURCE_TIMEZONE is not a known time zone: {source_timezone!r}"
            ) from None
        log_format = (env.get("NEWSSTREAMS_LOG_FORMAT") or cls.log_format).lower()
        if log_format not in LOG_FORMATS:
            raise SettingsError(
                f"NEWSSTREAMS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, "
                f"got {log_format!r}"
            )
        data_dir = env.get("NEWSSTREAMS_DATA_DIR")
        return cls(
            security=KafkaSecurity.from_env(env),
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or cls.bootstrap_servers,
            topic_prefix=prefix,
            partitions=_int(env, "NEWSSTREAMS_PARTITIONS", cls.partitions, 1),
            entity_partitions=_int(env, "NEWSSTREAMS_ENTITY_PARTITIONS", cls.entity_partitions, 1),
            replication_factor=_int(
                env, "NEWSSTREAMS_REPLICATION_FACTOR", cls.replication_factor, 1
            ),
            processing_guarantee=guarantee,
            app_id=env.get("NEWSSTREAMS_APP_ID") or cls.app_id,
            web_port=_int(env, "NEWSSTREAMS_WEB_PORT", cls.web_port, 0),
            web_host=env.get("NEWSSTREAMS_WEB_HOST") or cls.web_host,
            data_dir=Path(data_dir) if data_dir else PROJECT_ROOT / ".kafka" / "worker-data",
            max_message_bytes=_int(
                env, "NEWSSTREAMS_MAX_MESSAGE_BYTES", cls.max_message_bytes, 1024
            ),
            max_body_chars=_int(env, "NEWSSTREAMS_MAX_BODY_CHARS", cls.max_body_chars, 1),
            source_timezone=source_timezone,
            future_tolerance_seconds=_int(
                env, "NEWSSTREAMS_FUTURE_TOLERANCE_SECONDS", cls.future_tolerance_seconds, 0
            ),
            entity_min_mentions=_int(
                env, "NEWSSTREAMS_ENTITY_MIN_MENTIONS", cls.entity_min_mentions, 1
            ),
            entity_min_articles=_int(
                env, "NEWSSTREAMS_ENTITY_MIN_ARTICLES", cls.entity_min_articles, 1
            ),
            entity_topic_cap=_int(env, "NEWSSTREAMS_ENTITY_TOPIC_CAP", cls.entity_topic_cap, 0),
            dedup_threshold=_float(env, "NEWSSTREAMS_DEDUP_THRESHOLD", cls.dedup_threshold, 0, 1),
            story_threshold=_float(env, "NEWSSTREAMS_STORY_THRESHOLD", cls.story_threshold, 0, 1),
            dedup_window_days=_float(
                env, "NEWSSTREAMS_DEDUP_WINDOW_DAYS", cls.dedup_window_days, 0, 3650
            ),
            dedup_num_perm=_int(env, "NEWSSTREAMS_DEDUP_NUM_PERM", cls.dedup_num_perm, 16),
            dedup_shingle_size=_int(
                env, "NEWSSTREAMS_DEDUP_SHINGLE_SIZE", cls.dedup_shingle_size, 1
            ),
            dedup_min_words=_int(env, "NEWSSTREAMS_DEDUP_MIN_WORDS", cls.dedup_min_words, 1),
            http_max_bytes=_int(env, "NEWSSTREAMS_HTTP_MAX_BYTES", cls.http_max_bytes, 1024),
            health_max_lag=_int(env, "NEWSSTREAMS_HEALTH_MAX_LAG", cls.health_max_lag, 0),
            log_format=log_format,
        )

    def topic(self, name: str) -> str:
        """The full Kafka topic name for a logical topic such as ``articles.raw``."""
        return f"{self.topic_prefix}{name}"
