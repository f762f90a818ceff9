"""Distributional word clusters and trigger-context scores, learned offline from unlabeled news.

Why: only about a third of the entity mentions of a held-out AQMAR article
occur as entities in the other articles, so features tied to word identity
cannot find most names. Words used in the same contexts (transliterated
foreign names, Arabic given names, city names) share a cluster whatever their
spelling, and that generalises from the 20 annotated articles to the whole
vocabulary of the news. Brown clustering would do as well but has no
maintained offline Python package that runs in reasonable time here; this
is the usual spectral variant: positive PMI of left/right neighbour counts,
a rank-100 projection (eigenvectors of the 2,000 × 2,000 Gram matrix, numpy)
and spherical k-means at three granularities.

Each word also gets three small "trigger context" scores: how often it
follows a person title (الرئيس, الشيخ…), a place noun (مدينة…) or an
organisation noun (وزارة…) in the corpus, bucketed. They are a gazetteer
learned from raw text: given names follow titles, city names follow مدينة.

The result is committed as ``data/clusters.tsv`` (word matching form,
count, clusters, scores) and rebuilt reproducibly (fixed seeds, sorted input)
with ``python -m streams.ner.clusters [CORPUS_DIR]``.
"""

from __future__ import annotations

import argparse
import math
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import orjson

from streams.ner.tokens import tokenize
from streams.ner.triggers import triggers_of
from streams.settings import PROJECT_ROOT
from streams.text.normalize import clean_text, matching_form

DATA_FILE = "clusters.tsv"
_DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "saudinewsnet"
_MIN_COUNT = 5
_MAX_VOCAB = 50_000
_CONTEXTS = 1_000
_DIMENSIONS = 100
GRANULARITIES = (64, 256, 1024)
_KMEANS_ITERATIONS = 20
_SEED = 20150721
_TRIGGER_KINDS = ("PER", "LOC", "ORG")
# Bucket edges of the share of occurrences that follow a trigger of a class.
_SHARE_EDGES = (0.01, 0.05, 0.2)


class WordInfo(NamedTuple):
    """What the corpus says about one word form."""

    count: int
    clusters: tuple[int, ...]
    """Cluster id at each of :data:`GRANULARITIES`."""
    after_trigger: tuple[int, ...]
    """Bucket (0–3) of how often it follows a PER, LOC, ORG trigger."""


@cache
def word_infos() -> dict[str, WordInfo]:
    """The committed cluster file, by word matching form (empty if absent)."""
    path = resources.files(__package__).joinpath("data", DATA_FILE)
    if not path.is_file():
        return {}
    infos = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        word, count, clusters, scores = line.split("\t")
        infos[word] = WordInfo(
            int(count),
            tuple(int(c) for c in clusters.split(",")),
            tuple(int(s) for s in scores),
        )
    return infos


#: A word more frequent than this in the corpus (~6M tokens) is taken for a
#: common word, not a name, when it stands alone.
COMMON_WORD_COUNT = 3000
#: A one-word name is trusted on its own only if at most this frequent.
RARE_WORD_COUNT = 300


def is_common_word(form: str, above: int = COMMON_WORD_COUNT) -> bool:
    """Whether ``form`` (a matching form) occurs more than ``above`` times in the corpus."""
    info = word_infos().get(form)
    return info is not None and info.count > above


