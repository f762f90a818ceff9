"""The CRF mention detector at run time: a crfsuite model, decoded over per-type emissions.

Training uses python-crfsuite (crfsuite's L-BFGS, :mod:`streams.ner.train`);
decoding does not go through ``pycrfsuite.Tagger``, on purpose. Its cost
is one attribute-string look-up per feature per token (~40 per token, 100k
tokens/s at best), and feeding it means building those strings per token.
Our features are sums over window offsets of per-type features
(:mod:`streams.ner.features`), and a linear-chain CRF's emission score is a
sum of feature weights, so each distinct surface gets its five
offset-emission vectors computed once (:meth:`CrfModel.emissions`, kept per
token type by the detector's :class:`~streams.ner.lexicon.Lexicon`); a
document's emissions are then a gather and a few array additions. Viterbi
over them is hmmlearn's compiled one (max-sum over log scores, which is
what a CRF's weights are), run once per document over all its sentences
laid end to end (see :meth:`CrfModel.states`).
The result is the same labelling crfsuite gives (checked by
``tests/unit/test_ner_crf.py``) at several times the speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

import numpy as np
import pycrfsuite
from hmmlearn import _hmmc

from streams.ner.features import PAD, WINDOW, FeatureExtractor

# hmmlearn's compiled Viterbi (``_hmmc``) is what its public
# ``BaseHMM.decode`` wraps; the wrapper insists on row-stochastic
# transitions, which a CRF's are not, and validates per call. pyproject pins
# hmmlearn below 0.4 for this.

#: Non-zero window offsets, in the order of :func:`_shifted_ids`' ids.
_SHIFTS = tuple(k for k in WINDOW if k)

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
        # sentences (see :meth:`states`), which any label enters and leaves at
        # no cost. hmmlearn takes probabilities and decodes their logs, so
        # it gets exp(weights); no start weights in a crfsuite CRF.
        transitions = np.zeros((size + 1, size + 1))
        transitions[:size, :size] = self.transitions
        self._transitions = np.exp(transitions)
        self._start = np.ones(size + 1)
        self._extractor = extractor
        self._shifted = _shifted_ids(attributes)
        self._unknown_shifted = (self._unknown,) * len(_SHIFTS)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels of every token of every sentence (lists of surfaces).

        Computes every type's emissions afresh (for the equivalence tests; the
        detector keeps them per type)."""
        surfaces = [surface for sentence in sentences for surface in sentence]
        types = {surface: row for row, surface in enumerate(dict.fromkeys([PAD, *surfaces]))}
        table = self.emissions(list(types))
        rows = np.array([types[surface] for surface in surfaces], dtype=np.int64)
        ends = list(accumulate(map(len, sentences)))
        states = self.states(table, rows, ends, types[PAD])
        labels = list(map(self.labels.__getitem__, states.tolist()))
        return [
            labels[end - len(sentence) : end] for end, sentence in zip(ends, sentences, strict=True)
        ]

    def emissions(
        self, surfaces: Sequence[str], surface_forms: Sequence[str] | None = None
    ) -> np.ndarray:
        """Emission rows of token types: for each of ``surfaces`` (distinct),
        the sum of its features' weights at each window offset,
        ``(types, window, labels)``. Callers keep them by type
        (:class:`streams.ner.lexicon.Lexicon`), and may give the matching
        forms they have (see :meth:`FeatureExtractor.compute`).

        A stream brings new word forms for ever (about 18 per article after
        a thousand articles), so this runs on every article: each offset's
        rows are one gather of every type's feature weights and one
        segmented sum (``np.add.reduceat``), adding each type's weights in
        the order of its features, as a per-type sum would.
        """
        table = np.zeros((len(surfaces), len(WINDOW), len(self.labels)))
        if not surfaces:
            return table
        own, neighbour = self._extractor.compute(surfaces, surface_forms)
        get, unknown = self._attributes.get, self._unknown
        bias = get("b", unknown)
        own_ids = [bias]
        own_starts = []
        for features in own:
            own_starts.append(len(own_ids) - 1)
            own_ids.extend([get(f, unknown) for f in features])
            own_ids.append(bias)
        own_ids.pop()  # one bias leads each type's run: ["b", *own]
        shifted, unknown_shifted = self._shifted.get, self._unknown_shifted
        neighbour_rows = []
        neighbour_starts = []
        for features in neighbour:
            neighbour_starts.append(len(neighbour_rows))
            neighbour_rows.extend([shifted(f, unknown_shifted) for f in features])
        by_offset = np.array(neighbour_rows, dtype=np.int64)
        for column, k in enumerate(WINDOW):
            if k:
                ids, starts = by_offset[:, _SHIFTS.index(k)], neighbour_starts
            else:
                ids, starts = own_ids, own_starts
            table[:, column] = np.add.reduceat(self._weights[ids], starts, axis=0)
        return table

    def states(
        self, table: np.ndarray, rows: np.ndarray, ends: Sequence[int], pad: int
    ) -> np.ndarray:
        """Label index (into :attr:`labels`) of every token of a document.

        ``rows`` are the tokens of all its decoding units laid end to end, as
        rows of ``table`` (see :meth:`emissions`; ``pad`` is the row of
        :data:`~streams.ner.features.PAD`), ``ends`` the (exclusive) end of
        each unit. The units are decoded
        as one sequence with two pads between them, which is exactly each
        unit's own padding, so one gather and five shifted additions score
        the whole document. The pads' frames separate the units: only an
        extra *separator* state may be there, entered from and leaving to
        every label at no cost, so every path crosses each gap through it
        and each unit's best labelling is chosen independently, exactly as
        crfsuite labels it alone, in one Viterbi call. (Ties, which
        real-valued weights make vanishingly rare, may break differently.)
        """
        n, size = len(rows), len(self.labels)
        if not n:
            return np.zeros(0, dtype=np.int64)
        bounds = np.asarray(ends, dtype=np.int64)
        unit = bounds.searchsorted(np.arange(n), side="right")
        # Frame of each token: two pads before each unit before its own.
        frame = np.arange(n) + 2 * unit
        padded = np.full(len(bounds) * 2 + n + 2, pad)
        padded[frame + 2] = rows
        gathered = table[padded]  # (frames + 4, window, labels)
        frames = len(padded) - 4
        # Summed in an array of their own, then copied in: adding into a
        # column slice of ``scores`` made every addition strided on both
        # sides, and took twice as long.
        emissions = np.zeros((frames, size))
        for column, k in enumerate(WINDOW):
            emissions += gathered[2 + k : 2 + k + frames, column]
        scores = np.zeros((frames, size + 1))
        scores[:, :size] = emissions
        separator = np.ones(frames, dtype=bool)
        separator[frame] = False
        scores[separator, :size] = _IMPOSSIBLE
        scores[frame, size] = _IMPOSSIBLE
        _, states = _hmmc.viterbi(self._start, self._transitions, scores)
        return states[frame]


def _shifted_ids(attributes: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Attribute ids of every neighbour feature the model knows, at each
    offset of :data:`_SHIFTS` (the unknown attribute's id where it has none).

    Built once from the model's attributes (``"<k>:<feature>"``): a new word's
    neighbour features are mostly unknown to the model, and finding that out
    by formatting and looking up four attribute names each cost more than
    the rest of its emissions. Known ones are the same look-up either way.
    """
    unknown = len(attributes)
    offsets = {str(k): column for column, k in enumerate(_SHIFTS)}
    shifted: dict[str, list[int]] = {}
    for attribute, index in attributes.items():
        prefix, colon, feature = attribute.partition(":")
        if colon and prefix in offsets:
            shifted.setdefault(feature, [unknown] * len(_SHIFTS))[offsets[prefix]] = index
    return {feature: tuple(ids) for feature, ids in shifted.items()}
