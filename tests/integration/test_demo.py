"""``newsstreams demo`` end to end on the real broker: the seed article's
outcome, its entity topics with their counts, and a sample message."""

from __future__ import annotations

import pytest

from streams.demo import run_demo
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_demo_prints_the_seed_articles_entity_topics(settings, capsys) -> None:
    assert run_demo(settings, ROOT / "seeds", timeout=300) == 0
    printed = capsys.readouterr().out
    assert f"{settings.topic('articles.enriched')}: 1" in printed
    assert "entity topics for the seed articles" in printed
    assert f"{settings.topic('entity.location.ukraine')}" in printed
    assert f"sample message on {settings.topic('entity.')}" in printed
