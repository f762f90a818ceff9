"""produce, subscribe and topics through the command line on a real broker."""

from __future__ import annotations

import orjson
import pytest

from streams.cli import main
from streams.outcomes import OutcomeWatcher
from tests.conftest import SEEDS

pytestmark = pytest.mark.integration


def test_produce_then_subscribe_and_list_entity_topics(settings, worker, capsys):
    watcher = OutcomeWatcher(settings)
    assert main(["produce", str(SEEDS), "--quiet", "--rate", "5"]) == 0
    sent = capsys.readouterr().out
    assert sent.startswith(f"sent 1 article(s) to {settings.topic('articles.raw')}")
    article_id = sent.split("(ids: ")[1].rstrip(")\n")
    assert watcher.wait_for([article_id], 120, worker.alive).ids() == {article_id}

    assert (
        main(
            [
                "subscribe",
                r"entity\.location\.(russia|kazakhstan)",
                "--from-beginning",
                "--max",
                "2",
                "--timeout",
                "30",
            ]
        )
        == 0
    )
    lines = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["topic"] for r in lines) == [
        settings.topic("entity.location.kazakhstan"),
        settings.topic("entity.location.russia"),
    ]
    assert {r["key"] for r in lines} == {article_id}
    assert lines[0]["value"]["article"]["id"] == article_id

    assert main(["topics"]) == 0
    listing = capsys.readouterr().out
    ukraine = settings.topic("entity.location.ukraine")
    assert f"       1  {ukraine}  Ukraine / أوكرانيا  (" in listing
    assert "mentions, KB)" in listing
