"""Exact-span NER scoring, as conlleval computes it.

A chunk is a maximal ``B-X I-X…`` run (an ``I-X`` after anything but ``X``
starts one); a predicted chunk counts only when a gold chunk has the same
type, start and end. Precision, recall and F1 are micro-averaged overall
and given per type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from streams.ner.conll import OUTSIDE, TYPES, Sentence


def chunks(tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """``(type, start, end)`` of the chunks of a BIO sequence (``end`` exclusive)."""
    found = set()
    kind, start = None, 0
    for i, tag in enumerate([*tags, OUTSIDE]):
        inside = tag.startswith("I-") and tag[2:] == kind
        if kind is not None and not inside:
            found.add((kind, start, i))
            kind = None
        if tag != OUTSIDE and not inside:
            kind, start = tag[2:], i
    return found


@dataclass
class Scores:
    """Chunk counts, by type."""

    correct: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Sequence[str], predicted: Sequence[str]) -> None:
        gold_chunks, predicted_chunks = chunks(gold), chunks(predicted)
        for kind, *_ in gold_chunks:
            self.gold[kind] += 1
        for chunk in predicted_chunks:
            self.predicted[chunk[0]] += 1
            self.correct[chunk[0]] += chunk in gold_chunks

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """Precision, recall, F1 of ``kind`` (all types when None)."""
        kinds = [kind] if kind else list(TYPES)
        correct = sum(self.correct[k] for k in kinds)
        predicted = sum(self.predicted[k] for k in kinds)
        gold = sum(self.gold[k] for k in kinds)
        precision = correct / predicted if predicted else 0.0
        recall = correct / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def report(self) -> str:
        """A conlleval-like table: one line per type, then overall."""
        lines = [f"{'type':8} {'prec':>6} {'rec':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
        for kind in (*TYPES, None):
            p, r, f = self.prf(kind)
            kinds = [kind] if kind else TYPES
            gold = sum(self.gold[k] for k in kinds)
            predicted = sum(self.predicted[k] for k in kinds)
            lines.append(
                f"{kind or 'overall':8} {100 * p:6.2f} {100 * r:6.2f} {100 * f:6.2f}"
                f" {gold:6d} {predicted:6d}"
            )
        return "\n".join(lines)


def score(sentences: Iterable[Sentence]) -> Scores:
    """Scores of sentences that carry both gold and predicted tags."""
    scores = Scores()
    for sentence in sentences:
        if sentence.gold is None or sentence.predicted is None:
            raise ValueError("every sentence needs gold and predicted tags")
        scores.add(sentence.gold, sentence.predicted)
    return scores
