"""The CRF mention detector at run time: a crfsuite model, decoded over cached emissions.

Training uses python-crfsuite (crfsuite's L-BFGS, :mod:`streams.ner.train`);
decoding does not go through ``pycrfsuite.Tagger``, on purpose. Its cost
is one attribute-string look-up per feature per token (~40 per token, 100k
tokens/s at best), and feeding it means building those strings per token.
Our features are sums over window offsets of per-type features
(:mod:`streams.ner.features`), and a linear-chain CRF's emission score is a
sum of feature weights, so each distinct surface gets its five
offset-emission vectors computed once and cached; a sentence's emissions
are then a few array additions, and Viterbi runs vectorised over all the
sentences of an article at once. The result is the same labelling crfsuite
gives (checked by ``tests/unit/test_ner_crf.py``) at several times the speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pycrfsuite

from streams.ner.features import PAD, WINDOW, FeatureExtractor

# Emission-table rows kept, cleared wholesale when exceeded (each row 5 × 7
# floats, so ~70 MB at most): bounds memory on an endless stream.
_CACHE_MAX = 1 << 18


class CrfModel:
    """A trained model's weights plus the feature extractor it was trained with."""

    def __init__(self, path: Path | str, extractor: FeatureExtractor) -> None:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        info = tagger.info()
        self.labels: list[str] = list(tagger.labels())
        label_index = {label: i for i, label in enumerate(self.labels)}
        size = len(self.labels)
        attributes: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for (attribute, label), weight in info.state_features.items():
            rows.append(attributes.setdefault(attribute, len(attributes)))
            cols.append(label_index[label])
            values.append(weight)
        weights = np.zeros((len(attributes) + 1, size))  # last row: unknown attribute
        np.add.at(weights, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), values)
        self._weights = weights
        self._attributes = attributes
        self._unknown = len(attributes)
        self.transitions = np.zeros((size, size))
        for (source, target), weight in info.transitions.items():
            self.transitions[label_index[source], label_index[target]] = weight
        self._outside = label_index.get("O", 0)
        self._extractor = extractor
        # Emission table: row ``self._index[surface]`` holds that surface's
        # weight sums, one column per window offset.
        self._index: dict[str, int] = {}
        self._table = np.zeros((1024, len(WINDOW), size))

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of every token of every sentence (lists of surfaces)."""
        paths = self._viterbi(self._emissions_of(sentences))
        return [[self.labels[i] for i in path] for path in paths]

    def _emissions_of(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """``(len, labels)`` emission scores of each sentence.

        All sentences are laid end to end with two pads between them, which
        is exactly each sentence's own padding, so one gather and five
        shifted additions score the whole document.
        """
        if not sentences:
            return []
        padded = [PAD, PAD]
        starts = []
        for sentence in sentences:
            starts.append(len(padded))
            padded.extend(sentence)
            padded.extend((PAD, PAD))
        rows = self._rows_of(padded)
        table = self._table[rows]  # (len, window, labels)
        n = len(padded) - 4
        total = np.zeros((n, len(self.labels)))
        for column, k in enumerate(WINDOW):
            total += table[2 + k : 2 + k + n, column]
        return [
            total[start - 2 : start - 2 + len(sentence)]
            for start, sentence in zip(starts, sentences, strict=True)
        ]

    def _rows_of(self, surfaces: Sequence[str]) -> np.ndarray:
        """Row of each surface in the emission table, computing missing rows."""
        index = self._index
        missing = [s for s in dict.fromkeys(surfaces) if s not in index]
        if missing:
            if len(index) + len(missing) > _CACHE_MAX:
                index.clear()
                missing = list(dict.fromkeys(surfaces))
            self._add_rows(missing)
        return np.fromiter((index[s] for s in surfaces), dtype=np.int64, count=len(surfaces))

    def _add_rows(self, surfaces: list[str]) -> None:
        index = self._index
        needed = len(index) + len(surfaces)
        if needed > len(self._table):
            grown = np.zeros((max(needed, 2 * len(self._table)), *self._table.shape[1:]))
            grown[: len(index)] = self._table[: len(index)]
            self._table = grown
        own = self._extractor.own(surfaces)
        neighbour = self._extractor.neighbour(surfaces)
        for surface, own_features, neighbour_features in zip(surfaces, own, neighbour, strict=True):
            row = len(index)
            for column, k in enumerate(WINDOW):
                names = ["b", *own_features] if k == 0 else [f"{k}:{f}" for f in neighbour_features]
                ids = [self._attributes.get(name, self._unknown) for name in names]
                self._table[row, column] = self._weights[ids].sum(axis=0)
            index[surface] = row

    def _viterbi(self, emissions: list[np.ndarray]) -> list[list[int]]:
        """Best label paths of many sentences at once.

        Sentences are sorted longest first, so at step ``t`` the ones still
        running are a prefix of the batch and each step is four array
        operations on a shrinking slice, whatever the number of sentences.
        (Ties, which real-valued weights make vanishingly rare, may break
        differently from crfsuite.)
        """
        if not emissions:
            return []
        order = sorted(range(len(emissions)), key=lambda i: -len(emissions[i]))
        lengths = [len(emissions[i]) for i in order]
        count, longest, size = len(order), lengths[0], len(self.labels)
        if longest == 0:
            return [[] for _ in emissions]
        scores = np.zeros((longest, count, size))
        for row, i in enumerate(order):
            scores[: lengths[row], row] = emissions[i]
        # running[t]: how many sentences (a prefix of the batch) have a token t.
        by_length = np.array(lengths)
        running = [int((by_length > t).sum()) for t in range(longest)]
        delta = scores[0].copy()
        back = np.zeros((longest, count, size), dtype=np.intp)
        transitions = self.transitions[None]
        for t in range(1, longest):
            k = running[t]
            candidates = (delta[:k, :, None] + transitions) + scores[t, :k, None, :]
            back[t, :k] = candidates.argmax(axis=1)
            delta[:k] = candidates.max(axis=1)
        # Following back-pointers is scalar work: cheapest as plain indexing
        # into bytes (labels < 256), one step per token.
        pointers = back.astype(np.uint8).tobytes()
        last = delta.argmax(axis=1).tolist()
        paths: list[list[int]] = [[] for _ in emissions]
        for row, i in enumerate(order):
            label = last[row]
            path = [label]
            for t in range(lengths[row] - 1, 0, -1):
                label = pointers[(t * count + row) * size + label]
                path.append(label)
            path.reverse()
            paths[i] = path
        return paths
