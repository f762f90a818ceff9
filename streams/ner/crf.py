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
from itertools import accumulate, chain, compress, repeat
from pathlib import Path

import numpy as np
import pycrfsuite
from hmmlearn import _hmmc

from streams.ner.clitics import is_arabic
from streams.ner.features import PAD, WINDOW, FeatureExtractor
from streams.ner.kernels import KERNELS

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
        self._keys, self._blocks = _feature_blocks(info.state_features, label_index)
        self._bias = self._blocks[self._keys.get("b", len(self._keys))]
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
        self._emitter = extractor.emitter(self._keys, self._blocks, self._bias)

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
        """:meth:`plain_emissions`, with the rows of Arabic words (most new
        types) computed by the Rust kernels when built and the matching
        forms are given (:meth:`FeatureExtractor.emitter`): the same
        features and weights, summed in the same order, so the same rows
        to the last bit."""
        if self._emitter is None or surface_forms is None or not surfaces:
            return self.plain_emissions(surfaces, surface_forms)
        pairs = zip(surfaces, surface_forms, strict=True)
        arabic = [s[:1].isalnum() and is_arabic(form) for s, form in pairs]
        forms = list(compress(surface_forms, arabic))
        if not forms:
            return self.plain_emissions(surfaces, surface_forms)
        rows = np.frombuffer(
            self._emitter.rows(forms, self._extractor.stems(forms)), np.float64
        ).reshape(len(forms), len(WINDOW), len(self.labels))
        if len(forms) == len(surfaces):
            return rows
        chosen = np.array(arabic, dtype=bool)
        out = np.empty((len(surfaces), *rows.shape[1:]))
        out[chosen] = rows
        others = ~chosen
        out[others] = self.plain_emissions(
            list(compress(surfaces, others)), list(compress(surface_forms, others))
        )
        return out

    def plain_emissions(
        self, surfaces: Sequence[str], surface_forms: Sequence[str] | None = None
    ) -> np.ndarray:
        """Emission rows of token types: for each of ``surfaces`` (distinct),
        the sum of its features' weights at each window offset,
        ``(types, window, labels)``. Callers keep them by type
        (:class:`streams.ner.lexicon.Lexicon`), and may give the matching
        forms they have (see :meth:`FeatureExtractor.compute`).

        A stream brings new word forms for ever (about 25 per article after
        a thousand articles), so this runs on every article. A type's
        neighbour features are its own ones with the neighbour keys, in
        order (:meth:`FeatureExtractor.compute`), and the model has no
        weight for an own-only feature at a neighbour offset (training never
        emits one there), so each own feature's block of weights at every
        offset (:func:`_feature_blocks`) adds exactly what the per-offset
        sums would: one look-up per feature, one gather of blocks and one
        segmented sum (``np.add.reduceat``), plus the bias ``b`` every
        position has, give every offset's row at once.
        (Per-offset sums took a look-up per neighbour feature and offset,
        and five gathers: ~15 µs more per new type in isolation, ~5 in a
        stream of fresh articles.) The sums may differ
        in the last bit from per-offset ones, as numpy adds a run of eight
        or more terms in interleaved partial sums; tag output on 1,990
        corpus articles was byte-identical.
        """
        if not surfaces:
            return np.zeros((0, len(WINDOW), len(self.labels)))
        own = self._extractor.compute(surfaces, surface_forms)
        unknown = len(self._keys)
        ids = np.fromiter(map(self._keys.get, chain.from_iterable(own), repeat(unknown)), np.int64)
        # Every type has a feature (its form, or "pad"), so no run is empty.
        starts = np.fromiter(accumulate(map(len, own), initial=0), np.int64, len(own))
        return np.add.reduceat(self._blocks[ids], starts, axis=0) + self._bias

    def states(
        self, table: np.ndarray, rows: np.ndarray, ends: Sequence[int], pad: int
    ) -> np.ndarray:
        """Label index (into :attr:`labels`) of every token of a document:
        ``decode`` of the Rust kernels when built (:mod:`streams.ner.kernels`;
        each unit scored and decoded in one pass, no arrays per document),
        else :meth:`numpy_states`. Arguments as there."""
        if KERNELS is None:
            return self.numpy_states(table, rows, ends, pad)
        states = KERNELS.decode(
            table,
            len(WINDOW),
            len(self.labels),
            np.ascontiguousarray(rows, dtype=np.int64),
            np.asarray(ends, dtype=np.int64),
            pad,
            self.transitions,
        )
        return np.frombuffer(states, np.int64)

    def numpy_states(
        self, table: np.ndarray, rows: np.ndarray, ends: Sequence[int], pad: int
    ) -> np.ndarray:
        """:meth:`states` in numpy and hmmlearn (the reference).

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
        # np.empty and fill are C calls; np.full and np.ones are Python-level
        # wrappers around them, which this per-document path paid for.
        padded = np.empty(len(bounds) * 2 + n + 2, dtype=np.int64)
        padded.fill(pad)
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
        separator = np.empty(frames, dtype=bool)
        separator.fill(True)
        separator[frame] = False
        scores[separator, :size] = _IMPOSSIBLE
        scores[frame, size] = _IMPOSSIBLE
        _, states = _hmmc.viterbi(self._start, self._transitions, scores)
        return states[frame]


def _feature_blocks(
    state_features: dict[tuple[str, str], float], label_index: dict[str, int]
) -> tuple[dict[str, int], np.ndarray]:
    """Every feature the model knows (an attribute without its ``"<k>:"``
    offset prefix) with its block of weights, ``(window, labels)``: the
    attribute's weights at each offset of :data:`WINDOW` (zero where the
    model has none); the last block, all zeros, stands for unknown features.

    Built once from the model's ``(attribute, label) → weight``: a new
    word's features are then one look-up each, where formatting and looking
    up an attribute name per offset cost more than the rest of its emissions.
    """
    offsets = {str(k): column for column, k in enumerate(WINDOW) if k}
    own = WINDOW.index(0)
    keys: dict[str, int] = {}
    index: list[tuple[int, int, int]] = []  # (key, column, label)
    for attribute, label in state_features:
        prefix, colon, feature = attribute.partition(":")
        column = offsets.get(prefix) if colon else None
        if column is None:  # an own feature (which may contain a colon itself)
            feature, column = attribute, own
        index.append((keys.setdefault(feature, len(keys)), column, label_index[label]))
    blocks = np.zeros((len(keys) + 1, len(WINDOW), len(label_index)))
    if index:
        np.add.at(blocks, tuple(np.array(index, dtype=np.int64).T), list(state_features.values()))
    return keys, blocks
