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
from itertools import accumulate, filterfalse
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
        self._extractor = extractor
        # Emission table: row ``self._index[surface]`` holds that surface's
        # weight sums, one column per window offset.
        self._index: dict[str, int] = {}
        self._table = np.zeros((1024, len(WINDOW), size))
        self._add_rows([PAD])
        self._pad = self._index[PAD]

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of every token of every sentence (lists of surfaces)."""
        surfaces = [surface for sentence in sentences for surface in sentence]
        ends = list(accumulate(map(len, sentences)))
        labels = list(map(self.labels.__getitem__, self.states(surfaces, ends).tolist()))
        return [
            labels[end - len(sentence) : end] for end, sentence in zip(ends, sentences, strict=True)
        ]

    def states(self, surfaces: Sequence[str], ends: Sequence[int]) -> np.ndarray:
        """Label index (into :attr:`labels`) of every token of a document.

        ``surfaces`` are the tokens of all its decoding units laid end to
        end, ``ends`` the (exclusive) end of each unit. The units are decoded
        as one sequence with two pads between them, which is exactly each
        unit's own padding, so one gather and five shifted additions score
        the whole document. The pads' frames separate the units: only an
        extra *separator* state may be there, entered from and leaving to
        every label at no cost, so every path crosses each gap through it
        and each unit's best labelling is chosen independently, exactly as
        crfsuite labels it alone, in one Viterbi call. (Ties, which
        real-valued weights make vanishingly rare, may break differently.)
        """
        n, size = len(surfaces), len(self.labels)
        if not n:
            return np.zeros(0, dtype=np.int64)
        bounds = np.asarray(ends, dtype=np.int64)
        unit = np.repeat(np.arange(len(bounds)), np.diff(bounds, prepend=0))
        # Frame of each token: two pads before each unit before its own.
        frame = np.arange(n) + 2 * unit
        padded = np.full(len(bounds) * 2 + n + 2, self._pad)
        padded[frame + 2] = self._rows_of(surfaces)
        table = self._table[padded]  # (frames + 4, window, labels)
        frames = len(padded) - 4
        scores = np.zeros((frames, size + 1))
        emissions = scores[:, :size]
        for column, k in enumerate(WINDOW):
            emissions += table[2 + k : 2 + k + frames, column]
        separator = np.ones(frames, dtype=bool)
        separator[frame] = False
        scores[separator, :size] = _IMPOSSIBLE
        scores[frame, size] = _IMPOSSIBLE
        _, states = _hmmc.viterbi(self._start, self._transitions, scores)
        return states[frame]

    def _rows_of(self, surfaces: Sequence[str]) -> np.ndarray:
        """Row of each surface in the emission table, computing missing rows."""
        index = self._index
        missing = [*dict.fromkeys(filterfalse(index.__contains__, surfaces))]
        if missing:
            if len(index) + len(missing) > _CACHE_MAX:
                index.clear()
                index[PAD] = self._pad  # its row stays where it is
                missing = [s for s in dict.fromkeys(surfaces) if s != PAD]
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
