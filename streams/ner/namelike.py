"""How much a word looks like a person's or a place's name, from its letters alone.

Why: a third of the person tokens of the AQMAR articles are missing from the
cluster vocabulary (:mod:`streams.ner.clusters`: the 50k most frequent news
words), against a fifth of the other tokens, and those are the names the
CRF misses most: foreign transliterations (راذرفورد, ديموقراطس) and classical
names (السيوطي). Their spelling still tells something: transliterations
have long-vowel patterns and letters Arabic words seldom combine, nisba names
end in ي. A character n-gram model can learn that from the news without any
annotation, where inner n-grams as CRF features only memorise the 20
training articles (62.8 F1 against 65.1).

Training words come from unlabeled SaudiNewsNet, labelled by their contexts
(:func:`labelled_words`): a person's name is a word that often follows a
person title or a name link (الرئيس X, بن X) or precedes بن, a place's
name one that often follows a place noun (مدينة X), and KB person and
place name tokens are added; a non-name is a frequent word that never
follows a trigger nor stands by بن. A logistic regression over each word's
character 2–4-grams (with boundary marks) per class gives a log-odds score,
which the CRF gets bucketed (:func:`name_scores`), for words outside the
cluster vocabulary only: for every word, the score was one more noisy
feature next to the clusters and cost 1.6 points of F1; for unknown words
only, it gained one.

The weights are committed as ``data/namelike.tsv`` and rebuilt reproducibly
(sorted input, deterministic L-BFGS) with ``python -m streams.ner.namelike
[CORPUS_DIR]``. Building needs scikit-learn (installed with hmmlearn);
scoring a word takes ~7 µs (:func:`name_scores`), once per new word type
outside the cluster vocabulary.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources
from itertools import repeat
from operator import add
from pathlib import Path
from typing import Any

from streams.kb import KbEntity
from streams.ner.clusters import build_command, corpus_sentences
from streams.ner.kernels import KERNELS
from streams.ner.names import LINEAGE
from streams.ner.triggers import triggers_of

DATA_FILE = "namelike.tsv"
#: The classes scored, in the order of the weight columns and of
#: :func:`name_scores` (two: see :func:`_weights`).
CLASSES = ("PER", "LOC")
#: Bucket edges of a class's log-odds: clearly not, rather not, rather, clearly a name.
SCORE_EDGES = (-2.0, 0.0, 2.0)
_EDGES = tuple(1000 * edge for edge in SCORE_EDGES)  # in thousandths, see _weights
_NGRAM_SIZES = (2, 3, 4)
# A training word: Arabic letters only (matching forms), seen this often.
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{2,}$")
_MIN_COUNT = 3
# A name: seen this often, in name contexts this often, and this share of the time.
_MIN_NAME_COUNT = 5
_MIN_NAME_CONTEXTS = 2
_NAME_SHARE = 0.3
# A non-name: seen this often and never in a name context.
_MIN_OTHER_COUNT = 20
# Inverse L2 strength: the labels are noisy, so the weights are kept small.
_C = 0.2
_MIN_WEIGHT = 0.01


def ngrams(form: str) -> set[str]:
    """Character 2–4-grams of ``form`` with ``<`` and ``>`` marking its ends."""
    marked = f"<{form}>"
    return {marked[i : i + n] for n in _NGRAM_SIZES for i in range(len(marked) - n + 1)}


@cache
def _weights() -> tuple[complex, dict[str, complex]] | None:
    """Bias and n-gram weights from the committed file (None if absent),
    the person weight as the real part and the place weight as the
    imaginary one: one look-up and one C-level sum serve both classes.

    In thousandths, as the file has them, so that every sum is of whole
    numbers and exact: a sum of decimal fractions could fall on either side
    of a bucket edge depending on the order of the n-gram set, which
    changes with the process's string hashing, and the model would not be
    rebuilt byte for byte."""
    path = resources.files(__package__).joinpath("data", DATA_FILE)
    if not path.is_file():
        return None
    bias = 0j
    weights = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        gram, person, place = line.split("\t")
        value = complex(round(float(person) * 1000), round(float(place) * 1000))
        if gram == "":
            bias = value
        else:
            weights[gram] = value
    return bias, weights


def name_scores(form: str) -> tuple[int, ...]:
    """:func:`plain_name_scores`, by the Rust kernel when built
    (:mod:`streams.ner.kernels`: about a twelfth of tagging a fresh article
    was this function, building each n-gram as a new string)."""
    scorer = kernel_scorer()
    if scorer is None:
        return plain_name_scores(form)
    return scorer.scores(form)


@cache
def kernel_scorer() -> Any:
    """The Rust :class:`NameScorer` over the committed weights, or None
    without the kernels or the weights."""
    model = _weights()
    if KERNELS is None or model is None:
        return None
    bias, weights = model
    pairs = {gram: (int(w.real), int(w.imag)) for gram, w in weights.items()}
    return KERNELS.NameScorer((int(bias.real), int(bias.imag)), pairs, [int(e) for e in _EDGES])


def plain_name_scores(form: str) -> tuple[int, ...]:
    """Bucket (0–3, see :data:`SCORE_EDGES`) of how much ``form`` (a matching
    form) looks like a name of each of :data:`CLASSES`; empty without the file.

    Asked once per new word type the news corpus does not know, so the
    2–4-grams of :func:`ngrams` are built by C-level maps (each the one
    before plus a letter): ~7 µs a word on the 2-core machine under load,
    where slicing each n-gram took ~11. Per type over the AQMAR vocabulary
    (a third outside the cluster vocabulary) features cost ~19 µs, ~15
    without this."""
    model = _weights()
    if model is None:
        return ()
    bias, weights = model
    marked = f"<{form}>"
    pairs = list(map(add, marked, marked[1:]))
    triples = list(map(add, pairs, marked[2:]))
    grams = {*pairs, *triples, *map(add, triples, marked[3:])}
    total = bias + sum(map(weights.get, grams, repeat(0j)))
    return (bisect_left(_EDGES, total.real), bisect_left(_EDGES, total.imag))


def labelled_words(
    docs: Iterable[list[str]], entities: Iterable[KbEntity]
) -> tuple[dict[str, set[str]], list[str]]:
    """Words of names of each class and words of no name, learned from
    ``docs`` (token matching forms) and the names of ``entities``."""
    from streams.ner.gazetteer import name_forms

    counts: Counter[str] = Counter()
    contexts = {kind: Counter[str]() for kind in CLASSES}
    other_contexts: Counter[str] = Counter()
    trigger_cache: dict[str, list[str]] = {}

    def kinds_of(word: str) -> list[str]:
        kinds = trigger_cache.get(word)
        if kinds is None:
            kinds = trigger_cache[word] = triggers_of(word) if word[:1].isalnum() else []
        return kinds

    for doc in docs:
        previous = ""
        for word in doc:
            counts[word] += 1
            if not word[:1].isalnum():
                previous = ""
                continue
            for kind in kinds_of(previous) if previous else ():
                contexts.get(kind, other_contexts)[word] += 1
            if word in LINEAGE and previous:
                contexts["PER"][previous] += 1
            previous = word
    words = sorted(
        w
        for w, count in counts.items()
        if count >= _MIN_COUNT and _ARABIC_WORD.match(w) and not kinds_of(w)
    )
    names: dict[str, set[str]] = {kind: set() for kind in CLASSES}
    for word in words:
        for kind in CLASSES:
            seen = contexts[kind][word]
            if (
                counts[word] >= _MIN_NAME_COUNT
                and seen >= _MIN_NAME_CONTEXTS
                and seen / counts[word] >= _NAME_SHARE
            ):
                names[kind].add(word)
    kb_kinds = {"person": "PER", "location": "LOC"}
    for entity in entities:
        kb_kind = kb_kinds.get(entity.type)
        if kb_kind is None:
            continue
        for name in entity.names:
            names[kb_kind].update(
                t for t in name_forms(name) if _ARABIC_WORD.match(t) and not kinds_of(t)
            )
    any_name = set().union(*names.values())
    others = [
        w
        for w in words
        if counts[w] >= _MIN_OTHER_COUNT
        and w not in any_name
        and not other_contexts[w]
        and not any(contexts[kind][w] for kind in CLASSES)
    ]
    return names, others


def build(corpus_dir: Path, out: Path) -> None:
    """Learn the n-gram weights from ``corpus_dir`` and the KB and write them to ``out``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from streams.kb.catalog import kb_entities

    names, others = labelled_words(corpus_sentences(corpus_dir), kb_entities())
    columns = []
    for kind in CLASSES:
        words = sorted(names[kind]) + others
        labels = [1] * len(names[kind]) + [0] * len(others)
        vectorizer = CountVectorizer(analyzer=lambda w: sorted(ngrams(w)), binary=True, min_df=2)
        matrix = vectorizer.fit_transform(words)
        model = LogisticRegression(C=_C, class_weight="balanced", max_iter=2000)
        model.fit(matrix, labels)
        grams = vectorizer.get_feature_names_out()
        columns.append(
            (float(model.intercept_[0]), dict(zip(grams, model.coef_[0].tolist(), strict=True)))
        )
    grams = sorted({g for _, weights in columns for g in weights})
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(
            "# built by `python -m streams.ner.namelike`: "
            + ", ".join(f"{len(names[k])} {k} words" for k in CLASSES)
            + f", {len(others)} other words; logistic regression C {_C}\n"
            f"# n-gram\tweight per class ({' '.join(CLASSES)}); the first row is the bias\n"
        )
        handle.write("\t".join(["", *(f"{bias:.3f}" for bias, _ in columns)]) + "\n")
        for gram in grams:
            values = [weights.get(gram, 0.0) for _, weights in columns]
            if max(map(abs, values)) >= _MIN_WEIGHT:
                handle.write("\t".join([gram, *(f"{v:.3f}" for v in values)]) + "\n")


def main() -> None:
    build_command(__doc__.split("\n")[0], build, DATA_FILE)


if __name__ == "__main__":
    main()
