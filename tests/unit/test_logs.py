"""NEWSSTREAMS_LOG_FORMAT=json: one JSON object per log line."""

from __future__ import annotations

import logging
import logging.config

import orjson
import pytest

from streams.logs import worker_logging_config
from streams.settings import Settings, SettingsError


def _formatter() -> logging.Formatter:
    config = worker_logging_config("json", "info")
    assert config is not None
    return logging.config.DictConfigurator(config).configure_formatter(config["formatters"]["json"])


def test_json_lines_carry_time_level_logger_message_and_exception():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("newsstreams.test").makeRecord(
            "newsstreams.test",
            logging.ERROR,
            __file__,
            1,
            "seen %s",
            ("بوتين",),
            exc_info=__import__("sys").exc_info(),
        )
    line = orjson.loads(_formatter().format(record))
    assert line["level"] == "ERROR"
    assert line["logger"] == "newsstreams.test"
    assert line["message"] == "seen بوتين"
    assert line["time"].endswith("+00:00")
    assert "RuntimeError: boom" in line["exc_info"]


def test_text_format_keeps_fausts_own():
    assert worker_logging_config("text", "info") is None


def test_setting_is_checked():
    assert Settings.from_env({"NEWSSTREAMS_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError):
        Settings.from_env({"NEWSSTREAMS_LOG_FORMAT": "xml"})
