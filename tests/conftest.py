"""Shared fixtures: seed and corpus paths here, Kafka ones in kafka_fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.kafka_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = next(SEEDS.glob("*.txt"))
CORPUS = ROOT.parent / "shared" / "corpus"
SAUDINEWSNET = CORPUS / "saudinewsnet"


@pytest.fixture
def seed_text() -> tuple[str, str]:
    """(title, body) of the seed article."""
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return title.strip(), body.strip()


@pytest.fixture
def corpus_day() -> Path:
    """One real SaudiNewsNet day (2,050 articles); skips when ../shared is absent."""
    path = SAUDINEWSNET / "2015-07-22.zip"
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path}")
    return path
