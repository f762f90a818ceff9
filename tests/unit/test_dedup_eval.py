"""``newsstreams eval-dedup``: the brute-force ground truth and the scores."""

from __future__ import annotations

import itertools
import random

import numpy as np
import orjson
import pytest

from streams.cli import main
from streams.eval_dedup import evaluate, exact_pairs, render
from streams.settings import Settings
from tests.conftest import SAUDINEWSNET


def test_exact_pairs_agree_with_set_arithmetic():
    rng = random.Random(3)
    universe = range(60)
    sets = [set(rng.sample(universe, rng.randint(5, 40))) for _ in range(30)] + [set()]
    arrays = [np.array(sorted(s), dtype=np.uint32) if s else None for s in sets]
    expected = {
        (i, j): len(a & b) / len(a | b)
        for (i, a), (j, b) in itertools.combinations(enumerate(sets), 2)
        if a and b and len(a & b) / len(a | b) >= 0.3
    }
    found = exact_pairs(arrays, 0.3)
    assert found.keys() == expected.keys()
    assert all(found[pair] == pytest.approx(value) for pair, value in expected.items())


def _article(n: int, words: list[str], day: str) -> dict:
    return {
        "id": f"n{n}",
        "source": "wire",
        "title": "",
        "body": " ".join(words),
        "published_at": f"{day}T10:00:00Z",
    }


def test_evaluation_scores_per_input_file(tmp_path):
    rng = random.Random(1)
    vocabulary = [f"كلمة{i}" for i in range(5000)]
    originals = [[rng.choice(vocabulary) for _ in range(120)] for _ in range(4)]
    first = [_article(i, words, "2015-07-21") for i, words in enumerate(originals)]
    edited = [list(words) for words in originals]
    for words in edited:
        words[60] = "تعديل"  # one edit: Jaccard 106 / 116
    second = [_article(10 + i, words, "2015-07-22") for i, words in enumerate(edited)]
    second.append(_article(20, ["الكاريكاتير"], "2015-07-22"))
    second.append(_article(21, ["الكاريكاتير"], "2015-07-22"))
    for name, articles in [("day1.jsonl", first), ("day2.jsonl", second)]:
        (tmp_path / name).write_bytes(b"\n".join(orjson.dumps(a) for a in articles))
    evaluation = evaluate(
        [tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"], Settings(), progress=False
    )
    day1, day2 = evaluation.days
    assert (day1.articles, day1.true_pairs, day1.reported_pairs) == (4, 0, 0)
    assert (day2.articles, day2.duplicates, day2.true_pairs, day2.hits) == (6, 4, 4, 4)
    assert evaluation.total.precision == evaluation.total.recall == 1.0
    assert evaluation.methods == {"near": 4} and not evaluation.false_by_method
    low, high, pairs, reported = evaluation.histogram[8]  # Jaccard 111 / 121 = 0.917
    assert (round(low, 2), round(high, 2), pairs, reported) == (0.9, 0.95, 4, 4)
    report = render(evaluation)
    assert "day2" in report and "1.0000" in report and "near 4 (0 false)" in report


@pytest.mark.corpus
def test_one_corpus_day_meets_the_acceptance_bar(capsys):
    day = SAUDINEWSNET / "2015-07-22.zip"
    if not day.exists():
        pytest.skip(f"shared corpus not found at {day}")
    assert main(["eval-dedup", str(day), "--quiet"]) == 0
    report = capsys.readouterr().out
    total = next(line for line in report.splitlines() if line.startswith("all "))
    precision, recall = (float(value) for value in total.split()[-3:-1])
    assert precision >= 0.98 and recall >= 0.95, report