def corpus_sentences(corpus_dir: Path) -> Iterator[list[str]]:
    """Token forms (punctuation as itself) of every distinct article, file by file."""
    seen: set[int] = set()
    for path in sorted(corpus_dir.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for record in orjson.loads(archive.read(name)):
                    text = clean_text(f"{record.get('title') or ''}\n{record.get('content') or ''}")
                    key = hash(text)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield token_forms(text)


def token_forms(text: str) -> list[str]:
    """Matching forms of the word tokens of ``text``, punctuation tokens as written."""
    tokens = tokenize(text)
    words = [text[s:e] for s, e, is_word in tokens if is_word]
    forms = iter(matching_form(" ".join(words)).split(" ")) if words else iter(())
    joined = list(forms)
    if len(joined) != len(words):
        joined = [matching_form(w) for w in words]
    it = iter(joined)
    return [next(it) if is_word else text[s:e] for s, e, is_word in tokens]


def build(corpus_dir: Path, out: Path) -> None:
    """Learn clusters and trigger scores from ``corpus_dir`` and write them to ``out``."""
    docs = list(corpus_sentences(corpus_dir))
    counts = Counter(form for doc in docs for form in doc)
    vocab = [w for w, c in counts.most_common(_MAX_VOCAB) if c >= _MIN_COUNT]
    index = {w: i for i, w in enumerate(vocab)}
    contexts = {w: i for i, w in enumerate(vocab[:_CONTEXTS])}
    cooc = np.zeros((len(vocab), 2 * _CONTEXTS), dtype=np.float32)
    after = np.zeros((len(vocab), len(_TRIGGER_KINDS)), dtype=np.float32)
    trigger_cache: dict[str, list[str]] = {}
    rows, cols = [], []
    for doc in docs:
        ids = [index.get(w, -1) for w in doc]
        ctx = [contexts.get(w, -1) for w in doc]
        for i, wid in enumerate(ids):
            if wid < 0:
                continue
            if i > 0:
                if ctx[i - 1] >= 0:
                    rows.append(wid)
                    cols.append(ctx[i - 1])
                previous = doc[i - 1]
                kinds = trigger_cache.get(previous)
                if kinds is None:
                    kinds = trigger_cache[previous] = triggers_of(previous)
                for kind in kinds:
                    after[wid, _TRIGGER_KINDS.index(kind)] += 1
            if i + 1 < len(doc) and ctx[i + 1] >= 0:
                rows.append(wid)
                cols.append(_CONTEXTS + ctx[i + 1])
    np.add.at(cooc, (np.array(rows), np.array(cols)), 1.0)
    embeddings = _embed(cooc)
    clusters = [
        _kmeans(embeddings, k, counts=np.array([counts[w] for w in vocab])) for k in GRANULARITIES
    ]
    shares = after / np.array([counts[w] for w in vocab], dtype=np.float32)[:, None]
    buckets = np.searchsorted(np.array(_SHARE_EDGES), shares, side="right")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(
            f"# built by `python -m streams.ner.clusters` from {len(docs)} distinct articles:"
            f" min count {_MIN_COUNT}, {_CONTEXTS} contexts, {_DIMENSIONS} dims,"
            f" k-means {GRANULARITIES}, seed {_SEED}\n"
            "# word\tcount\tclusters\tafter-trigger buckets (PER LOC ORG)\n"
        )
        for i, word in enumerate(vocab):
            ids = ",".join(str(int(c[i])) for c in clusters)
            scores = "".join(str(int(b)) for b in buckets[i])
            handle.write(f"{word}\t{counts[word]}\t{ids}\t{scores}\n")


def _embed(cooc: np.ndarray) -> np.ndarray:
    """Unit-length rank-:data:`_DIMENSIONS` embeddings of PPMI rows."""
    total = cooc.sum()
    row = cooc.sum(axis=1, keepdims=True)
    col = cooc.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(cooc * total / (row * col))
    ppmi = np.nan_to_num(np.maximum(pmi, 0), nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)
    gram = ppmi.T @ ppmi
    _, vectors = np.linalg.eigh(gram.astype(np.float64))
    projection = vectors[:, -_DIMENSIONS:].astype(np.float32)
    embeddings = ppmi @ projection
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return embeddings / np.maximum(norms, 1e-9)


def _kmeans(points: np.ndarray, k: int, counts: np.ndarray) -> np.ndarray:
    """Spherical k-means; centres start at ``k`` words drawn by count (seeded)."""
    rng = np.random.default_rng(_SEED + k)
    weights = np.sqrt(counts.astype(np.float64))
    start = rng.choice(len(points), size=k, replace=False, p=weights / weights.sum())
    centres = points[start].copy()
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(_KMEANS_ITERATIONS):
        labels = (points @ centres.T).argmax(axis=1)
        for c in range(k):
            members = points[labels == c]
            if len(members):
                centre = members.sum(axis=0)
                centres[c] = centre / max(float(np.linalg.norm(centre)), 1e-9)
    return labels


def build_command(description: str, build: Callable[[Path, Path], None], data_file: str) -> None:
    """The command line of a data file learned from the unlabeled corpus
    (this module's and :mod:`streams.ner.namelike`'s): ``[CORPUS_DIR]
    [--out FILE]``, then ``build(corpus_dir, out)``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("corpus", nargs="?", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "data" / data_file
    )
    args = parser.parse_args()
    build(args.corpus, args.out)
    print(f"wrote {args.out} ({math.ceil(args.out.stat().st_size / 1024)} KiB)")


def main() -> None:
    build_command(__doc__.split("\n")[0], build, DATA_FILE)


if __name__ == "__main__":
    main()
