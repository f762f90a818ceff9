"""The CRF mention detector at run time: a crfsuite model, decoded over cached emissions.

Training uses python-crfsuite (crfsuite's L-BFGS, :mod:`streams.ner.train`);
decoding does not go through ``pycrfsuite.Tagger``, on purpose. Its cost
is one attribute-string look-up per feature per token (~40 per token, 100k
tokens/s at best), and feeding it means building those strings per token.
Our features are sums over window offsets of per-type features
(:mod:`streams.ner.features`), and a linear-chain CRF's emission score is a
sum of feature weights, so each distinct surface gets its five
offset-emission vectors computed once and cached; a document's emissions
are then a few array additions. Viterbi over them is hmmlearn's compiled
one (max-sum over log scores, which is what a CRF's weights are), run once
per document over all its sentences laid end to end (see :meth:`CrfModel.tag`).
The result is the same labelling crfsuite gives (checked by
``tests/unit/test_ner_crf.py``) at several times the speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pycrfsuite
from hmmlearn import _hmmc

from streams.ner.features import PAD, WINDOW, FeatureExtractor

# Emission-table rows kept, cleared wholesale when exceeded (each row 5 × 7
# floats, so ~70 MB at most): bounds memory on an endless stream.
_CACHE_MAX = 1 << 18
# hmmlearn's compiled Viterbi (``_hmmc``) is what its public
# ``BaseHMM.decode`` wraps; the wrapper insists on row-stochastic
# transitions, which a CRF's are not, and validates per call. pyproject pins
# hmmlearn below 0.4 for this.

# Score that rules a state out of a frame (weights are tens at most).
_IMPOSSIBLE = -1e9


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
        # The decoder's states: the labels, then the separator between
        # sentences (see :meth:`tag`), which any label enters and leaves at
        # no cost. hmmlearn takes probabilities and decodes their logs, so
        # it gets exp(weights); no start weights in a crfsuite CRF.
        transitions = np.zeros((size + 1, size + 1))
        transitions[:size, :size] = self.transitions
        self._transitions = np.exp(transitions)
        self._start = np.ones(size + 1)
        self._state_labels = [*self.labels, ""]
        self._extractor = extractor
        # Emission table: row ``self._index[surface]`` holds that surface's
        # weight sums, one column per window offset.
        self._index: dict[str, int] = {}
        self._table = np.zeros((1024, len(WINDOW), size))

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of every token of every sentence (lists of surfaces).

        The sentences are decoded as one sequence: the two pads between
        sentences become frames where only an extra *separator* state may
        be, entered from and leaving to every label at no cost, so every
        path crosses each gap through it and each sentence's best labelling
        is chosen independently, exactly as sentence by sentence, in one
        call. (Ties, which real-valued weights make vanishingly rare, may
        break differently from crfsuite.)
        """
        if not sentences:
            return []
        scores, starts = self._scores_of(sentences)
        _, states = _hmmc.viterbi(self._start, self._transitions, scores)
        labels = list(map(self._state_labels.__getitem__, states.tolist()))
        return [
            labels[start : start + len(sentence)]
            for start, sentence in zip(starts, sentences, strict=True)
        ]

    def _scores_of(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[int]]:
        """``(frames, labels + 1)`` scores of the document, and where each
        sentence's frames start.

        All sentences are laid end to end with two pads between them, which
        is exactly each sentence's own padding, so one gather and five
        shifted additions score the whole document; the pads' own frames
        are the separators between sentences.
        """
        padded = [PAD, PAD]
        starts = []
        for sentence in sentences:
            starts.append(len(padded) - 2)
            padded.extend(sentence)
            padded.extend((PAD, PAD))
        rows = self._rows_of(padded)
        table = self._table[rows]  # (len, window, labels)
        n, size = len(padded) - 4, len(self.labels)
        scores = np.zeros((n, size + 1))
        emissions = scores[:, :size]
        for column, k in enumerate(WINDOW):
            emissions += table[2 + k : 2 + k + n, column]
        separator = np.ones(n, dtype=bool)
        for start, sentence in zip(starts, sentences, strict=True):
            separator[start : start + len(sentence)] = False
        scores[separator, :size] = _IMPOSSIBLE
        scores[~separator, size] = _IMPOSSIBLE
        return scores, starts

    def _rows_of(self, surfaces: Sequence[str]) -> np.ndarray:
        """Row of each surface in the emission table, computing missing rows."""
        index = self._index
        missing = [s for s in dict.fromkeys(surfaces) if s not in index]
        if missing:
            if len(index) + len(missing) > _CACHE_MAX:
                index.clear()
                missing = list(dict.fromkeys(surfaces))
            self._add_rows(missing)
        return np.fromiter(map(index.__getitem__, surfaces), dtype=np.int64, count=len(surfaces))

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
