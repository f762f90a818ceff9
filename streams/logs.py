"""The worker's log format: Faust's coloured text, or one JSON object a line.

JSON lines are for log shippers (Loki, Elasticsearch, Cloud Logging): each
record has ``time`` (RFC 3339), ``level``, ``logger`` and ``message``, plus
the exception text when there is one. python-json-logger does the encoding;
mode (Faust's service layer) applies the config through ``dictConfig``.
"""

from __future__ import annotations

from typing import Any

JSON_FIELDS = "%(levelname)s %(name)s %(message)s"


def worker_logging_config(log_format: str, loglevel: str) -> dict[str, Any] | None:
    """A ``logging.config.dictConfig`` for ``NEWSSTREAMS_LOG_FORMAT``; None
    keeps Faust's own text format."""
    if log_format != "json":
        return None
    level = loglevel.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": JSON_FIELDS,
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
                "json_ensure_ascii": False,
            }
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "level": level,
            }
        },
        "root": {"level": level, "handlers": ["default"]},
    }
