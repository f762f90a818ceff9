"""The command line without Kafka: offline processing and one-line errors."""

from __future__ import annotations

import orjson
import pytest

from streams.cli import main
from tests.conftest import SEEDS


def test_process_writes_every_outcome_file_and_entity_topics(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"source": "x", "title": 1, "body": ""}\nnot json\n')
    assert main(["process", str(SEEDS), str(bad), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = tmp_path / "out"
    assert "3 article(s): deadletter 2, duplicate 0, enriched 1" in capsys.readouterr().out
    assert len((out / "enriched.jsonl").read_bytes().splitlines()) == 1
    assert (out / "duplicates.jsonl").read_bytes() == b""
    dead = [orjson.loads(line) for line in (out / "deadletter.jsonl").read_bytes().splitlines()]
    assert sorted(d["value"]["reason"] for d in dead) == ["invalid_json", "schema"]
    russia = out / "entities" / "entity.location.russia.jsonl"
    (line,) = russia.read_bytes().splitlines()
    assert orjson.loads(line)["value"]["entity"]["count"] > 1


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["produce", "/no/such/file.txt"], {}, "no such file"),
        (["process", "/no/such/dir", "--out", "x"], {}, "no such file"),
        (["topics"], {"NEWSSTREAMS_PARTITIONS": "many"}, "NEWSSTREAMS_PARTITIONS"),
        (["topics"], {"NEWSSTREAMS_SOURCE_TIMEZONE": "Mars/Olympus"}, "time zone"),
    ],
)
def test_errors_are_one_readable_line(argv, env, expected, capsys, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("newsstreams: error: ")
    assert expected in err
